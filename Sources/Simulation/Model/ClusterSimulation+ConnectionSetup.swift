import SimCore

/// Opening a connection once a shared-pool slot is held: the worker backend (refused at
/// max_connections or out of memory), the set-up's CPU on the coordinator's backend and on the
/// worker, and a router query that fails when its connection is refused.
extension ClusterSimulation {
    /// With a shared-pool slot: take a backend on the worker (refused when its
    /// max_connections is reached, or when one more backend would not fit in its memory:
    /// PostgreSQL's "out of memory") and run the connection's set-up CPU there.
    mutating func openBackend(waiter: ConnectionWaiter, worker: Int, _ s: inout Scheduler<ClusterEvent>) {
        let outOfMemory = backends[worker].inUse >= workerMemory[worker].backendLimit
        guard !outOfMemory, backends[worker].tryAcquire(at: s.now) else {
            if outOfMemory { metrics.outOfMemoryRefusals[worker] += 1 } else { metrics.connectionsRefused[worker] += 1 }
            let r = requests[Int(waiterRequest(waiter))]
            releaseSharedSlot(worker: worker, coordinator: r.coordinator, session: r.session, &s)
            if let p = waiter.pool {
                connectionAbandoned(pool: p, &s)
            } else if let t = waiter.task {
                failRouter(task: t, &s)
            }
            return
        }
        metrics.connectionsOpened[worker] += 1
        let loopback = isLocal(worker: Int32(worker), coordinator: requests[Int(waiterRequest(waiter))].coordinator)
        let connect: UInt32
        defer { tasks[Int(connect)].started = s.now }
        if let p = waiter.pool {
            connect = newTask(TaskRecord(request: pools[p].request, worker: Int32(worker), shard: -1, pool: Int32(p), stage: .connect))
        } else {
            let t = waiter.raw
            requests[Int(tasks[Int(t)].request)].waitingTask = -1
            tasks[Int(t)].stage = .connect
            connect = t
        }
        if connectClientCPU > .zero {
            // The opening backend's part first (libpq, the client side of TLS), on its coordinator.
            tasks[Int(connect)].stage = .connectClient
            return backendJob(task: connect, &s)
        }
        connectOnWorker(task: connect, worker: worker, loopback: loopback, &s)
    }

    /// A job of the query's coordinator backend (a set-up's client side, a task's dispatch):
    /// it runs now, or after the backend's earlier jobs.
    mutating func backendJob(task id: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        let rid = tasks[Int(id)].request
        guard requests[Int(rid)].backendBusy else { return startBackendJob(task: id, request: rid, &s) }
        let tail = requests[Int(rid)].backendQueueTail
        if tail >= 0 { tasks[Int(tail)].next = Int32(id) } else { requests[Int(rid)].backendQueueHead = Int32(id) }
        requests[Int(rid)].backendQueueTail = Int32(id)
    }

    mutating func startBackendJob(task id: UInt32, request rid: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        requests[Int(rid)].backendBusy = true
        let node = cpuNode(coordinator: requests[Int(rid)].coordinator)
        let work = tasks[Int(id)].stage == .dispatch ? SimDuration.microseconds(taskCoordinatorCPU) : connectClientCPU
        cpu[node].arrive(job: id, work: work, at: s.now)
        armCPU(node, &s)
    }

    /// The backend finished a job: it takes the next waiting one, and the finished job goes
    /// on (a set-up to the worker's part, a task to the worker).
    mutating func backendJobDone(task id: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        let t = tasks[Int(id)]
        let rid = t.request
        let next = requests[Int(rid)].backendQueueHead
        if next >= 0 {
            requests[Int(rid)].backendQueueHead = tasks[Int(next)].next
            if tasks[Int(next)].next < 0 { requests[Int(rid)].backendQueueTail = -1 }
            tasks[Int(next)].next = -1
            startBackendJob(task: UInt32(next), request: rid, &s)
        } else {
            requests[Int(rid)].backendBusy = false
        }
        if t.stage == .dispatch {
            deliverToWorker(task: id, &s)
        } else {
            connectOnWorker(task: id, worker: Int(t.worker), loopback: isLocal(worker: t.worker, coordinator: requests[Int(rid)].coordinator), &s)
        }
    }

