import SimCore

/// The adaptive executor's worker pools (FACTS G) in time: slow-start rounds
/// (`citus.executor_slow_start_interval`; how many each opens is `WorkerPool.roundSize`), one
/// timer per query, a pool that cannot connect, and the connections cached when the query ends.
extension ClusterSimulation {
    /// A pool connection that was not opened: skipped, or refused by the worker.
    mutating func connectionAbandoned(pool p: PoolID, _ s: inout Scheduler<ClusterEvent>) {
        pools[p].connecting -= 1
        let rid = pools[p].request
        if pools[p].open + pools[p].connecting == 0 && pools[p].cursor < pools[p].total && !requests[rid].answered && pools[p].local == .none {
            let r = requests[rid]
            if localExecution.failsOver(worker: pools[p].worker, coordinator: r.coordinator, twoPhase: profile[r.cls].twoPhase) {
                // No loopback connection: the pool fails over to local execution, which runs
                // its tasks in-process after the remote ones (FACTS G, adaptive_executor.c).
                pools[p].local = .waiting
                requests[rid].localPool = p
                metrics.localFailovers += 1
                localPoolProgress(request: rid, &s)
            } else {
                // No connection at all to this worker: the whole query fails.
                requests[rid].failed = true
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
    mutating func openRound(pool p: PoolID, _ s: inout Scheduler<ClusterEvent>) {
        let pool = pools[p]
        let rid = pool.request
        let initiated = pool.open + pool.connecting
        let want = pool.roundSize(slowStart: slowStart, costBased: costBased, maxCached: connectionCache.maxPerWorker, at: s.now)
        guard want > 0 else {
            if want == 0 && slowStart && pool.unserved > 0 && initiated < pool.target { scheduleSlowStartTick(request: rid, &s) }
            return
        }
        pools[p].nextRound += 1
        for i in 0..<want where pools[p].local == .none {  // a failover stops the round
            pools[p].connecting += 1
            retain(request: rid)
            requestConnection(waiter: .pool(p), worker: pool.worker, required: initiated == 0 && i == 0, &s)
        }
        if slowStart && pools[p].open + pools[p].connecting < pool.target && pools[p].unserved > pools[p].connecting {
            scheduleSlowStartTick(request: rid, &s)
        }
    }

    /// One slow-start timer per query serves all its pools (they start together; Citus
    /// drives them from one execution loop).
    mutating func scheduleSlowStartTick(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        guard !requests[rid].slowStartPending else { return }
        requests[rid].slowStartPending = true
        retain(request: rid)
        s.schedule(.slowStart, after: slowStartInterval, priority: .completion, payload: rid.raw)
    }

    /// The slow-start interval passed: each pool still waiting opens its next round once
    /// every connection it initiated before has finished connecting.
    mutating func slowStartTick(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        requests[rid].slowStartPending = false
        defer { release(request: rid) }
        let r = requests[rid]
        guard !r.answered, r.poolBase.isPool else { return }
        for w in nodes.allWorkers {
            let p = PoolID(block: r.poolBase, worker: w)
            guard pools[p].cursor < pools[p].total, pools[p].local == .none, !r.remoteHeld else { continue }
            if pools[p].connecting > 0 { pools[p].roundDue = true } else { openRound(pool: p, &s) }
        }
    }

    /// At the end of a fan-out: each worker's connections go back to the session's cache up
    /// to max_cached_conns_per_worker; the rest close.
    mutating func releasePools(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[rid]
        if r.firstPoolBase.isPool { releasePoolBlock(r.firstPoolBase, session: r.session, coordinator: r.coordinator, &s) }
        guard r.poolBase.isPool else { return }
        releasePoolBlock(r.poolBase, session: r.session, coordinator: r.coordinator, &s)
    }

    /// Idle connections of one block of pools go back to the session (or close).
    mutating func releasePoolBlock(_ base: PoolID, session: SessionID, coordinator: UInt8, _ s: inout Scheduler<ClusterEvent>) {
        for w in nodes.allWorkers {
            let p = PoolID(block: base, worker: w)
            var free = pools[p].idle
            if pools[p].local == .running && free > 0 {
                free -= 1  // the backend itself, not a connection
                pools[p].local = .none
            }
            if free > 0 && pools[p].oldestSetupMicroseconds >= 0 {
                connectionCache.oldestInUse(session: session, worker: w, setupMicroseconds: pools[p].oldestSetupMicroseconds)
            }
            pools[p].open -= free
            pools[p].idle = 0
            pools[p].coldIdle = 0
            for _ in 0..<free { returnConnection(session: session, coordinator: coordinator, worker: w, &s) }
        }
    }

    /// Keeps the connection in the session's cache (`ConnectionCache.keep`), else closes it.
    /// Past `clientsStopAt` nothing is kept: the session's client is disconnecting, or gone
    /// and this is a query it abandoned (a timeout) ending.
    mutating func returnConnection(session: SessionID, coordinator: UInt8, worker: WorkerIndex, _ s: inout Scheduler<ClusterEvent>) {
        let sameCoordinator = session.isClient && clientSessions.coordinator[session.index] == coordinator
        if s.now >= clientsStopAt || !connectionCache.keep(session: session, worker: worker, sameCoordinator: sameCoordinator, at: s.now) {
            _ = backends[worker].release(at: s.now)
            releaseSharedSlot(worker: worker, coordinator: coordinator, session: session, &s)
        }
    }
}
