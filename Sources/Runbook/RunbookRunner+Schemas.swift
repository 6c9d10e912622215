import ClusterModel
import Planner
import SQL

/// Schema-based sharding in a runbook: `CREATE SCHEMA` with `citus.enable_schema_based_sharding`
/// on, tables created in tenant schemas, `citus_schema_distribute`, `citus_schema_undistribute`
/// and `citus_schema_move` (`commands/schema.c`, `commands/schema_based_sharding.c`; FACTS A.7).
extension RunbookRunner {
    /// `citus_schema_move(schema_id, target_node_name, target_node_port[, shard_transfer_mode])`
    /// and `citus_schema_move(schema_id, target_node_id[, shard_transfer_mode])`: both forms
    /// bind here; a number in the second place is a node id.
    static let schemaMoveSignature = sig(("schema_id", nil), ("target_node_name", .null), ("target_node_port", .null),
                                         ("shard_transfer_mode", .string("auto")), ("target_node_id", .null))

    /// `CREATE SCHEMA`: a tenant schema when schema-based sharding is on (its colocation group
    /// is made now, before any table), else a plain schema.
    mutating func createSchema(_ name: String, ifNotExists: Bool, statement: SQLStatement) throws {
        if schemaExists(name) {
            guard ifNotExists else { throw CitusError("schema \"\(name)\" already exists") }
            note(statement, CitusMessage(.notice, "schema \"\(name)\" already exists, skipping"))
            return
        }
        createdSchemas.append(name)
        if schemaBasedSharding { state.createTenantSchema(name) }
    }

    /// `CREATE TABLE`: remembered for `create_distributed_table` and `citus_schema_distribute`;
    /// in a tenant schema it becomes a single-shard table of the schema's group at once.
    mutating func createTable(_ written: String, columns: [(name: String, type: String)], hasPrimaryKey: Bool, statement: SQLStatement) throws {
        let name = TenantSchema.schema(ofTable: written) == nil ? searchPathSchema.map { "\($0).\(written)" } ?? written : written
        createdTables[name] = (columns, hasPrimaryKey)
        createdTableOrder.removeAll { $0 == name }
        createdTableOrder.append(name)
        if let schema = TenantSchema.schema(ofTable: name), let tenant = state.tenantSchema(named: schema) {
            try state.createTenantTable(name, in: tenant, hasReplicaIdentity: hasPrimaryKey)
        }
    }

    /// Whether a schema of that name exists: made in the runbook, a tenant schema, or the
    /// schema of a table the metadata or the runbook holds.
    func schemaExists(_ name: String) -> Bool {
        name == "public" || createdSchemas.contains(name) || state.tenantSchema(named: name) != nil
            || state.tables.contains { TenantSchema.schema(ofTable: $0.name) == name }
            || createdTableOrder.contains { TenantSchema.schema(ofTable: $0) == name }
    }

    func requireSchema(_ name: String) throws {
        guard schemaExists(name) else { throw CitusError("schema \"\(name)\" does not exist") }
    }

    /// `citus_schema_distribute(schema)`.
    mutating func distributeSchema(_ c: BoundCall) throws {
        guard let name = try schemaToDistribute(c) else { return }
        try finishDistributing(schema: name)
    }

    /// `citus_schema_distribute`'s checks and NOTICE, before any table is converted: the
    /// schema, or nil when there is nothing to do (NULL in, or already distributed).
    mutating func schemaToDistribute(_ c: BoundCall) throws -> String? {
        guard !c.isNull("schemaname") else { return nil }  // STRICT: NULL in, nothing done
        let name = try c.string("schemaname")
        try requireSchema(name)
        if state.tenantSchema(named: name) != nil {
            note(c.statement, CitusMessage(.notice, "schema \(name) is already distributed"))
            return nil
        }
        guard name != "public" else { throw CitusError("public schema cannot be distributed") }
        if state.tables.contains(where: { TenantSchema.schema(ofTable: $0.name) == name }) {
            throw CitusError("distributed schema cannot have distributed tables", hint: "Undistribute distributed tables before 'citus_schema_distribute'.")
        }
        note(c.statement, CitusMessage(.notice, "distributing the schema \(name)"))
        return name
    }

    /// The schema's local tables (in creation order) as `citus_schema_distribute` takes them.
    func localTables(of schema: String) -> [(name: String, hasReplicaIdentity: Bool)] {
        createdTableOrder.filter { TenantSchema.schema(ofTable: $0) == schema }
            .map { (name: $0, hasReplicaIdentity: createdTables[$0]?.hasPrimaryKey ?? false) }
    }

