import SimCore

/// Carrying out the shared connection pool's decisions (`SharedConnectionPool`): a granted
/// slot opens a backend, a waiting one records since when, a skipped one abandons its pool or
/// fails its router task; a released slot opens the next waiter's backend; the maintenance
/// daemons' connections.
extension ClusterSimulation {
    /// Opens a connection to `worker` for `waiter` (a router task, or a worker pool).
    /// A required connection waits for a shared-pool slot; an optional one is skipped when
    /// none is free (FACTS G). Loopback connections of a coordinator with shards are always
    /// optional, counted against citus.local_shared_pool_size and refused while the client
    /// backends + 1 exceed it. The caller has counted the waiter in the request's references.
    mutating func requestConnection(waiter: ConnectionWaiter, worker: WorkerIndex, required: Bool, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[waiterRequest(waiter)]
        let loopback = localExecution.isLocal(worker: worker, coordinator: r.coordinator)
        switch sharedPool.request(waiter, worker: worker, coordinator: r.coordinator, session: r.session, required: required, loopback: loopback,
                                  localBackends: loopback ? clientBackends(coordinator: 0) : 0, at: s.now) {
        case .open:
            openBackend(waiter: waiter, worker: worker, &s)
        case .wait:
            metrics.connectionWaits[worker] += 1
            if let p = waiter.pool {
                pools[p].waitStart = s.now
            } else if let t = waiter.task {
                tasks[t].waitStart = s.now
                requests[tasks[t].request].waitingTask = t
            }
        case .skip:
            metrics.optionalConnectionsSkipped[worker] += 1
            if let p = waiter.pool {
                connectionAbandoned(pool: p, &s)
            } else if let t = waiter.task {
                failRouter(task: t, &s)  // a loopback connection with local execution off
            }
        }
    }

    /// Coordinator `c`'s maintenance daemons (one per database) check for distributed
    /// deadlocks over one cached connection to every worker in the metadata that it does not
    /// host: each takes a shared-pool slot (counted outside the executor, never waiting) and a
    /// backend on the worker for the rest of the run (`CitusSpec.deadlockDetection`). A worker
    /// the timeline adds gets them once it is in the metadata (`citus_add_node`; Citus's next
    /// check comes within 2 s, the model opens them at once). Simplification: none is taken
    /// where no slot or backend is free at all (Citus would count one past the limit).
    mutating func openDaemonConnections(coordinator c: Int, at now: SimTime) {
        for w in nodes.allWorkers where inMetadata(worker: w) {
            openDaemonConnections(coordinator: c, worker: w, at: now)
        }
    }

    /// Coordinator `c`'s maintenance daemons' connections to worker `w` (see above).
    mutating func openDaemonConnections(coordinator c: Int, worker w: WorkerIndex, at now: SimTime) {
        guard scenario.citus.deadlockDetection, !localExecution.isLocal(worker: w, coordinator: UInt8(c)) else { return }
        for d in 0..<databases {
            guard backends[w].tryAcquire(at: now) else { continue }
            if !sharedPool.takeDaemonSlot(worker: w, coordinator: UInt8(c), database: d, at: now) { _ = backends[w].release(at: now) }
        }
    }

    /// Client sessions connected to coordinator `c` (each is a client backend there).
    func clientBackends(coordinator c: UInt8) -> Int {
        clientSessions.count(onCoordinator: c)
    }

    /// The request a shared-pool waiter belongs to.
    @inline(__always) func waiterRequest(_ waiter: ConnectionWaiter) -> RequestID {
        if let p = waiter.pool { return pools[p].request }
        return tasks[TaskID(waiter.raw)].request
    }

    /// Returns a shared-pool slot of `coordinator` for `session`'s database; a waiting
    /// required connection (of the same coordinator and database) takes it at once.
    mutating func releaseSharedSlot(worker: WorkerIndex, coordinator: UInt8, session: SessionID, _ s: inout Scheduler<ClusterEvent>) {
        guard let next = sharedPool.release(worker: worker, coordinator: coordinator, session: session, at: s.now) else { return }
        let since = next.pool.map { pools[$0].waitStart } ?? tasks[TaskID(next.raw)].waitStart
        metrics.connectionWaitSeconds[worker] += (s.now - since).seconds
        openBackend(waiter: next, worker: worker, &s)
    }
}
