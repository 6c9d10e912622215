import ClusterModel
import Planner
import SQL

/// `citus.shard_transfer_mode` (FACTS D.1).
public enum TransferMode: String, Sendable {
    case auto, forceLogical = "force_logical", blockWrites = "block_writes"

    /// Logical replication (writes continue until a brief block at the end).
    public var isLogical: Bool { self != .blockWrites }

    init(_ text: String) throws {
        guard let m = TransferMode(rawValue: text) else {
            throw CitusError("invalid input value for enum citus.shard_transfer_mode: \"\(text)\"")
        }
        self = m
    }
}

/// One shard-group transfer a statement asks for: a move, or the reference tables copied
/// to a node that lacks them.
public struct PlannedTransfer: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case move, referenceTables }
    public var kind: Kind
    /// The anchor shard (moves) or the first reference table's shard.
    public var anchor: ShardID
    public var source: NodeID
    public var target: NodeID
    /// The move runs in its own transaction on a new loopback connection to the coordinator, as
    /// `rebalance_table_shards` and `citus_drain_node` run each move
    /// (`ExecuteRebalancerCommandInSeparateTransaction`, FACTS D.3), rather than in the caller's session.
    public var inSeparateTransaction = false

    public init(kind: Kind, anchor: ShardID, source: NodeID, target: NodeID, inSeparateTransaction: Bool = false) {
        self.kind = kind
        self.anchor = anchor
        self.source = source
        self.target = target
        self.inSeparateTransaction = inSeparateTransaction
    }
}

/// What a statement asks the simulator to do over time. Pre-checks that Citus runs when the
/// statement starts have passed; nothing has moved yet.
public enum TimedOperation: Sendable {
    /// Transfers run one after another in the caller's session (`citus_move_shard_placement`,
    /// `rebalance_table_shards`, `citus_drain_node`, reference tables first).
    case transfers([PlannedTransfer], mode: TransferMode)
    /// A background rebalance job (`citus_rebalance_start`); the session continues at once.
    case job(id: Int64, tasks: [BackgroundJobGraph.Task], mode: TransferMode)
    /// A shard-group split on the source's node (`isolate_tenant_to_new_shard`,
    /// `citus_split_shard_by_split_points`): the metadata changes when it completes.
    case split(SplitPlan, mode: TransferMode)
    /// `citus_add_clone_node`: a streaming replica of `primary` built by base backup.
    case addClone(id: NodeID, name: String, port: Int, primary: NodeID)
    /// `citus_promote_clone_and_rebalance`: writes to the primary blocked until the clone has
    /// caught up, promotion, then the clone takes its half of the shard groups (no copy).
    case promoteClone(clone: NodeID, plan: [CloneSplitPlanner.Row])
    /// `alter_distributed_table(shard_count := n)`: writes to `tables` wait while their data
    /// is re-inserted into new shards (INSERT ... SELECT); the metadata changes at the end.
    case alterTable(tables: [String], shardCount: Int)
    /// `citus_schema_distribute` (`distribute`) or `citus_schema_undistribute`: the schema's
    /// tables are copied between the coordinator's local tables and the schema's node, one
    /// table after another, writes waiting (ExclusiveLock) and reads going on; the metadata
    /// changes at the end (`finishDistributing` / `finishUndistributing`).
    case schemaConversion(schema: String, distribute: Bool)
    /// `citus_rebalance_wait()`: the session waits for the running job.
    case waitForJob
    /// `citus_rebalance_stop()`: cancels the running job.
    case stopJob
}

/// A clone registered by `citus_add_clone_node` (not an active node until promoted).
public struct CloneNode: Sendable, Equatable {
    public var id: NodeID
    public var name: String
    public var port: Int
    public var primary: NodeID
}

extension RunbookRunner {
    /// Functions whose work takes simulated time; the others change metadata at once.
    public static let timedFunctions: Set<String> = [
        "citus_move_shard_placement", "rebalance_table_shards", "citus_drain_node", "citus_rebalance_start", "citus_rebalance_wait",
        "citus_rebalance_stop", "isolate_tenant_to_new_shard", "citus_split_shard_by_split_points", "citus_add_clone_node", "citus_add_clone_node_with_nodeid",
        "citus_promote_clone_and_rebalance", "alter_distributed_table", "citus_schema_move", "citus_schema_distribute", "citus_schema_undistribute",
    ]

    /// Every function a timeline may call (status functions are passed over with a note).
    public static var knownFunctions: [String] { Set(functions.keys).union(timedFunctions).union(statusFunctions).sorted() }


