import SimCore
import Workload

extension ClusterSimulation {
    /// Schedules the first arrivals (open loop) or every client's first request (closed loop),
    /// and the first metrics sample.
    public mutating func start(_ s: inout Scheduler<ClusterEvent>) {
        switch scenario.workload.arrivals {
        case .open:
            if let first = source.firstArrival() { s.schedule(.arrival, at: first, priority: .arrival) }
        case .closed(let clients, _):
            for c in 0..<clients {
                if let think = source.think() { s.schedule(.think, after: think, priority: .arrival, payload: UInt32(c)) }
            }
        }
        if measureFrom > .zero { s.schedule(.sample, at: measureFrom, priority: .observation, payload: 1) }
        if hasOperations { scheduleTimeline(&s) }
        s.schedule(.sample, at: nextSample, priority: .observation)
    }

    /// A new request: tenant and class from the workload streams, demands drawn now so
    /// every configuration sees the same ones; then it waits for a session if needed.
    mutating func arrive(session: SessionID?, tenant given: TenantIndex? = nil, cls givenClass: QueryClassIndex? = nil, _ s: inout Scheduler<ClusterEvent>) {
        let tenant = given ?? source.tenant(session: session)
        let cls = givenClass ?? source.cls()
        if profile[cls].singleTenant { Prefetch.read(placement.tenantSlots, at: placement.slot(table: profile[cls].table, tenant: tenant)) }
        Prefetch.read(metrics.tenantCounts, at: tenant.index)
        source.record(time: s.now, tenant: tenant, cls: cls)
        var record = RequestRecord()
        record.cls = cls
        record.tenant = tenant
        record.arrival = s.now
        record.active = true
        record.coordinatorWork = source.coordinatorDemand(cls: cls)
        if profile[cls].subplans > 0 {
            record.remaining = profile[cls].subplans
            record.schemaDraws = source.schemaSeed()
        }
        let id = newRequest(record)
        if hasOperations && clientSessions.live.isEmpty {
            // No coordinator: the client's connection fails at once.
            metrics.failedOnDownNode += 1
            answer(request: id, outcome: .error, &s)
            return retireIfDone(request: id)
        }
        if let statementTimeout {
            retain(request: id)
            s.schedule(.timeout, after: statementTimeout, priority: .control, payload: id.raw)
        }
        if let session {
            requests[id].session = session
            begin(request: id, &s)
        } else if let free = clientSessions.acquire(id, database: tenant.database(of: databases), at: s.now) {
            requests[id].session = free
            begin(request: id, &s)
        } else {
            metrics.sessionWaits[cls.index] += 1  // waits with SessionID.none until one is released
        }
    }

    /// Planning on the coordinator (half the coordinator CPU drawn for fan-outs and across_schemas
    /// queries; the other half merges, or runs the outer query over the subplans' results).
    mutating func begin(request id: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        if coordinators > 1 { connectSession(request: id, &s) }
        let r = requests[id]
        var planWork = profile[r.cls].singleTenant && profile[r.cls].subplans == 0 ? r.coordinatorWork : r.coordinatorWork / 2
        if profile[r.cls].subplans > 0 { planWork += subplanCoordinatorCPU }  // the first subplan
        requests[id].started = s.now
        coordinatorJob(request: id, stage: .plan, work: planWork, &s)
    }

    /// A job of the request on its coordinator's CPU (planning or merging), microseconds of work;
    /// its end comes back through `cpuDone`.
    mutating func coordinatorJob(request id: RequestID, stage: TaskStage, work: Int64, _ s: inout Scheduler<ClusterEvent>) {
        retain(request: id)
        let t = newTask(TaskRecord(request: id, worker: .none, pool: .none, stage: stage))
        let node = nodes.cpuNode(coordinator: requests[id].coordinator)
        cpu[node.index].arrive(job: t.raw, work: .microseconds(work), at: s.now)
        armCPU(node, &s)
    }

    /// The client gets its answer; the session goes to the next request.
    mutating func answer(request id: RequestID, outcome: SimulationMetrics.Outcome, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[id]
        guard !r.answered else { return }
        requests[id].answered = true
        if r.resultStoreBytes > 0 {
            resultStore.add(-r.resultStoreBytes, coordinator: Int(r.coordinator))
            requests[id].resultStoreBytes = 0
        }
        if r.arrival >= measureFrom {
            // An across_schemas query is no one tenant's (citus_stat_tenants counts single-shard queries).
            metrics.record(cls: r.cls, latency: s.now - r.arrival, outcome: outcome, tenant: profile[r.cls].subplans > 0 ? .none : r.tenant,
                           write: profile[r.cls].isWrite, cpuSeconds: r.cpuSeconds)
            if outcome == .ok { metrics.serviceMicroseconds[r.cls.index] += Double((s.now - r.started).microseconds) }
        }
        if r.session.isClient { releaseSession(r.session, &s) }
    }

