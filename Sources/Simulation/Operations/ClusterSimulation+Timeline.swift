import ClusterModel
import Planner
import Runbook
import SQL
import SimCore
import Workload

/// The timeline: Citus statements run by one DBA session in simulated time, and simulator
/// events (node failures, workload changes).
extension ClusterSimulation {
    mutating func setUpOperations(layout: SimulationLayout) throws {
        let spare = workers - scenario.cluster.workerCount
        var runner = RunbookRunner(state: layout.state, file: scenario.name)
        runner.state.settings = scenario.citus.planning
        runner.schemaBasedSharding = scenario.citus.schemaBasedSharding
        var state = OperationsState(runner: runner,
                                    sizes: ShardSizes(ofTable: layout.shardBytes, onDisk: PerWorker(layout.workerBytes.elements + Array(repeating: 0, count: spare))),
                                    meanArrivalRate: ClusterRun.meanArrivalRate(scenario))
        nodes.trackNodeIDs(initial: layout.workerIDs)
        state.cacheSolves = PerWorker(repeating: nil, count: workers)
        state.coordinatorOperation = Array(repeating: nil, count: coordinators)
        writeBlocks.setTables(scenario.tables.count)
        state.maxWorkerProcesses = scenario.citus.maxWorkerProcesses
        state.tenantSizes = scenario.workload.tenants.sizeBytes
        state.tenantActivity = scenario.workload.tenants.activity
        ops = state
        ops.runner.replicaIdentityFull = Set(scenario.tables.filter(\.replicaIdentityFull).map(\.name))
        refreshScansOnApply()
        indexShardIDs()
    }

    /// True once every timeline entry has happened, the DBA session has run all its statements
    /// and every operation (transfers, jobs, failures) has ended.
    public var operationsDone: Bool {
        guard hasOperations else { return true }
        return ops.timelineFired == scenario.timeline.count && ops.session.isDone
            && ops.log.operations.allSatisfy { $0.end != nil }
    }

    /// A background job was started and every one has ended.
    public var jobsDone: Bool {
        guard hasOperations, !ops.jobMonitor.jobs.isEmpty else { return false }
        return ops.jobMonitor.jobs.allSatisfy { ops.log.operations[$0.operation].end != nil }
    }

    /// Schedules every timeline entry at its time.
    mutating func scheduleTimeline(_ s: inout Scheduler<ClusterEvent>) {
        for (i, entry) in scenario.timeline.enumerated() {
            s.schedule(.timeline, at: .zero + entry.at, priority: .control, payload: UInt32(i))
        }
    }

    mutating func timelineEntry(_ i: Int, _ s: inout Scheduler<ClusterEvent>) {
        let entry = scenario.timeline[i]
        ops.timelineFired += 1
        switch entry.action {
        case .sql:
            ops.session.submit(entry: i)
            runSession(&s)
        case .nodeFails(let name, let standby):
            let op = beginOperation(entry, at: s.now)
            guard let node = nodeIndex(named: name) else {
                return endOperation(op, at: s.now, error: "ERROR:  node \(name) does not exist")
            }
            if let c = nodes.coordinator(atNode: node) { setCoordinator(c, down: true, &s) }
            if let w = nodes.worker(atNode: node) { health.workerFails(w) }  // both for a coordinator with shards
            note("LOG:  \(name) failed\(standby ? "; its standby is promoted after detection" : "; no standby")", at: s.now)
            if standby {
                let back = scenario.operations.failureDetection + scenario.operations.standbyPromotion
                s.schedule(.nodeBack, at: s.now + back, priority: .control, payload: node.payload)
            }
            endOperation(op, at: s.now)
        case .nodeReturns(let name):
            let op = beginOperation(entry, at: s.now)
            guard let node = nodeIndex(named: name) else {
                return endOperation(op, at: s.now, error: "ERROR:  node \(name) does not exist")
            }
            nodeBack(node, &s)
            endOperation(op, at: s.now)
        case .rateMultiplier(let factor):
            let op = beginOperation(entry, at: s.now)
            source.rateMultiplier = factor
            endOperation(op, at: s.now)
        case .tenantGrows(let rank, let size, let activity):
            let op = beginOperation(entry, at: s.now)
            tenantGrows(.of(rank: rank), size: size, activity: activity)
            endOperation(op, at: s.now)
        case .newTenants(let first, let count, let size, let activity):
            let op = beginOperation(entry, at: s.now)
            tenantsJoin(first: TenantIndex(first), count: count, sizeBytes: size, activity: activity)
            endOperation(op, at: s.now)
        case .coordinatorAdded(let name):
            // Like citus_add_node's activation: the metadata is synced to the new node first.
            let op = beginOperation(entry, at: s.now)
            let c = coordinatorNames.firstIndex(of: name)!
            ops.coordinatorOperation[c] = op
            let sync = scenario.operations.metadataSyncPerPlacement * Int64(ops.runner.state.placementCount)
            s.schedule(.coordinatorJoins, at: s.now + sync, priority: .control, payload: UInt32(c))
        }
    }

    /// A tenant's data and activity grow: shard sizes (metadata too, so later rebalances see
    /// them), disk use, the tenant sampler and every worker's cache estimate change.
    mutating func tenantGrows(_ t: TenantIndex, size: Double, activity: Double) {
        guard t.isTenant && t.index < tenantCount else { return }
        setTenants([t], sizeBytes: ops.tenantSizes[t.index] * size, weight: ops.tenantActivity[t.index] * activity)
    }