    /// Starts `statement` at the current simulated instant. Statements that only change
    /// metadata or settings take effect now and return nil; data-moving ones return what the
    /// simulator must run. `ALTER SYSTEM` settings wait for `pg_reload_conf()`, as in
    /// PostgreSQL. Throws `CitusError` (or `ClusterError`) when Citus would refuse it now.
    public mutating func begin(_ statement: SQLStatement) throws -> TimedOperation? {
        switch statement.kind {
        case .set(let name, let value, let system) where system:
            pendingSystemSettings.append((name, value))
            return nil
        case .call("pg_reload_conf", _):
            for (name, value) in pendingSystemSettings { try set(name, value) }
            appliedSystemSettings += pendingSystemSettings
            pendingSystemSettings = []
            return nil
        case .call(let function, let arguments) where Self.timedFunctions.contains(function):
            guard let signature = Self.functions[function]?.signature else { preconditionFailure(function) }
            var call = BoundCall(function: function, signature: signature, statement: statement)
            try call.bind(arguments)
            return try timed(call)
        default:
            try execute(statement)
            return nil
        }
    }

    /// Settings applied by `pg_reload_conf()` so far (the simulator reads the ones it models).
    public var reloadedSettings: [(name: String, value: SQLValue)] { appliedSystemSettings }