    /// The metadata of a distributed schema: its local tables become single-shard tables of a
    /// new colocation group, placed by Citus's rule for a new group.
    public mutating func finishDistributing(schema name: String) throws {
        try state.distributeSchema(name, tables: localTables(of: name))
    }

    /// The node `citus_schema_distribute(schema)` would place the schema on now.
    public func nodeForDistributing(schema name: String) throws -> NodeID? {
        var trial = state
        try trial.distributeSchema(name, tables: localTables(of: name))
        guard let group = trial.tenantSchema(named: name)?.colocationID, let first = trial.tables(in: group).first,
              let shard = trial.shards(of: first.name).first else { return nil }
        return trial.placements(of: shard.id).first?.node
    }

    /// `citus_schema_undistribute(schema)`: its tables become local tables again (they stay
    /// known to the runbook, so the schema can be distributed again).
    mutating func undistributeSchema(_ c: BoundCall) throws {
        guard let name = try schemaToUndistribute(c) else { return }
        try finishUndistributing(schema: name)
    }

    /// `citus_schema_undistribute`'s checks and NOTICE: the schema, or nil for NULL.
    mutating func schemaToUndistribute(_ c: BoundCall) throws -> String? {
        guard !c.isNull("schemaname") else { return nil }
        let name = try c.string("schemaname")
        try requireSchema(name)
        guard state.tenantSchema(named: name) != nil else { throw CitusError("schema \(name) is not distributed") }
        note(c.statement, CitusMessage(.notice, "undistributing schema \(name)"))
        return name
    }

    /// The metadata of an undistributed schema: unregistered, its tables local again.
    public mutating func finishUndistributing(schema name: String) throws {
        let identity = state.tables.filter { TenantSchema.schema(ofTable: $0.name) == name }.map { ($0.name, $0.hasReplicaIdentity) }
        try state.undistributeSchema(name)
        for (table, hasReplicaIdentity) in identity where createdTables[table] == nil {
            createdTables[table] = ([], hasReplicaIdentity)  // an imported table: its identity, no column list
            createdTableOrder.append(table)
        }
    }

    /// `citus_schema_move`'s pre-checks (`CreateCitusMoveSchemaParams`), then the move of one of
    /// the schema's shards, which moves every table of the schema: the same transfer as
    /// `citus_move_shard_placement`. Nil when an argument is NULL (a STRICT function) or the
    /// schema is already there.
    mutating func schemaMove(_ c: BoundCall) throws -> TimedOperation? {
        guard !c.isNull("schema_id") else { return nil }
        let name = try c.string("schema_id")
        try requireSchema(name)
        guard let schema = state.tenantSchema(named: name) else { throw CitusError("schema \(name) is not a distributed schema") }
        guard let anchor = state.tables(in: schema.colocationID).first.flatMap({ state.shards(of: $0.name).first }),
              let source = state.placements(of: anchor.id).first?.node else {
            throw CitusError("cannot move distributed schema \(name) because it is empty")
        }
        let target: Node, modeText: String
        var nodeIDInSecondPlace = false
        if case .number = c.value("target_node_name") { nodeIDInSecondPlace = true }
        if !c.isNull("target_node_id") || nodeIDInSecondPlace {
            // citus_schema_move(schema, node id, mode)
            let idArgument = c.isNull("target_node_id") ? "target_node_name" : "target_node_id"
            let id = try c.int(idArgument)
            guard let n = state.node(NodeID(Int32(truncatingIfNeeded: id))) else { throw CitusError("node with node id \(id) could not be found") }
            target = n
            modeText = c.isNull("target_node_id") && !c.isNull("target_node_port") ? try c.string("target_node_port") : try c.string("shard_transfer_mode")
        } else {
            guard !c.isNull("target_node_name"), !c.isNull("target_node_port") else { return nil }
            let host = try c.string("target_node_name"), port = try c.int("target_node_port")
            guard let n = state.node(name: host, port: Int(port)) else {
                throw CitusError("Moving shards to a non-existing node is not supported", hint: "Add the target node via SELECT citus_add_node('\(host)', \(port));")
            }
            target = n
            modeText = try c.string("shard_transfer_mode")
        }
        let mode = try TransferMode(modeText)
        guard source != target.id else { throw CitusError("cannot move shard to the same node") }
        guard try checkMove(anchor.id, from: source, to: target.id, mode: mode, statement: c.statement) else { return nil }
        return .transfers([PlannedTransfer(kind: .move, anchor: anchor.id, source: source, target: target.id)], mode: mode)
    }
}