    mutating func releaseSession(_ session: SessionID, _ s: inout Scheduler<ClusterEvent>) {
        if s.now >= clientsStopAt { return disconnect(client: session, &s) }
        if let think = source.think() {
            s.schedule(.think, after: think, priority: .arrival, payload: UInt32(session.raw))
        } else {
            if let next = clientSessions.release(session, at: s.now) {
                requests[next].session = session
                begin(request: next, &s)
            } else {
                if coordinators > 1 { reconnect(session: session, &s) }
                clientSessions.pushFree(session)
            }
        }
    }

    /// Drops one reference; reuses the record when nothing refers to it and it was answered.
    /// Something now refers to the request (a task or connection set-up in flight, a wait, a
    /// timer): its record is not reused until each such reference is released.
    @inline(__always) mutating func retain(request id: RequestID) {
        requests[id].outstanding += 1
    }

    /// A reference to the request ended (see `retain`); the record is reused once none is
    /// left and the client has been answered.
    mutating func release(request id: RequestID) {
        requests[id].outstanding -= 1
        retireIfDone(request: id)
    }

    mutating func retireIfDone(request id: RequestID) {
        let r = requests[id]
        precondition(r.outstanding >= 0, "request \(id) released more often than referenced")
        guard r.active, r.answered, r.outstanding == 0 else { return }
        if r.poolBase.isPool { freePoolBlocks.append(r.poolBase) }
        if r.firstPoolBase.isPool { freePoolBlocks.append(r.firstPoolBase) }
        requests[id].active = false
        freeRequests.append(id)
    }

    /// statement_timeout: the client gets an error now; no new shard tasks start; shard
    /// queries running (or on their way) on a worker's CPU are cancelled, their connections
    /// answering after the latency; waits for a session or a connection slot are abandoned.
    /// Work already done stays done (a task reading from disk finishes its read).
    mutating func timeout(request id: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[id]
        defer { release(request: id) }
        guard r.active, !r.answered else { return }
        if !r.session.isClient {
            clientSessions.cancelWait(id, database: r.tenant.database(of: databases), at: s.now)
            answer(request: id, outcome: .timeout, &s)
            return
        }
        answer(request: id, outcome: .timeout, &s)
        abandon(request: id, &s)
    }

    /// Stops a query whose client already has its answer (a timeout or an error), as Citus
    /// aborts a distributed query: no new shard tasks in any pool, waits for connection
    /// slots abandoned, tasks on workers' CPUs cancelled. An abandoned wait drops its
    /// reference without `release`: every caller holds a reference of its own and releases it.
    mutating func abandon(request id: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[id]
        if r.poolBase.isPool {
            for w in nodes.allWorkers {
                let p = PoolID(block: r.poolBase, worker: w)
                requests[id].remaining -= pools[p].total - pools[p].cursor
                pools[p].cursor = pools[p].total
                if sharedPool.cancelWait(.pool(p), worker: w, coordinator: r.coordinator, session: r.session, at: s.now) {
                    pools[p].connecting -= 1
                    requests[id].outstanding -= 1
                }
            }
        } else if r.waitingTask.isTask {
            let t = r.waitingTask
            if sharedPool.cancelWait(.task(t), worker: tasks[t].worker, coordinator: r.coordinator, session: r.session, at: s.now) {
                freeTask(t)
                requests[id].waitingTask = .none
                requests[id].outstanding -= 1
            }
        }
        cancelRunningTasks(request: id, &s)
        if requests[id].remaining == 0 { releasePools(request: id, &s) }
    }

    /// Cancels the request's shard tasks on workers' CPUs (a scan of the task records:
    /// timeouts are rare next to the events of a run).
    mutating func cancelRunningTasks(request id: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        for i in tasks.indices where tasks[i].live && tasks[i].request == id && tasks[i].stage == .workerCPU {
            let t = TaskID(UInt32(i))
            let node = nodes.node(ofWorker: tasks[t].worker)
            if cpu[node.index].remove(job: t.raw, at: s.now) {
                metrics.cancelledTasks += 1
                giveBackWorkMem(task: t)
                advance(t, to: .back)
                let local = localExecution.isLocal(worker: tasks[t].worker, coordinator: requests[id].coordinator)
                s.schedule(.deliver, after: local ? .zero : latency, priority: .completion, payload: t.raw)
            }
            armCPU(node, &s)
        }
    }
}