    mutating func timed(_ c: BoundCall) throws -> TimedOperation? {
        switch c.function {
        case "citus_move_shard_placement":
            let shard = ShardID(try c.int("shard_id"))
            let source: Node, target: Node, mode: TransferMode
            if case .number = c.value("source_node_name"), c.isNull("target_node_port") {
                source = try node(id: try c.int("source_node_name"))
                target = try node(id: try c.int("source_node_port"))
                mode = try TransferMode(c.isNull("target_node_name") ? "auto" : try c.string("target_node_name"))
            } else {
                source = try node(name: try c.string("source_node_name"), port: try c.int("source_node_port"))
                target = try node(name: try c.string("target_node_name"), port: try c.int("target_node_port"))
                mode = try TransferMode(try c.string("shard_transfer_mode"))
            }
            guard try checkMove(shard, from: source.id, to: target.id, mode: mode) else { return nil }
            return .transfers([PlannedTransfer(kind: .move, anchor: shard, source: source.id, target: target.id)], mode: mode)
        case "rebalance_table_shards", "citus_drain_node":
            let mode = try TransferMode(try c.string("shard_transfer_mode"))
            let options: RebalancePlanner.Options
            if c.function == "citus_drain_node" {
                let name = try c.string("nodename"), port = Int(try c.int("nodeport"))
                guard let n = state.node(name: name, port: port) else { throw CitusError("node at \"\(name):\(port)\" does not exist") }
                try state.setShouldHaveShards(name: name, port: port, false)
                options = RebalancePlanner.Options(strategy: try strategy(try c.optionalString("rebalance_strategy")), drainOnly: true, drainNode: n.id)
            } else {
                options = RebalancePlanner.Options(
                    relation: try c.optionalString("relation"), strategy: try strategy(try c.optionalString("rebalance_strategy")),
                    threshold: try c.float("threshold"), maxShardMoves: Int(try c.int("max_shard_moves")),
                    excludedShards: try c.list("excluded_shard_list").map { ShardID(Int64($0) ?? 0) }, drainOnly: try c.bool("drain_only"))
            }
            let references = referenceTransfers()
            let plan = try RebalancePlanner(state: state, options: options).plan()
            for m in plan.messages { note(c.statement, m) }
            for move in plan.moves { try requireReplicaIdentity(state.colocatedShards(of: move.anchor).map(\.id), mode: mode.rawValue) }
            let moves = plan.moves.map { PlannedTransfer(kind: .move, anchor: $0.anchor, source: $0.source, target: $0.target, inSeparateTransaction: true) }
            for m in moves {
                note(c.statement, CitusMessage(.notice, "Moving shard \(m.anchor) from \(state.node(m.source)!.address) to \(state.node(m.target)!.address) ..."))
            }
            return references.isEmpty && moves.isEmpty ? nil : .transfers(references + moves, mode: mode)
        case "citus_rebalance_start":
            let mode = try TransferMode(try c.string("shard_transfer_mode"))
            let options = RebalancePlanner.Options(strategy: try strategy(try c.optionalString("rebalance_strategy")), maxShardMoves: 10_000_000,
                                                   drainOnly: try c.bool("drain_only"))
            let plan = try RebalancePlanner(state: state, options: options).plan()
            guard !plan.moves.isEmpty else {
                for m in plan.messages { note(c.statement, m) }
                note(c.statement, CitusMessage(.notice, "No moves available for rebalancing"))
                return nil
            }
            for move in plan.moves { try requireReplicaIdentity(state.colocatedShards(of: move.anchor).map(\.id), mode: mode.rawValue) }
            let missing = state.nodesMissingReferenceTables
            var reference: BackgroundJobGraph.ReferenceTableCopy?
            let refShards = state.tables.filter(\.isReference).flatMap { state.shards(of: $0.name) }
            if !missing.isEmpty, let first = refShards.first, let source = state.placements(of: first.id).first?.node {
                reference = .init(nodes: missing.map(\.id), shards: refShards.map { ($0.id, []) }, source: source)
            }
            jobCount += 1
            let moves = plan.moves.map { BackgroundJobGraph.Move(anchor: $0.anchor, source: $0.source, target: $0.target, colocation: $0.colocation) }
            let tasks = BackgroundJobGraph.build(moves: moves, firstTaskID: nextTaskID, referenceTables: reference,
                                                 options: .init(parallelTransferReferenceTables: try c.bool("parallel_transfer_reference_tables"),
                                                                parallelTransferColocatedShards: try c.bool("parallel_transfer_colocated_shards"),
                                                                transferMode: mode.rawValue))
            nextTaskID += Int64(tasks.count)
            note(c.statement, CitusMessage(.notice, "Scheduled \(plan.moves.count) moves as job \(jobCount)"))
            note(c.statement, CitusMessage(.detail, "Rebalance scheduled as background job"))
            note(c.statement, CitusMessage(.hint, "To monitor progress, run: SELECT * FROM citus_rebalance_status();"))
            return .job(id: Int64(jobCount), tasks: tasks, mode: mode)
        case "alter_distributed_table":
            let plan = try alterTablePlan(c)
            for t in plan.tables { for m in Self.conversionNotices(t, start: true) { note(c.statement, m) } }
            return .alterTable(tables: plan.tables, shardCount: plan.shardCount)
        case "citus_schema_move": return try schemaMove(c)
        case "citus_schema_distribute": return try schemaToDistribute(c).map { .schemaConversion(schema: $0, distribute: true) }
        case "citus_schema_undistribute": return try schemaToUndistribute(c).map { .schemaConversion(schema: $0, distribute: false) }
        case "citus_rebalance_wait": return .waitForJob
        case "citus_rebalance_stop": return .stopJob
        case "isolate_tenant_to_new_shard":
            let name = try c.string("table_name")
            guard let table = state.table(name) else { throw CitusError("relation \"\(name)\" does not exist") }
            let value = try distributionValue(c.value("tenant_id"), for: table)
            let mode = try TransferMode(try c.string("shard_transfer_mode"))
            let cascade = try c.string("cascade_option").uppercased() == "CASCADE"
            var trial = state
            let plan = try SplitPlanner.isolateTenant(&trial, table: name, value: value, cascade: cascade)
            try requireReplicaIdentity(plan.sources, mode: mode.rawValue)
            state = trial  // shard ids are drawn now, as Citus draws them
            return .split(plan, mode: mode)
        case "citus_split_shard_by_split_points":
            let points = try c.list("split_points").map { p -> Int32 in
                guard let v = Int32(p) else { throw CitusError("invalid split point \"\(p)\": expected an int32 hash value") }
                return v
            }
            let nodes = try c.list("node_ids").map { n -> NodeID in
                guard let v = Int32(n), state.node(NodeID(v)) != nil else { throw CitusError("node with id \(n) does not exist") }
                return NodeID(v)
            }
            let mode = try TransferMode(try c.string("shard_transfer_mode"))
            var trial = state
            let plan = try SplitPlanner.splitByPoints(&trial, shard: ShardID(try c.int("shard_id")), points: points, nodes: nodes)
            try requireReplicaIdentity(plan.sources, mode: mode.rawValue)
            state = trial
            return .split(plan, mode: mode)
        case "citus_add_clone_node", "citus_add_clone_node_with_nodeid":
            // FACTS F: the same registration, the primary named by host and port or by node id.
            let primary = c.function == "citus_add_clone_node"
                ? try node(name: try c.string("primary_hostname"), port: try c.int("primary_port"))
                : try node(id: try c.int("primary_nodeid"))
            guard primary.shouldHaveShards else { throw CitusError("primary node \(primary.address) must have shouldhaveshards = true to add a clone") }
            let name = try c.string("replica_hostname"), port = Int(try c.int("replica_port"))
            if let existing = clones.first(where: { $0.name == name && $0.port == port }) {
                guard existing.primary == primary.id else { throw CitusError("node \(name):\(port) is already a clone of another node") }
                return nil  // idempotent for the same pair
            }
            guard state.node(name: name, port: port) == nil else { throw CitusError("node \(name):\(port) is already in the cluster") }
            let id = NodeID(state.nodeIDSequence)
            state.nodeIDSequence += 1
            clones.append(CloneNode(id: id, name: name, port: port, primary: primary.id))
            return .addClone(id: id, name: name, port: port, primary: primary.id)
        case "citus_promote_clone_and_rebalance":
            let id = NodeID(Int32(truncatingIfNeeded: try c.int("clone_nodeid")))
            guard let clone = clones.first(where: { $0.id == id }) else { throw CitusError("clone node with id \(id.rawValue) does not exist") }
            guard !jobRunning else { throw CitusError("A rebalance job is already running; wait for it or stop it before promoting a clone") }
            let plan = CloneSplitPlanner.plan(state: state, primary: clone.primary, strategy: try strategy(try c.optionalString("rebalance_strategy")))
            return .promoteClone(clone: clone.id, plan: plan)
        case "get_snapshot_based_node_split_plan":
            let primary = try node(name: try c.string("primary_node_name"), port: try c.int("primary_node_port"))
            let plan = CloneSplitPlanner.plan(state: state, primary: primary.id, strategy: try strategy(try c.optionalString("rebalance_strategy")))
            for row in plan { note(c.statement, CitusMessage(.notice, "plan: \(row.tableName) \(row.shardID) \(row.shardSize) \(row.side.rawValue)")) }
            return nil
        default:
            preconditionFailure("no timed handler for \(c.function)")
        }
    }