    /// Tenants join (`new_tenants`): each gets `sizeBytes` of data (nil: the mean tenant's at
    /// the start) and the mean starting tenant's activity weight times `activity`.
    mutating func tenantsJoin(first: TenantIndex, count: Int, sizeBytes: Double?, activity: Double) {
        let base = scenario.workload.tenants.baseCount
        let start = scenario.workload.tenants.sizeBytes.prefix(base)
        let size = sizeBytes ?? start.reduce(0, +) / Double(max(1, base))
        let weight = activity * scenario.workload.tenants.activity.prefix(base).reduce(0, +) / Double(max(1, base))
        let joining = Array(TenantIndex(max(0, first.index))..<TenantIndex(min(tenantCount, first.index + count)))
        if scenario.citus.schemaBasedSharding && !joining.isEmpty {
            // Each new tenant is a new schema now: CREATE SCHEMA takes the next colocation id and
            // its tables go where Citus's rule puts that group among today's workers (FACTS A.7).
            for t in joining {
                let schema = SimulationLayout.tenantSchema(rank: t.rank)
                guard ops.runner.state.createTenantSchema(schema), let created = ops.runner.state.tenantSchema(named: schema) else { continue }
                for table in scenario.tables where table.kind == .distributed {
                    // Cannot fail: the name is new and a worker exists (the run has workers).
                    try? ops.runner.state.createTenantTable(SimulationLayout.tenantTable(rank: t.rank, table: table.name), in: created, hasReplicaIdentity: table.hasReplicaIdentity)
                }
            }
            try? rebuildPlacement()  // schema placement reads the metadata and cannot fail
        }
        setTenants(joining, sizeBytes: size, weight: weight)
    }

    /// Sets tenants' data (bytes) and activity weight: shard sizes (in the metadata too), disk
    /// use, the tenant samplers and the workers' cache estimates follow.
    mutating func setTenants(_ tenants: [TenantIndex], sizeBytes: Double, weight: Double) {
        guard !tenants.isEmpty else { return }
        var activityChanged = false
        for t in tenants {
            let added = sizeBytes - ops.tenantSizes[t.index]
            ops.tenantSizes[t.index] = sizeBytes
            for (ti, spec) in scenario.tables.enumerated() where placement.hasTenants[ti] {
                let shard = placement.shard(table: ti, tenant: t)
                ops.sizes.grow(table: ti, shard: shard, by: added * spec.dataShare, on: placement.worker(table: ti, shard: shard))
                let id = placement.shardIDs[placement.offset[ti] + shard.index]
                ops.runner.state.setSize(of: id, bytes: Int64(ops.sizes[table: ti, shard: shard].rounded()))
            }
            if ops.tenantActivity[t.index] != weight {
                ops.tenantActivity[t.index] = weight
                activityChanged = true
            }
        }
        if activityChanged {
            source.setTenantActivity(ops.tenantActivity)
        }
        refreshCaches(workers: nodes.allWorkers.filter { inMetadata(worker: $0) })
    }

    /// Node index, as CPU nodes are numbered: 0 the coordinator, `nodes.node(ofWorker: w)` worker w
    /// (also spare workers by their timeline name), then the added coordinators.
    func nodeIndex(named name: String) -> NodeIndex? {
        if let c = coordinatorNames.firstIndex(of: name) { return nodes.cpuNode(coordinator: UInt8(c)) }
        if hasOperations, let n = ops.runner.state.node(name: name, port: 5432) {
            let w = nodes.worker(ofNode: n.id)
            if w.isWorker { return nodes.node(ofWorker: w) }
        }
        if let w = ClusterSpec.workerIndex(named: name), w < scenario.cluster.workerCount { return NodeIndex(w + 1) }  // node k, with or without the coordinator's shards
        return nil
    }

    mutating func nodeBack(_ node: NodeIndex, _ s: inout Scheduler<ClusterEvent>) {
        if let c = nodes.coordinator(atNode: node) { setCoordinator(c, down: false, &s) }
        if let w = nodes.worker(atNode: node) {
            for rid in health.workerReturns(w) { resume(request: rid, &s) }
        }
        note("LOG:  \(nodes.coordinator(atNode: node).map { coordinatorNames[$0] } ?? "worker \(node)") is available again", at: s.now)
    }

    /// Worker `w` is in the metadata (pg_dist_node): every worker of a run without a timeline;
    /// with one, those of the start and the spare ones `citus_add_node` has attached.
    func inMetadata(worker w: WorkerIndex) -> Bool { !hasOperations || nodes.nodeID(ofWorker: w) != nil }

    /// A new node's id gets the next spare worker; the maintenance daemon of every coordinator
    /// that is up connects to it.
    mutating func attachWorker(_ id: NodeID, name: String? = nil, at now: SimTime) {
        guard let w = nodes.attach(id) else { return }
        for c in 0..<coordinators where health.isLive(coordinator: c) { openDaemonConnections(coordinator: c, worker: w, at: now) }
    }

    // MARK: Operation records

    mutating func beginOperation(_ entry: TimelineEntry, at now: SimTime) -> Int {
        ops.log.operations.append(OperationLog.Operation(label: entry.label, line: entry.line, start: now, status: "running"))
        return ops.log.operations.count - 1
    }

    mutating func endOperation(_ op: Int, at now: SimTime, error: String? = nil, status: String? = nil) {
        ops.log.operations[op].end = now
        ops.log.operations[op].status = status ?? (error == nil ? "done" : "error")
        ops.log.operations[op].error = error
        if let error { note(error, at: now) }
    }

    mutating func note(_ text: String, at now: SimTime) { ops.log.messages.append((now, text)) }

    mutating func flushMessages(from start: Int, at now: SimTime) {
        let messages = ops.runner.messages
        for m in messages[start...] {
            // The runner prefixes "file:line: "; the log keeps Citus's text.
            let text = m.firstRange(of: ": ").map { String(m[$0.upperBound...]) } ?? m
            note(text, at: now)
        }
    }
}
