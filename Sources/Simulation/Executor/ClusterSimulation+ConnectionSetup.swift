import SimCore

/// Opening a connection once a shared-pool slot is held: the worker backend (refused at
/// max_connections or out of memory), the set-up's CPU on the coordinator's backend and on the
/// worker, and a router query that fails when its connection is refused.
extension ClusterSimulation {
    /// With a shared-pool slot: take a backend on the worker and run the connection's set-up
    /// CPU there. Refused when one more backend would not fit in the worker's memory: the
    /// postmaster's fork fails and it answers at once ("out of memory"). Refused when its
    /// max_connections is reached: only after the attempt has run its course
    /// (`refusedConnectCPU`, `connectionRefused`), as the forked backend finds no free slot.
    /// Model assumption: both are decided when the attempt starts (a backend that ends during
    /// the handshake does not save a refused attempt).
    mutating func openBackend(waiter: ConnectionWaiter, worker: WorkerIndex, _ s: inout Scheduler<ClusterEvent>) {
        if !hasRoomForBackend(worker: worker) {
            metrics.outOfMemoryRefusals[worker] += 1
            return refuse(waiter: waiter, worker: worker, &s)
        }
        let refused = !backends[worker].tryAcquire(at: s.now)
        if refused {
            metrics.connectionsRefused[worker] += 1
        } else {
            metrics.connectionsOpened[worker] += 1
            noteMemory(worker: worker)
        }
        let loopback = localExecution.isLocal(worker: worker, coordinator: requests[waiterRequest(waiter)].coordinator)
        // With client-side set-up CPU, the opening backend's part comes first (libpq, the client
        // side of TLS), on its coordinator.
        let first: TaskStage = connectClientCPU > .zero ? .connectClient : .connect
        let connect: TaskID
        defer { tasks[connect].started = s.now }
        if let p = waiter.pool {
            connect = newTask(TaskRecord(request: pools[p].request, worker: worker, pool: p, stage: first))
        } else {
            let t = TaskID(waiter.raw)
            requests[tasks[t].request].waitingTask = .none
            advance(t, to: first)
            connect = t
        }
        tasks[connect].refused = refused
        if first == .connectClient { return backendJob(task: connect, &s) }
        connectOnWorker(task: connect, worker: worker, loopback: loopback, &s)
    }

    /// The connection was refused: its shared-pool slot goes back, and the pool carries on
    /// without it (`connectionAbandoned`) or the router query fails.
    mutating func refuse(waiter: ConnectionWaiter, worker: WorkerIndex, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[waiterRequest(waiter)]
        releaseSharedSlot(worker: worker, coordinator: r.coordinator, session: r.session, &s)
        if let p = waiter.pool {
            connectionAbandoned(pool: p, &s)
        } else if let t = waiter.task {
            failRouter(task: t, &s)
        }
    }

    /// A refused attempt's handshake is done: the worker's error reaches the opening backend.
    mutating func connectionRefused(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let t = tasks[id]
        if t.pool.isPool {
            freeTask(id)
            refuse(waiter: .pool(t.pool), worker: t.worker, &s)
        } else {
            refuse(waiter: .task(id), worker: t.worker, &s)
        }
    }

    /// A job of the query's coordinator backend (a set-up's client side, a task's dispatch):
    /// it runs now, or after the backend's earlier jobs.
    mutating func backendJob(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let rid = tasks[id].request
        guard requests[rid].backendBusy else { return startBackendJob(task: id, request: rid, &s) }
        let tail = requests[rid].backendQueueTail
        if tail.isTask { tasks[tail].next = id } else { requests[rid].backendQueueHead = id }
        requests[rid].backendQueueTail = id
    }

    mutating func startBackendJob(task id: TaskID, request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        requests[rid].backendBusy = true
        let node = nodes.cpuNode(coordinator: requests[rid].coordinator)
        let work = tasks[id].stage == .dispatch ? SimDuration.microseconds(taskCoordinatorCPU) : connectClientCPU
        cpu[node.index].arrive(job: id.raw, work: work, at: s.now)
        armCPU(node, &s)
    }