    /// `citus_move_shard_placement`'s pre-checks (FACTS D.2) without moving; false when the
    /// shard is already on the target (a WARNING, no error).
    public mutating func checkMove(_ shard: ShardID, from sourceID: NodeID, to targetID: NodeID, mode: TransferMode, statement: SQLStatement? = nil) throws -> Bool {
        guard let s = state.shard(shard), let table = state.table(s.table) else { throw CitusError("could not find valid entry for shard \(shard)") }
        guard let source = state.node(sourceID), let target = state.node(targetID) else { throw CitusError("node with id \(targetID.rawValue) does not exist") }
        guard !table.isReference else { throw CitusError("Table '\(table.name)' is a reference table, moving shard of a reference table is not supported") }
        guard source.id != target.id else { throw CitusError("cannot move shard \(shard) to the node it is already on (\(source.address))") }
        guard target.isActive, target.role == .primary else { throw CitusError("Moving shards to a non-active node is not supported") }
        guard target.shouldHaveShards else {
            throw CitusError("Moving shards to a node that shouldn't have a shard is not allowed. Please make sure the node has shouldhaveshards=true.")
        }
        if state.placements(of: shard).contains(where: { $0.node == target.id }) {
            let warning = CitusMessage(.warning, "shard is already present on node \(target.address)")
            if let statement { note(statement, warning) } else { messages.append("\(file): \(warning.description)") }
            return false
        }
        guard state.placements(of: shard).contains(where: { $0.node == source.id }) else {
            throw CitusError("could not find placement matching \"\(source.address)\"")
        }
        try requireReplicaIdentity(state.colocatedShards(of: shard).map(\.id), mode: mode.rawValue)
        return true
    }

    /// Reference-table copies to every active primary that lacks them (before a rebalance).
    public func referenceTransfers() -> [PlannedTransfer] {
        let refShards = state.tables.filter(\.isReference).flatMap { state.shards(of: $0.name) }
        guard let first = refShards.first, let source = state.placements(of: first.id).first?.node else { return [] }
        return state.nodesMissingReferenceTables.map { PlannedTransfer(kind: .referenceTables, anchor: first.id, source: source, target: $0.id) }
    }

    /// `citus_promote_clone_and_rebalance`'s metadata change: the clone becomes an active
    /// primary with the id `citus_add_clone_node` gave it.
    public mutating func promote(clone id: NodeID, plan: [CloneSplitPlanner.Row]) throws {
        guard let i = clones.firstIndex(where: { $0.id == id }) else { throw CitusError("clone node with id \(id.rawValue) does not exist") }
        let clone = clones.remove(at: i)
        let saved = state.nodeIDSequence
        state.nodeIDSequence = id.rawValue
        _ = try state.promoteClone(name: clone.name, port: clone.port, primary: clone.primary, plan: plan)
        state.nodeIDSequence = max(saved, id.rawValue + 1)
    }
}
