import SimCore

extension ClusterSimulation {
    /// Opens a connection to `worker` for `waiter` (a router task, or a pool with the flag).
    /// A required connection waits for a shared-pool slot; an optional one is skipped when
    /// none is free (FACTS G). Loopback connections of a coordinator with shards are always
    /// optional, counted against citus.local_shared_pool_size and refused while the client
    /// backends + 1 exceed it. The caller has counted the waiter in the request's references.
    mutating func requestConnection(waiter: UInt32, worker: Int, required: Bool, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[Int(waiterRequest(waiter))]
        let shared = poolIndex(worker: worker, coordinator: r.coordinator, session: r.session)
        let loopback = isLocal(worker: Int32(worker), coordinator: r.coordinator)
        if required && !loopback {
            if sharedPool[shared].acquire(waiter, at: s.now) {
                openBackend(waiter: waiter, worker: worker, &s)
            } else {
                metrics.connectionWaits[worker] += 1
                if waiter & poolWaiterFlag == 0 {
                    tasks[Int(waiter)].waitStart = s.now
                    requests[Int(tasks[Int(waiter)].request)].waitingTask = Int32(waiter)
                } else {
                    pools[Int(waiter & ~poolWaiterFlag)].waitStart = s.now
                }
            }
        } else if (!loopback || clientBackends(coordinator: 0) + 1 <= localPoolLimit) && sharedPool[shared].tryAcquire(at: s.now) {
            openBackend(waiter: waiter, worker: worker, &s)
        } else {
            metrics.optionalConnectionsSkipped[worker] += 1
            if waiter & poolWaiterFlag != 0 {
                connectionAbandoned(pool: Int(waiter & ~poolWaiterFlag), &s)
            } else {
                failRouter(task: waiter, &s)  // a loopback connection with local execution off
            }
        }
    }

    /// Coordinator `c`'s maintenance daemons (one per database) check for distributed
    /// deadlocks over one cached connection to every worker it does not host: each takes a
    /// shared-pool slot (counted outside the executor, never waiting) and a backend on the
    /// worker for the rest of the run (`CitusSpec.deadlockDetection`). Simplifications: workers
    /// added later by the timeline are not given one, and none is taken where no slot or
    /// backend is free at all (Citus would count one past the limit).
    mutating func openDaemonConnections(coordinator c: Int, at now: SimTime) {
        guard scenario.citus.deadlockDetection else { return }
        for w in 0..<min(workers, scenario.cluster.shardNodeCount) where !isLocal(worker: Int32(w), coordinator: UInt8(c)) {
            for d in 0..<databases {
                guard backends[w].tryAcquire(at: now) else { continue }
                guard sharedPool[poolIndex(worker: w, coordinator: UInt8(c), session: Int32(d))].tryAcquire(at: now) else {
                    _ = backends[w].release(at: now)
                    continue
                }
                daemonConnections[w] += 1
            }
        }
    }

    /// Client sessions connected to coordinator `c` (each is a client backend there).
    func clientBackends(coordinator c: UInt8) -> Int {
        coordinators == 1 ? sessionCoordinator.count : sessionCoordinator.reduce(0) { $0 + ($1 == c ? 1 : 0) }
    }