    /// The handshake's round trips (none over loopback), then the backend's start-up CPU.
    mutating func connectOnWorker(task connect: UInt32, worker: Int, loopback: Bool, _ s: inout Scheduler<ClusterEvent>) {
        tasks[Int(connect)].stage = .connect
        let node = node(ofWorker: worker)
        cpu[node].arrive(job: connect, work: connectCPU, at: loopback ? s.now : s.now + connectDelay)
        armCPU(node, &s)
    }

    /// A new connection is ready.
    mutating func connected(task id: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        let t = tasks[Int(id)]
        let rid = t.request
        let session = requests[Int(rid)].session
        if session >= 0 { cachedSetup[Int(session) * workers + Int(t.worker)] = (s.now - t.started).microseconds }
        guard t.pool >= 0 else {
            if requests[Int(rid)].answered {
                // The client is gone (timeout): keep the connection for the session.
                freeTask(id)
                returnConnection(session: requests[Int(rid)].session, coordinator: requests[Int(rid)].coordinator, worker: Int(t.worker), &s)
                release(request: rid)
            } else {
                tasks[Int(id)].cold = true  // a new backend
                send(task: id, &s)
            }
            return
        }
        freeTask(id)
        let p = Int(t.pool)
        pools[p].connecting -= 1
        pools[p].open += 1
        pools[p].idle += 1
        pools[p].coldIdle += 1
        pools[p].connectsDone += 1
        pools[p].connectMicroseconds += (s.now - t.started).microseconds
        dispatch(pool: p, &s)
        if pools[p].roundDue && pools[p].connecting == 0 {
            pools[p].roundDue = false
            openRound(pool: p, &s)
        }
        let r = requests[Int(rid)]
        if r.remaining == 0 && r.answered {
            releasePools(request: rid, &s)
        } else if r.firstPoolBase >= 0 && p >= Int(r.firstPoolBase) && p < Int(r.firstPoolBase) + workers {
            // A connection of insert_select_coordinator's first phase, opened after it ended.
            releasePoolBlock(Int(r.firstPoolBase), session: r.session, coordinator: r.coordinator, &s)
        }
        release(request: rid)
    }

    /// A router query whose connection the worker refused fails ("too many clients").
    mutating func failRouter(task id: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        let rid = tasks[Int(id)].request
        freeTask(id)
        requests[Int(rid)].waitingTask = -1
        requests[Int(rid)].failed = true
        answer(request: rid, outcome: .error, &s)
        release(request: rid)
    }

    /// The shared-pool counter of `coordinator` for connections of `session`'s database to `worker`.
    @inline(__always) func poolIndex(worker: Int, coordinator: UInt8, session: Int32) -> Int {
        (Int(coordinator) * workers + worker) * databases + Int(session) % databases
    }

    /// Worker `w` is the coordinator running the query (its own shards: no network).
    @inline(__always) func isLocal(worker w: Int32, coordinator c: UInt8) -> Bool { w == localWorker && c == 0 }

    /// Per worker: backends in use, shared-pool slots in use, connections cached by
    /// sessions and held by maintenance daemons; and requests still active. For invariant
    /// checks: once every request has drained, all three counts agree.
    public func connectionAccounting() -> (perWorker: [(backends: Int, shared: Int, cached: Int)], activeRequests: Int) {
        let perWorker = (0..<workers).map { w in
            (backends[w].inUse, sharedPoolInUse(worker: w),
             stride(from: w, to: cached.count, by: workers).reduce(daemonConnections[w]) { $0 + Int(cached[$1]) })
        }
        return (perWorker, requests.filter(\.active).count)
    }

    /// What is wrong with the connection accounting once every request should have drained:
    /// requests left, and workers whose backends or shared-pool slots differ from the
    /// connections sessions cache. Empty when consistent (for tests).
    public func drainedAccountingProblems() -> [String] {
        let (perWorker, active) = connectionAccounting()
        var problems = active == 0 ? [] : ["\(active) requests still active"]
        for (w, a) in perWorker.enumerated() where a.backends != a.cached || a.shared != a.cached {
            problems.append("worker \(w): \(a.backends) backends, \(a.shared) shared-pool slots, \(a.cached) cached connections")
        }
        return problems
    }
}