    /// The backend finished a job: it takes the next waiting one, and the finished job goes
    /// on (a set-up to the worker's part, a task to the worker).
    mutating func backendJobDone(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let t = tasks[id]
        let rid = t.request
        let next = requests[rid].backendQueueHead
        if next.isTask {
            let waiting = next
            requests[rid].backendQueueHead = tasks[waiting].next
            if !tasks[waiting].next.isTask { requests[rid].backendQueueTail = .none }
            tasks[waiting].next = .none
            startBackendJob(task: waiting, request: rid, &s)
        } else {
            requests[rid].backendBusy = false
        }
        if t.stage == .dispatch {
            deliverToWorker(task: id, &s)
        } else {
            advance(id, to: .connect)
            connectOnWorker(task: id, worker: t.worker, loopback: localExecution.isLocal(worker: t.worker, coordinator: requests[rid].coordinator), &s)
        }
    }

    /// The handshake's round trips (none over loopback), then the backend's start-up CPU.
    mutating func connectOnWorker(task connect: TaskID, worker: WorkerIndex, loopback: Bool, _ s: inout Scheduler<ClusterEvent>) {
        let node = nodes.node(ofWorker: worker)
        let work = tasks[connect].refused ? refusedConnectCPU : connectCPU
        cpu[node.index].arrive(job: connect.raw, work: work, at: loopback ? s.now : s.now + connectDelay)
        armCPU(node, &s)
    }

    /// A new connection is ready.
    mutating func connected(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let t = tasks[id]
        let rid = t.request
        let session = requests[rid].session
        guard t.pool.isPool else {
            // A router task's connection is the session's only one to the worker.
            connectionCache.oldestInUse(session: session, worker: t.worker, setupMicroseconds: (s.now - t.started).microseconds)
            if requests[rid].answered {
                // The client is gone (timeout): keep the connection for the session.
                freeTask(id)
                returnConnection(session: requests[rid].session, coordinator: requests[rid].coordinator, worker: t.worker, &s)
                release(request: rid)
            } else {
                tasks[id].cold = true  // a new backend
                send(task: id, &s)
            }
            return
        }
        freeTask(id)
        let p = t.pool
        pools[p].connectionReady(setupMicroseconds: (s.now - t.started).microseconds)
        dispatch(pool: p, &s)
        if pools[p].roundDue && pools[p].connecting == 0 {
            pools[p].roundDue = false
            openRound(pool: p, &s)
        }
        let r = requests[rid]
        if r.remaining == 0 && r.answered {
            releasePools(request: rid, &s)
        } else if r.firstPoolBase.blockHolds(p, workers: workers) {
            // A connection of insert_select_coordinator's first phase, opened after it ended.
            releasePoolBlock(r.firstPoolBase, session: r.session, coordinator: r.coordinator, &s)
        }
        release(request: rid)
    }

    /// A router query whose connection the worker refused fails ("too many clients").
    mutating func failRouter(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let rid = tasks[id].request
        freeTask(id)
        requests[rid].waitingTask = .none
        requests[rid].failed = true
        answer(request: rid, outcome: .error, &s)
        release(request: rid)
    }

    /// Per worker: backends in use, shared-pool slots in use, connections cached by
    /// sessions and held by maintenance daemons; and requests still active. For invariant
    /// checks: once every request has drained, all three counts agree.
    public func connectionAccounting() -> (perWorker: [(backends: Int, shared: Int, cached: Int)], activeRequests: Int) {
        let perWorker = nodes.allWorkers.map { w in
            (backends[w].inUse, sharedPool.inUse(worker: w),
             sharedPool.daemonConnections[w] + connectionCache.kept(worker: w))
        }
        return (perWorker, requests.filter(\.active).count)
    }

    /// What is wrong with the connection accounting once every request should have drained:
    /// requests left, workers whose backends or shared-pool slots differ from the connections
    /// sessions cache, and work_mem or result tuplestores still held. Empty when consistent (for tests).
    public func drainedAccountingProblems() -> [String] {
        let (perWorker, active) = connectionAccounting()
        var problems = active == 0 ? [] : ["\(active) requests still active"]
        for (w, a) in perWorker.enumerated() where a.backends != a.cached || a.shared != a.cached {
            problems.append("worker \(w): \(a.backends) backends, \(a.shared) shared-pool slots, \(a.cached) cached connections")
        }
        for w in nodes.allWorkers where workMem.used && workMem.inUse[w] != 0 {
            problems.append("worker \(w.index): \(workMem.inUse[w]) bytes of work_mem still held")
        }
        for (c, bytes) in resultStore.inUse.enumerated() where bytes != 0 {
            problems.append("coordinator \(c): \(bytes) bytes of result tuplestores still held")
        }
        return problems
    }
}