    /// With a shared-pool slot: take a backend on the worker (refused when its
    /// max_connections is reached, or when one more backend would not fit in its memory:
    /// PostgreSQL's "out of memory") and run the connection's set-up CPU there.
    mutating func openBackend(waiter: UInt32, worker: Int, _ s: inout Scheduler<ClusterEvent>) {
        let outOfMemory = backends[worker].inUse >= workerMemory[worker].backendLimit
        guard !outOfMemory, backends[worker].tryAcquire(at: s.now) else {
            if outOfMemory { metrics.outOfMemoryRefusals[worker] += 1 } else { metrics.connectionsRefused[worker] += 1 }
            let r = requests[Int(waiterRequest(waiter))]
            releaseSharedSlot(worker: worker, coordinator: r.coordinator, session: r.session, &s)
            if waiter & poolWaiterFlag != 0 {
                connectionAbandoned(pool: Int(waiter & ~poolWaiterFlag), &s)
            } else {
                failRouter(task: waiter, &s)
            }
            return
        }
        metrics.connectionsOpened[worker] += 1
        let loopback = isLocal(worker: Int32(worker), coordinator: requests[Int(waiterRequest(waiter))].coordinator)
        let connect: UInt32
        defer { tasks[Int(connect)].started = s.now }
        if waiter & poolWaiterFlag != 0 {
            let p = Int32(waiter & ~poolWaiterFlag)
            connect = newTask(TaskRecord(request: pools[Int(p)].request, worker: Int32(worker), shard: -1, pool: p, stage: .connect))
        } else {
            let rid = tasks[Int(waiter)].request
            requests[Int(rid)].waitingTask = -1
            tasks[Int(waiter)].stage = .connect
            connect = waiter
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

    /// A pool connection that was not opened: skipped, or refused by the worker.
    mutating func connectionAbandoned(pool p: Int, _ s: inout Scheduler<ClusterEvent>) {
        pools[p].connecting -= 1
        let rid = pools[p].request
        if pools[p].open + pools[p].connecting == 0 && pools[p].cursor < pools[p].total && !requests[Int(rid)].answered && pools[p].local == .none {
            let r = requests[Int(rid)]
            if localExecution && !twoPhase[Int(r.cls)] && isLocal(worker: pools[p].worker, coordinator: r.coordinator) {
                // No loopback connection: the pool fails over to local execution, which runs
                // its tasks in-process after the remote ones (FACTS G, adaptive_executor.c).
                pools[p].local = .waiting
                requests[Int(rid)].localPool = Int32(p)
                metrics.localFailovers += 1
                localPoolProgress(request: rid, &s)
            } else {
                // No connection at all to this worker: the whole query fails.
                requests[Int(rid)].failed = true
                answer(request: rid, outcome: .error, &s)
                abandon(request: rid, &s)
            }
        }
        if pools[p].roundDue && pools[p].connecting == 0 {
            pools[p].roundDue = false
            openRound(pool: p, &s)
        }
        release(request: rid)
    }

    /// A slow-start round: the first opens max(1, max_cached_conns_per_worker), each next
    /// one more, never beyond the pool target or the tasks still waiting (FACTS G). Without
    /// slow start (interval 0, or force_max_query_parallelization) all open at once.
    mutating func openRound(pool p: Int, _ s: inout Scheduler<ClusterEvent>) {
        let pool = pools[p]
        let rid = pool.request
        let waiting = pool.total - pool.cursor
        let initiated = pool.open + pool.connecting
        var want = min(waiting - pool.idle, pool.target - initiated)
        if slowStart { want = min(want, pool.nextRound) }
        if want > 0 && costBased && initiated <= maxCached && existingConnectionsAreCheaper(pool) {
            want = 0
        }
        guard want > 0 else {
            if want == 0 && slowStart && waiting - pool.idle > 0 && initiated < pool.target { scheduleSlowStartTick(request: rid, &s) }
            return
        }
        pools[p].nextRound += 1
        for i in 0..<want where pools[p].local == .none {  // a failover stops the round
            pools[p].connecting += 1
            requests[Int(rid)].outstanding += 1
            requestConnection(waiter: UInt32(p) | poolWaiterFlag, worker: Int(pool.worker), required: initiated == 0 && i == 0, &s)
        }
        let stillWaiting = pools[p].total - pools[p].cursor - pools[p].idle
        if slowStart && pools[p].open + pools[p].connecting < pool.target && stillWaiting > pools[p].connecting {
            scheduleSlowStartTick(request: rid, &s)
        }
    }

    /// One slow-start timer per query serves all its pools (they start together; Citus
    /// drives them from one execution loop).
    mutating func scheduleSlowStartTick(request rid: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        guard !requests[Int(rid)].slowStartPending else { return }
        requests[Int(rid)].slowStartPending = true
        requests[Int(rid)].outstanding += 1
        s.schedule(.slowStart, after: slowStartInterval, priority: .completion, payload: rid)
    }

    /// citus.enable_cost_based_connection_establishment (FACTS G): once a task has finished,
    /// no new connection while the remaining work on the open ones looks quicker than
    /// opening one: avgTask/2 + floor(avgTask × ready / active) <= avgTask + avgConnect, where
    /// avgConnect is the mean set-up time of the pool's connections, cached ones included.
    /// avgTask counts finished tasks only; Citus also counts running ones at twice their age
    /// (AvgTaskExecutionTimeApproximation), which the model leaves out: it made the decision
    /// flip with small changes in timing, and the lab's replays did not tell which is closer.
    func existingConnectionsAreCheaper(_ pool: PoolRecord) -> Bool {
        guard pool.tasksDone >= 1, pool.open >= 1 else { return false }
        let avgTask = Double(pool.taskMicroseconds) / Double(pool.tasksDone)
        let avgConnect = pool.connectsDone > 0 ? Double(pool.connectMicroseconds) / Double(pool.connectsDone) : 0
        let ready = Double(pool.total - pool.cursor)
        return avgTask / 2 + (avgTask * ready / Double(pool.open)).rounded(.down) <= avgTask + avgConnect
    }

    /// The slow-start interval passed: each pool still waiting opens its next round once
    /// every connection it initiated before has finished connecting.
    mutating func slowStartTick(request rid: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        requests[Int(rid)].slowStartPending = false
        defer { release(request: rid) }
        let r = requests[Int(rid)]
        guard !r.answered, r.poolBase >= 0 else { return }
        for w in 0..<workers {
            let p = Int(r.poolBase) + w
            guard pools[p].cursor < pools[p].total, pools[p].local == .none, !r.remoteHeld else { continue }
            if pools[p].connecting > 0 { pools[p].roundDue = true } else { openRound(pool: p, &s) }
        }
    }

    /// At the end of a fan-out: each worker's connections go back to the session's cache up
    /// to max_cached_conns_per_worker; the rest close.
    mutating func releasePools(request rid: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[Int(rid)]
        if r.firstPoolBase >= 0 { releasePoolBlock(Int(r.firstPoolBase), session: r.session, coordinator: r.coordinator, &s) }
        guard r.poolBase >= 0 else { return }
        releasePoolBlock(Int(r.poolBase), session: r.session, coordinator: r.coordinator, &s)
    }

    /// Idle connections of one block of pools go back to the session (or close).
    mutating func releasePoolBlock(_ base: Int, session: Int32, coordinator: UInt8, _ s: inout Scheduler<ClusterEvent>) {
        for w in 0..<workers {
            let p = base + w
            var free = pools[p].idle
            if pools[p].local == .running && free > 0 {
                free -= 1  // the backend itself, not a connection
                pools[p].local = .none
            }
            pools[p].open -= free
            pools[p].idle = 0
            pools[p].coldIdle = 0
            for _ in 0..<free { returnConnection(session: session, coordinator: coordinator, worker: w, &s) }
        }
    }

    /// Keeps the connection in the session's cache if there is room, the slot's connections
    /// are younger than max_cached_connection_lifetime and the session is still on the
    /// coordinator that opened it; else closes it.
    mutating func returnConnection(session: Int32, coordinator: UInt8, worker: Int, _ s: inout Scheduler<ClusterEvent>) {
        let slot = Int(session) * workers + worker
        if session >= 0 && cached[slot] == 0 && s.now - cachedSince[slot] >= cachedLifetime {
            cachedSince[slot] = s.now  // a fresh connection starts a new lifetime
        }
        let young = s.now - cachedSince[slot] < cachedLifetime
        if session >= 0 && young && cached[slot] < maxCached && sessionCoordinator[Int(session)] == coordinator {
            cached[slot] += 1
        } else {
            _ = backends[worker].release(at: s.now)
            releaseSharedSlot(worker: worker, coordinator: coordinator, session: session, &s)
        }
    }

    /// The request a shared-pool waiter belongs to.
    func waiterRequest(_ waiter: UInt32) -> UInt32 {
        waiter & poolWaiterFlag == 0 ? tasks[Int(waiter)].request : pools[Int(waiter & ~poolWaiterFlag)].request
    }

    /// Returns a shared-pool slot of `coordinator` for `session`'s database; a waiting
    /// required connection (of the same coordinator and database) takes it at once.
    mutating func releaseSharedSlot(worker: Int, coordinator: UInt8, session: Int32, _ s: inout Scheduler<ClusterEvent>) {
        guard let next = sharedPool[poolIndex(worker: worker, coordinator: coordinator, session: session)].release(at: s.now) else { return }
        let since = next & poolWaiterFlag == 0 ? tasks[Int(next)].waitStart : pools[Int(next & ~poolWaiterFlag)].waitStart
        metrics.connectionWaitSeconds[worker] += (s.now - since).seconds
        openBackend(waiter: next, worker: worker, &s)
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

    /// Shared-pool slots in use towards `worker`, over every coordinator and database.
    func sharedPoolInUse(worker w: Int) -> Int {
        (0..<coordinators).reduce(0) { sum, c in (0..<databases).reduce(sum) { $0 + sharedPool[(c * workers + w) * databases + $1].inUse } }
    }

    /// Mean waiters for shared-pool slots towards `worker` until `end`, over coordinators and databases.
    func sharedPoolWaitersMean(worker w: Int, at end: SimTime) -> Double {
        (0..<coordinators).reduce(0.0) { sum, c in (0..<databases).reduce(sum) { $0 + sharedPool[(c * workers + w) * databases + $1].waiting.mean(at: end) } }
    }
}

extension ClusterSimulation {
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
