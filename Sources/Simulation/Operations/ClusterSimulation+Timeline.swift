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
        var state = OperationsState(runner: runner, shardBytes: layout.shardBytes,
                                    diskUsed: layout.workerBytes + Array(repeating: 0, count: spare), initialWorkers: layout.workerIDs.count,
                                    meanArrivalRate: ClusterRun.meanArrivalRate(scenario))
        state.workerOfNode = Array(repeating: -1, count: Int(layout.state.nodeIDSequence) + spare + 8)
        for (w, id) in layout.workerIDs.enumerated() { state.workerOfNode[Int(id.rawValue)] = Int32(w) }
        state.nodeOfWorker = layout.workerIDs.map { Optional($0) } + Array(repeating: nil, count: spare)
        state.parkedOnNode = Array(repeating: [], count: workers)
        state.cacheSolves = Array(repeating: nil, count: workers)
        state.coordinatorOperation = Array(repeating: nil, count: coordinators)
        state.parkedOnTable = Array(repeating: [], count: scenario.tables.count)
        tableWritesBlocked = Array(repeating: false, count: scenario.tables.count)
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
        return ops.timelineFired == scenario.timeline.count && ops.sessionNext == ops.sessionQueue.count && !ops.sessionBusy
            && ops.log.operations.allSatisfy { $0.end != nil }
    }

    /// A background job was started and every one has ended.
    public var jobsDone: Bool {
        guard hasOperations, !ops.jobs.isEmpty else { return false }
        return ops.jobs.allSatisfy { ops.log.operations[$0.operation].end != nil }
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
            ops.sessionQueue.append(i)
            runSession(&s)
        case .nodeFails(let name, let standby):
            let op = beginOperation(entry, at: s.now)
            guard let node = nodeIndex(named: name) else {
                return endOperation(op, at: s.now, error: "ERROR:  node \(name) does not exist")
            }
            if let c = nodes.coordinator(atNode: node) { setCoordinator(c, down: true, &s) }
            if let w = nodes.worker(atNode: node) { workerDown[w] = true }  // both for a coordinator with shards
            note("LOG:  \(name) failed\(standby ? "; its standby is promoted after detection" : "; no standby")", at: s.now)
            if standby {
                let back = scenario.operations.failureDetection + scenario.operations.standbyPromotion
                s.schedule(.nodeBack, at: s.now + back, priority: .control, payload: UInt32(node))
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
            rateMultiplier = factor
            endOperation(op, at: s.now)
        case .tenantGrows(let rank, let size, let activity):
            let op = beginOperation(entry, at: s.now)
            tenantGrows(rank - 1, size: size, activity: activity)
            endOperation(op, at: s.now)
        case .newTenants(let first, let count, let size, let activity):
            let op = beginOperation(entry, at: s.now)
            tenantsJoin(first: first, count: count, sizeBytes: size, activity: activity)
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
    mutating func tenantGrows(_ t: Int, size: Double, activity: Double) {
        guard t >= 0 && t < tenantCount else { return }
        setTenants([t], sizeBytes: ops.tenantSizes[t] * size, weight: ops.tenantActivity[t] * activity)
    }

    /// Tenants join (`new_tenants`): each gets `sizeBytes` of data (nil: the mean tenant's at
    /// the start) and the mean starting tenant's activity weight times `activity`.
    mutating func tenantsJoin(first: Int, count: Int, sizeBytes: Double?, activity: Double) {
        let base = scenario.workload.tenants.baseCount
        let start = scenario.workload.tenants.sizeBytes.prefix(base)
        let size = sizeBytes ?? start.reduce(0, +) / Double(max(1, base))
        let weight = activity * scenario.workload.tenants.activity.prefix(base).reduce(0, +) / Double(max(1, base))
        let joining = Array(max(0, first)..<min(tenantCount, first + count))
        if scenario.citus.schemaBasedSharding && !joining.isEmpty {
            // Each new tenant is a new schema now: CREATE SCHEMA takes the next colocation id and
            // its tables go where Citus's rule puts that group among today's workers (FACTS A.7).
            for t in joining {
                let schema = SimulationLayout.tenantSchema(rank: t + 1)
                guard ops.runner.state.createTenantSchema(schema), let created = ops.runner.state.tenantSchema(named: schema) else { continue }
                for table in scenario.tables where table.kind == .distributed {
                    // Cannot fail: the name is new and a worker exists (the run has workers).
                    try? ops.runner.state.createTenantTable(SimulationLayout.tenantTable(rank: t + 1, table: table.name), in: created, hasReplicaIdentity: table.hasReplicaIdentity)
                }
            }
            try? rebuildPlacement()  // schema placement reads the metadata and cannot fail
        }
        setTenants(joining, sizeBytes: size, weight: weight)
    }

    /// Sets tenants' data (bytes) and activity weight: shard sizes (in the metadata too), disk
    /// use, the tenant samplers and the workers' cache estimates follow.
    mutating func setTenants(_ tenants: [Int], sizeBytes: Double, weight: Double) {
        guard !tenants.isEmpty else { return }
        var activityChanged = false
        for t in tenants {
            let added = sizeBytes - ops.tenantSizes[t]
            ops.tenantSizes[t] = sizeBytes
            for (ti, spec) in scenario.tables.enumerated() where placement.hasTenants[ti] {
                let shard = Int(placement.shard(table: ti, tenant: t))
                ops.shardBytes[ti][shard] += added * spec.dataShare
                let w = Int(placement.worker(table: ti, shard: shard))
                if w >= 0 { ops.diskUsed[w] += added * spec.dataShare }
                let id = placement.shardIDs[placement.offset[ti] + shard]
                ops.runner.state.setSize(of: id, bytes: Int64(ops.shardBytes[ti][shard].rounded()))
            }
            if ops.tenantActivity[t] != weight {
                ops.tenantActivity[t] = weight
                activityChanged = true
            }
        }
        if activityChanged {
            let weights = ops.tenantActivity
            if let sampler = try? AliasTable(weights: weights) { tenantSampler = sampler }
            if !tenantSamplerByDatabase.isEmpty {
                let k = databases
                tenantSamplerByDatabase = (0..<k).compactMap { d in try? AliasTable(weights: weights.indices.map { $0 % k == d ? weights[$0] : 0 }) }
            }
        }
        refreshCaches(workers: (0..<Int32(workers)).filter { inMetadata(worker: Int($0)) })
    }

    /// Node index, as CPU nodes are numbered: 0 the coordinator, `nodes.node(ofWorker: w)` worker w
    /// (also spare workers by their timeline name), then the added coordinators.
    func nodeIndex(named name: String) -> Int? {
        if let c = coordinatorNames.firstIndex(of: name) { return nodes.cpuNode(coordinator: UInt8(c)) }
        if hasOperations, let n = ops.runner.state.node(name: name, port: 5432), Int(n.id.rawValue) < ops.workerOfNode.count {
            let w = ops.workerOfNode[Int(n.id.rawValue)]
            if w >= 0 { return nodes.node(ofWorker: Int(w)) }
        }
        if let w = ClusterSpec.workerIndex(named: name), w < scenario.cluster.workerCount { return w + 1 }  // node k, with or without the coordinator's shards
        return nil
    }

    mutating func nodeBack(_ node: Int, _ s: inout Scheduler<ClusterEvent>) {
        if let c = nodes.coordinator(atNode: node) { setCoordinator(c, down: false, &s) }
        if let w = nodes.worker(atNode: node) {
            workerDown[w] = false
            let parked = ops.parkedOnNode[w]
            ops.parkedOnNode[w] = []
            for rid in parked { resume(request: rid, &s) }
        }
        note("LOG:  \(nodes.coordinator(atNode: node).map { coordinatorNames[$0] } ?? "worker \(node)") is available again", at: s.now)
    }

    // MARK: The DBA session

    /// Runs queued statements until one holds the session.
    mutating func runSession(_ s: inout Scheduler<ClusterEvent>) {
        while !ops.sessionBusy && ops.sessionNext < ops.sessionQueue.count {
            let i = ops.sessionQueue[ops.sessionNext]
            ops.sessionNext += 1
            guard case .sql(let statement, _) = scenario.timeline[i].action else { continue }
            run(statement, entry: i, &s)
        }
    }

    mutating func run(_ statement: SQLStatement, entry: Int, _ s: inout Scheduler<ClusterEvent>) {
        let op = beginOperation(scenario.timeline[entry], at: s.now)
        if coordinatorDown[0] {
            // The DBA session connects to the first coordinator only (DDL and cluster
            // operations go through it, even when other coordinators take queries).
            return endOperation(op, at: s.now, error: "FATAL:  connection to server at \"coordinator\" failed: the first coordinator is down; DDL and cluster operations run only through it")
        }
        let before = ops.runner.messages.count
        let nodesBefore = ops.runner.state.nodes.count
        let stateBefore = ops.runner.state
        do {
            let result = try ops.runner.begin(statement)
            flushMessages(from: before, at: s.now)
            applyReloadedSettings(at: s.now)
            switch result {
            case nil:
                if ops.runner.state.nodes.count > nodesBefore {
                    // citus_add_node: activation syncs the metadata to the node.
                    let placements = Double(ops.runner.state.placementCount)
                    var sync = scenario.operations.metadataSyncPerPlacement * Int64(placements)
                    let memory = placements * scenario.operations.metadataSyncBytesPerPlacement
                    if !ops.runner.state.settings.metadataSyncNontransactional && memory >= OperationsSpec.metadataSyncMemoryLimit {
                        // One coordinated transaction holds it all: it fails when the memory
                        // reaches PostgreSQL's allocation limit, and the node is not added.
                        ops.runner.state = stateBefore
                        sync = SimDuration(seconds: sync.seconds * OperationsSpec.metadataSyncMemoryLimit / memory)
                        ops.sessionHeldError = "ERROR:  invalid memory alloc request size 1073741824"
                    } else {
                        attachWorker(ops.runner.state.nodes.last!.id, at: s.now)
                    }
                    ops.sessionBusy = true
                    ops.sessionHeldBy = op
                    s.schedule(.session, at: s.now + sync, priority: .control)
                } else {
                    endOperation(op, at: s.now)
                }
            case .transfers(let list, let mode):
                startChain(TransferChain(owner: .session(operation: op), items: list, mode: mode), &s)
            case .job(let id, let tasks, let mode):
                startJob(id: id, tasks: tasks, mode: mode, statementOperation: op, &s)
                endOperation(op, at: s.now)
            case .split(let plan, let mode):
                let chain = newChain(TransferChain(owner: .session(operation: op), items: [], mode: mode))
                ops.sessionBusy = true
                startSplit(plan, mode: mode, chain: chain, &s)
            case .addClone(let id, let name, _, let primary):
                attachWorker(id, name: name, at: s.now)
                let chain = newChain(TransferChain(owner: .session(operation: op), items: [], mode: .blockWrites))
                ops.sessionBusy = true
                startClone(clone: id, primary: primary, chain: chain, &s)
            case .alterTable(let tables, let count):
                let chain = newChain(TransferChain(owner: .session(operation: op), items: [], mode: .blockWrites))
                ops.sessionBusy = true
                startConversion(tables: tables, shardCount: count, chain: chain, &s)
            case .schemaConversion(let schema, let distribute):
                let chain = newChain(TransferChain(owner: .session(operation: op), items: [], mode: .blockWrites))
                ops.sessionBusy = true
                startSchemaConversion(schema: schema, distribute: distribute, chain: chain, &s)
            case .promoteClone(let clone, let plan):
                let chain = newChain(TransferChain(owner: .session(operation: op), items: [], mode: .blockWrites))
                ops.sessionBusy = true
                startPromotion(clone: clone, plan: plan, chain: chain, &s)
            case .waitForJob:
                if ops.jobs.contains(where: { !$0.queue.isFinished && !$0.cancelled }) {
                    ops.sessionBusy = true
                    ops.sessionWaitsForJob = true
                    ops.sessionHeldBy = op
                } else {
                    note("WARNING:  no ongoing rebalance that can be waited on", at: s.now)
                    endOperation(op, at: s.now)
                }
            case .stopJob:
                if let j = ops.jobs.lastIndex(where: { !$0.queue.isFinished && !$0.cancelled }) {
                    cancelJob(j, &s)
                    endOperation(op, at: s.now)
                } else {
                    endOperation(op, at: s.now, error: CitusError("no ongoing rebalance that can be stopped").description)
                }
            }
        } catch {
            flushMessages(from: before, at: s.now)
            let text = (error as? CitusError)?.description ?? (error as? ClusterError).map { "ERROR:  \($0.description)" } ?? "ERROR:  \(error)"
            endOperation(op, at: s.now, error: text)
        }
    }

    /// The session's held statement is over (metadata sync, a job waited for).
    mutating func sessionResumes(_ s: inout Scheduler<ClusterEvent>) {
        if let op = ops.sessionHeldBy { endOperation(op, at: s.now, error: ops.sessionHeldError) }
        ops.sessionHeldError = nil
        ops.sessionHeldBy = nil
        ops.sessionBusy = false
        ops.sessionWaitsForJob = false
        runSession(&s)
    }

    /// Worker `w` is in the metadata (pg_dist_node): every worker of a run without a timeline;
    /// with one, those of the start and the spare ones `citus_add_node` has attached.
    func inMetadata(worker w: Int) -> Bool { !hasOperations || ops.nodeOfWorker[w] != nil }

    /// A new node's id gets the next spare worker; the maintenance daemon of every coordinator
    /// that is up connects to it.
    mutating func attachWorker(_ id: NodeID, name: String? = nil, at now: SimTime) {
        let raw = Int(id.rawValue)
        if raw >= ops.workerOfNode.count { ops.workerOfNode += Array(repeating: -1, count: raw - ops.workerOfNode.count + 1) }
        guard ops.workerOfNode[raw] < 0, ops.nextSpareWorker < workers else { return }
        let w = ops.nextSpareWorker
        ops.nextSpareWorker += 1
        ops.workerOfNode[raw] = Int32(w)
        ops.nodeOfWorker[w] = id
        for c in 0..<coordinators where coordinatorJoined[c] && !coordinatorDown[c] { openDaemonConnections(coordinator: c, worker: w, at: now) }
    }

    /// Settings the simulation models, once `pg_reload_conf()` applied them.
    mutating func applyReloadedSettings(at now: SimTime) {
        let settings = ops.runner.reloadedSettings
        guard settings.count > ops.settingsSeen else { return }
        for (name, value) in settings[ops.settingsSeen...] {
            switch name {
            case "statement_timeout":
                let text: String
                switch value { case .string(let t), .number(let t): text = t; default: text = "" }
                if let ms = Double(text) { statementTimeout = ms > 0 ? .microseconds(Int64(ms * 1_000)) : nil }
            case "max_worker_processes":
                note("WARNING:  parameter \"max_worker_processes\" cannot be changed without restarting the server", at: now)
            default: break
            }
        }
        ops.settingsSeen = settings.count
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
