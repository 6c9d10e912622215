import ClusterModel
import Planner
import SQL

extension RunbookRunner {
    typealias Handler = (signature: Signature, run: @Sendable (inout RunbookRunner, BoundCall) throws -> Void)

    static func sig(_ parameters: (String, SQLValue?)...) -> Signature { Signature(parameters: parameters.map { (name: $0.0, fallback: $0.1) }) }

    /// The Citus functions `apply` understands, with their parameters and defaults.
    static let functions: [String: Handler] = [
        "citus_add_node": (sig(("nodename", nil), ("nodeport", nil), ("groupid", .number("-1")), ("noderole", .string("primary")), ("nodecluster", .string("default"))), { r, c in
            let group = try c.int("groupid")
            try r.state.addNode(name: try c.string("nodename"), port: Int(try c.int("nodeport")), groupID: group >= 0 ? Int32(group) : nil)
        }),
        "citus_set_node_property": (sig(("nodename", nil), ("nodeport", nil), ("property", nil), ("value", nil)), { r, c in
            guard try c.string("property") == "shouldhaveshards" else {
                throw CitusError("only the 'shouldhaveshards' property can be set using this function")
            }
            try r.state.setShouldHaveShards(name: try c.string("nodename"), port: Int(try c.int("nodeport")), try c.bool("value"))
        }),
        "citus_remove_node": (sig(("nodename", nil), ("nodeport", nil)), { r, c in
            try r.removeNode(name: try c.string("nodename"), port: Int(try c.int("nodeport")))
        }),
        "citus_drain_node": (sig(("nodename", nil), ("nodeport", nil), ("shard_transfer_mode", .string("auto")), ("rebalance_strategy", .null)), { r, c in
            let name = try c.string("nodename"), port = Int(try c.int("nodeport"))
            guard let node = r.state.node(name: name, port: port) else { throw CitusError("node at \"\(name):\(port)\" does not exist") }
            try r.state.setShouldHaveShards(name: name, port: port, false)  // committed before planning, as in Citus
            let options = RebalancePlanner.Options(strategy: try r.strategy(try c.optionalString("rebalance_strategy")), drainOnly: true, drainNode: node.id)
            try r.execute(try RebalancePlanner(state: r.state, options: options).plan(), mode: try c.string("shard_transfer_mode"), statement: c.statement)
        }),
        "citus_move_shard_placement": (sig(("shard_id", nil), ("source_node_name", nil), ("source_node_port", .null), ("target_node_name", .null), ("target_node_port", .null), ("shard_transfer_mode", .string("auto"))), { r, c in
            let shard = ShardID(try c.int("shard_id"))
            let source: Node, target: Node, mode: String
            if case .number = c.value("source_node_name"), c.isNull("target_node_port") {
                // citus_move_shard_placement(shard_id, source_node_id, target_node_id, mode)
                source = try r.node(id: try c.int("source_node_name"))
                target = try r.node(id: try c.int("source_node_port"))
                mode = c.isNull("target_node_name") ? "auto" : try c.string("target_node_name")
            } else {
                source = try r.node(name: try c.string("source_node_name"), port: try c.int("source_node_port"))
                target = try r.node(name: try c.string("target_node_name"), port: try c.int("target_node_port"))
                mode = try c.string("shard_transfer_mode")
            }
            try r.move(shard, from: source, to: target, mode: mode, statement: c.statement)
        }),
        "rebalance_table_shards": (sig(("relation", .null), ("threshold", .null), ("max_shard_moves", .number("1000000")), ("excluded_shard_list", .string("{}")),
                                       ("shard_transfer_mode", .string("auto")), ("drain_only", .bool(false)), ("rebalance_strategy", .null)), { r, c in
            r.state.ensureReferenceTablesOnAllNodes()
            let options = RebalancePlanner.Options(
                relation: try c.optionalString("relation"), strategy: try r.strategy(try c.optionalString("rebalance_strategy")),
                threshold: try c.float("threshold"), maxShardMoves: Int(try c.int("max_shard_moves")),
                excludedShards: try c.list("excluded_shard_list").map { ShardID(Int64($0) ?? 0) }, drainOnly: try c.bool("drain_only"))
            try r.execute(try RebalancePlanner(state: r.state, options: options).plan(), mode: try c.string("shard_transfer_mode"), statement: c.statement)
        }),
        "citus_rebalance_start": (sig(("rebalance_strategy", .null), ("drain_only", .bool(false)), ("shard_transfer_mode", .string("auto")),
                                      ("parallel_transfer_reference_tables", .bool(false)), ("parallel_transfer_colocated_shards", .bool(false))), { r, c in
            let options = RebalancePlanner.Options(strategy: try r.strategy(try c.optionalString("rebalance_strategy")), maxShardMoves: 10_000_000, drainOnly: try c.bool("drain_only"))
            let plan = try RebalancePlanner(state: r.state, options: options).plan()
            guard !plan.moves.isEmpty else {
                for m in plan.messages { r.note(c.statement, m) }
                r.note(c.statement, CitusMessage(.notice, "No moves available for rebalancing"))
                return
            }
            r.jobCount += 1
            r.state.ensureReferenceTablesOnAllNodes()
            try r.execute(plan, mode: try c.string("shard_transfer_mode"), statement: c.statement, reportMoves: false)
            r.note(c.statement, CitusMessage(.notice, "Scheduled \(plan.moves.count) moves as job \(r.jobCount)"))
            r.note(c.statement, CitusMessage(.detail, "Rebalance scheduled as background job"))
            r.note(c.statement, CitusMessage(.hint, "To monitor progress, run: SELECT * FROM citus_rebalance_status();"))
        }),
        // Snapshot-based node addition (FACTS F): the clone is registered apart from the node
        // table and becomes a node, with its half of the primary's shard groups, when promoted.
        "citus_add_clone_node": (sig(("replica_hostname", nil), ("replica_port", nil), ("primary_hostname", nil), ("primary_port", nil)), { r, c in
            _ = try r.timed(c)
        }),
        "citus_add_clone_node_with_nodeid": (sig(("replica_hostname", nil), ("replica_port", nil), ("primary_nodeid", nil)), { r, c in
            _ = try r.timed(c)
        }),
        "citus_promote_clone_and_rebalance": (sig(("clone_nodeid", nil), ("rebalance_strategy", .null), ("catchup_timeout_seconds", .number("300"))), { r, c in
            guard case .promoteClone(let clone, let plan)? = try r.timed(c) else { return }
            try r.promote(clone: clone, plan: plan)
        }),
        "get_snapshot_based_node_split_plan": (sig(("primary_node_name", nil), ("primary_node_port", nil), ("replica_node_name", nil),
                                                   ("replica_node_port", nil), ("rebalance_strategy", .null)), { r, c in
            _ = try r.timed(c)
        }),
        "citus_rebalance_wait": (sig(), { _, _ in }),
        "citus_rebalance_stop": (sig(), { _, _ in }),
        "pg_reload_conf": (sig(), { _, _ in }),
        "get_rebalance_table_shards_plan": (sig(("relation", .null), ("threshold", .null), ("max_shard_moves", .number("1000000")), ("excluded_shard_list", .string("{}")),
                                                ("drain_only", .bool(false)), ("rebalance_strategy", .null), ("improvement_threshold", .null)), { r, c in
            let options = RebalancePlanner.Options(
                relation: try c.optionalString("relation"), strategy: try r.strategy(try c.optionalString("rebalance_strategy")),
                threshold: try c.float("threshold"), improvementThreshold: try c.float("improvement_threshold"),
                maxShardMoves: Int(try c.int("max_shard_moves")), excludedShards: try c.list("excluded_shard_list").map { ShardID(Int64($0) ?? 0) },
                drainOnly: try c.bool("drain_only"))
            let plan = try RebalancePlanner(state: r.state, options: options).plan()
            for m in plan.messages { r.note(c.statement, m) }
            for row in plan.rows {
                r.note(c.statement, CitusMessage(.notice, "plan: \(row.tableName) \(row.shardID) \(row.source.address) -> \(row.target.address)"))
            }
        }),
        "isolate_tenant_to_new_shard": (sig(("table_name", nil), ("tenant_id", nil), ("cascade_option", .string("")), ("shard_transfer_mode", .string("auto"))), { r, c in
            let name = try c.string("table_name")
            guard let table = r.state.table(name) else { throw CitusError("relation \"\(name)\" does not exist") }
            let value = try r.distributionValue(c.value("tenant_id"), for: table)
            let cascade = try c.string("cascade_option").uppercased() == "CASCADE"
            r.state.ensureReferenceTablesOnAllNodes()
            let plan = try SplitPlanner.isolateTenant(&r.state, table: name, value: value, cascade: cascade)
            try r.requireReplicaIdentity(plan.sources, mode: try c.string("shard_transfer_mode"))
            r.state.apply(plan)
        }),
        "alter_distributed_table": (alterTableSignature, { r, c in try r.alterDistributedTable(c) }),
        "citus_split_shard_by_split_points": (sig(("shard_id", nil), ("split_points", nil), ("node_ids", nil), ("shard_transfer_mode", .string("auto"))), { r, c in
            let points = try c.list("split_points").map { p -> Int32 in
                guard let v = Int32(p) else { throw CitusError("invalid split point \"\(p)\": expected an int32 hash value") }
                return v
            }
            let nodes = try c.list("node_ids").map { n -> NodeID in
                guard let v = Int32(n), r.state.node(NodeID(v)) != nil else { throw CitusError("node with id \(n) does not exist") }
                return NodeID(v)
            }
            let plan = try SplitPlanner.splitByPoints(&r.state, shard: ShardID(try c.int("shard_id")), points: points, nodes: nodes)
            try r.requireReplicaIdentity(plan.sources, mode: try c.string("shard_transfer_mode"))
            r.state.apply(plan)
        }),
        "create_distributed_table": (sig(("table_name", nil), ("distribution_column", nil), ("distribution_type", .string("hash")),
                                         ("colocate_with", .string("default")), ("shard_count", .null)), { r, c in
            let name = try c.string("table_name")
            let column = try c.optionalString("distribution_column")
            guard try c.string("distribution_type") == "hash" else { throw CitusError("citus-sim supports only hash distribution") }
            var type: DistributionColumnType?
            if let column {
                let declared = r.createdTables[name]?.columns.first { $0.name == column.lowercased() }?.type
                if let declared {
                    guard let t = DistributionColumnType(sqlName: declared) else {
                        throw CitusError("citus-sim cannot hash a distribution column of type \(declared); supported: \(DistributionColumnType.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    type = t
                } else {
                    type = .bigint
                    r.note(c.statement, CitusMessage(.warning, "citus-sim: no CREATE TABLE \(name) with column \(column) in the runbook; assuming bigint"))
                }
            }
            let colocate = try c.string("colocate_with")
            let colocation: ColocateWith = colocate == "default" ? .default : colocate == "none" ? .none : .table(colocate)
            r.state.ensureReferenceTablesOnAllNodes()
            try r.state.createDistributedTable(name, columnType: type, shardCount: try c.optionalInt("shard_count").map(Int.init),
                                               colocateWith: colocation, hasReplicaIdentity: r.createdTables[name]?.hasPrimaryKey ?? false)
        }),
        "citus_schema_distribute": (sig(("schemaname", nil)), { r, c in try r.distributeSchema(c) }),
        "citus_schema_undistribute": (sig(("schemaname", nil)), { r, c in try r.undistributeSchema(c) }),
        "citus_schema_move": (schemaMoveSignature, { r, c in
            guard case .transfers(let moves, _)? = try r.schemaMove(c) else { return }
            for m in moves { r.state.moveShardGroup(of: m.anchor, from: m.source, to: m.target) }
        }),
        "create_reference_table": (sig(("table_name", nil)), { r, c in
            let name = try c.string("table_name")
            try r.state.createReferenceTable(name, hasReplicaIdentity: r.createdTables[name]?.hasPrimaryKey ?? false)
        }),
        "replicate_table_shards": (sig(("relation", nil), ("shard_replication_factor", .null), ("max_shard_copies", .number("1000000")),
                                       ("excluded_shard_list", .string("{}")), ("shard_transfer_mode", .string("auto"))), { r, c in
            try r.replicate(c)
        }),
    ]

    // MARK: Helpers shared by the functions

    func strategy(_ name: String?) throws -> RebalanceStrategy {
        let n = name ?? state.settings.defaultRebalanceStrategy
        guard let s = RebalanceStrategy.named(n) else { throw CitusError("could not find rebalance strategy with name \(n)") }
        return s
    }

    func node(id: Int64) throws -> Node {
        guard let n = state.node(NodeID(Int32(truncatingIfNeeded: id))) else { throw CitusError("node with id \(id) does not exist") }
        return n
    }

    func node(name: String, port: Int64) throws -> Node {
        guard let n = state.node(name: name, port: Int(port)) else { throw CitusError("node at \"\(name):\(port)\" does not exist") }
        return n
    }

    /// The tenant literal as a value of the table's distribution column type.
    func distributionValue(_ literal: SQLValue, for table: DistributedTable) throws -> DistributionValue {
        guard let type = table.columnType else { throw CitusError("cannot isolate tenant because tenant isolation is only support for hash distributed tables") }
        let text: String
        switch literal {
        case .number(let n): text = n
        case .string(let s): text = s
        default: throw CitusError("tenant_id must be a value of the distribution column's type")
        }
        switch type.parse(text) {
        case .success(let v): return v
        case .failure(let e): throw CitusError("invalid input for type \(type.rawValue): \(e.description)")
        }
    }

    /// FACTS D.1: `auto` moves and splits need a replica identity on every colocated table.
    func requireReplicaIdentity(_ shards: [ShardID], mode: String) throws {
        guard ["auto", "force_logical", "block_writes"].contains(mode) else {
            throw CitusError("invalid input value for enum citus.shard_transfer_mode: \"\(mode)\"")
        }
        guard mode == "auto" else { return }
        for s in shards {
            guard let t = state.shard(s).flatMap({ state.table($0.table) }), !t.hasReplicaIdentity else { continue }
            // Citus names the relation without its schema (`get_rel_name`).
            let relation = TenantSchema.schema(ofTable: t.name).map { String(t.name.dropFirst($0.count + 1)) } ?? t.name
            throw CitusError("cannot use logical replication to transfer shards of the relation \(relation) since it doesn't have a REPLICA IDENTITY or PRIMARY KEY",
                             detail: "UPDATE and DELETE commands on the shard will error out during logical replication unless there is a REPLICA IDENTITY or PRIMARY KEY.",
                             hint: "If you wish to continue without a replica identity set the shard_transfer_mode to 'force_logical' or 'block_writes'.")
        }
    }

    /// `citus_move_shard_placement` pre-checks (FACTS D.2, `checkMove`), then the metadata change.
    mutating func move(_ shard: ShardID, from source: Node, to target: Node, mode: String, statement: SQLStatement) throws {
        guard try checkMove(shard, from: source.id, to: target.id, mode: try TransferMode(mode), statement: statement) else { return }
        state.moveShardGroup(of: shard, from: source.id, to: target.id)
    }

    /// Executes a plan's moves in order (rebalance_table_shards, citus_drain_node); in `auto`
    /// mode replica identity is checked for every planned move first.
    mutating func execute(_ plan: RebalancePlan, mode: String, statement: SQLStatement, reportMoves: Bool = true) throws {
        for m in plan.messages { note(statement, m) }
        for move in plan.moves { try requireReplicaIdentity(state.colocatedShards(of: move.anchor).map(\.id), mode: mode) }
        for move in plan.moves {
            let source = state.node(move.source)!, target = state.node(move.target)!
            if reportMoves {
                note(statement, CitusMessage(.notice, "Moving shard \(move.anchor) from \(source.address) to \(target.address) ..."))
            }
            try self.move(move.anchor, from: source, to: target, mode: mode, statement: statement)
        }
    }

    /// `replicate_table_shards`: copies until every shard of the relation has the factor.
    mutating func replicate(_ c: BoundCall) throws {
        let name = try c.string("relation")
        guard state.table(name) != nil else { throw CitusError("relation \"\(name)\" does not exist") }
        let factor = Int(try c.optionalInt("shard_replication_factor") ?? Int64(state.settings.shardReplicationFactor))
        let workers = state.activePrimaries
        let excluded = try c.list("excluded_shard_list").compactMap(Int64.init)
        let placements = state.shards(of: name).filter { !excluded.contains($0.id.rawValue) }
            .flatMap { state.placements(of: $0.id) }.sorted { $0.id < $1.id }
            .map { p in ReplicationPlanner.Placement(shard: p.shard.rawValue, worker: workers.firstIndex { $0.id == p.node }) }
        let updates = try ReplicationPlanner.plan(workers: workers.map { .init(name: $0.name, port: $0.port, shouldHaveShards: $0.shouldHaveShards) },
                                                  placements: placements, replicationFactor: factor)
        for u in updates.prefix(Int(try c.int("max_shard_copies"))) {
            state.copyShardGroup(of: ShardID(u.shard), from: workers[u.source].id, to: workers[u.target].id)
        }
    }

    /// `citus_remove_node`: refused while the node holds distributed shards.
    mutating func removeNode(name: String, port: Int) throws {
        guard let node = state.node(name: name, port: port) else { throw CitusError("node at \"\(name):\(port)\" does not exist") }
        for p in state.placements where p.node == node.id {
            guard let s = state.shard(p.shard), let t = state.table(s.table), !t.isReference else { continue }
            throw CitusError("cannot remove or disable the node \(node.address) because because it contains the only shard placement for shard \(p.shard)")
        }
        for p in state.placements where p.node == node.id { state.removePlacement(p.id) }
        state.nodes.removeAll { $0.id == node.id }
    }
}
