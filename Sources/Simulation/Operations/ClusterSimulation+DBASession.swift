import ClusterModel
import Planner
import Runbook
import SQL
import SimCore

/// The DBA session in time (`DBASession`): each statement due runs through the runbook runner
/// (the same semantics as `apply`), and what it starts (transfers, a background job, a node's
/// metadata sync) holds the session until it ends.
extension ClusterSimulation {
    /// Runs queued statements until one holds the session.
    mutating func runSession(_ s: inout Scheduler<ClusterEvent>) {
        while let i = ops.session.nextEntry() {
            guard case .sql(let statement, _) = scenario.timeline[i].action else { continue }
            run(statement, entry: i, &s)
        }
    }

    mutating func run(_ statement: SQLStatement, entry: Int, _ s: inout Scheduler<ClusterEvent>) {
        let op = beginOperation(scenario.timeline[entry], at: s.now)
        if health.coordinatorDown[0] {
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
                    var error: String?
                    let memory = placements * scenario.operations.metadataSyncBytesPerPlacement
                    if !ops.runner.state.settings.metadataSyncNontransactional && memory >= OperationsSpec.metadataSyncMemoryLimit {
                        // One coordinated transaction holds it all: it fails when the memory
                        // reaches PostgreSQL's allocation limit, and the node is not added.
                        ops.runner.state = stateBefore
                        sync = SimDuration(seconds: sync.seconds * OperationsSpec.metadataSyncMemoryLimit / memory)
                        error = "ERROR:  invalid memory alloc request size 1073741824"
                    } else {
                        attachWorker(ops.runner.state.nodes.last!.id, at: s.now)
                    }
                    ops.session.hold(statement: op, error: error)
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
                startSplit(plan, mode: mode, chain: sessionChain(op, mode: mode), &s)
            case .addClone(let id, let name, _, let primary):
                attachWorker(id, name: name, at: s.now)
                startClone(clone: id, primary: primary, chain: sessionChain(op), &s)
            case .alterTable(let tables, let count):
                startConversion(tables: tables, shardCount: count, chain: sessionChain(op), &s)
            case .schemaConversion(let schema, let distribute):
                startSchemaConversion(schema: schema, distribute: distribute, chain: sessionChain(op), &s)
            case .promoteClone(let clone, let plan):
                startPromotion(clone: clone, plan: plan, chain: sessionChain(op), &s)
            case .waitForJob:
                if ops.jobMonitor.anyRunning {
                    ops.session.holdUntilJobsEnd(operation: op)
                } else {
                    note("WARNING:  no ongoing rebalance that can be waited on", at: s.now)
                    endOperation(op, at: s.now)
                }
            case .stopJob:
                if let j = ops.jobMonitor.lastRunning {
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

    /// A chain of transfers statement `op` waits for, started by the caller; the statement holds
    /// the session until the chain ends.
    mutating func sessionChain(_ op: Int, mode: TransferMode = .blockWrites) -> Int {
        ops.session.holdForTransfers()
        return newChain(TransferChain(owner: .session(operation: op), items: [], mode: mode))
    }

    /// The session's held statement is over (metadata sync, a job waited for).
    mutating func sessionResumes(_ s: inout Scheduler<ClusterEvent>) {
        if let held = ops.session.release() { endOperation(held.operation, at: s.now, error: held.error) }
        runSession(&s)
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
}
