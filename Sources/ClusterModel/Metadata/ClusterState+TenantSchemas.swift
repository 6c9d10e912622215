/// Schema-based sharding's metadata (`pg_dist_schema`, `citus_schemas`): tenant schemas,
/// their tables, and what `citus_schema_distribute` / `citus_schema_undistribute` change.
/// Moving a schema is moving its colocation group (`citus_schema_move` calls
/// `citus_move_shard_placement` on one of its shards), so it has no code of its own here
/// (FACTS A.7).
extension ClusterState {
    /// The tenant schema named `name`.
    public func tenantSchema(named name: String) -> TenantSchema? { tenantSchemas.first { $0.name == name } }

    /// The tenant schema whose tables form colocation group `id` (`citus_shards` then shows
    /// `citus_table_type` = `schema`).
    public func tenantSchema(of id: ColocationID) -> TenantSchema? { tenantSchemas.first { $0.colocationID == id } }

    /// `citus_table_type` as `citus_shards` shows it: `schema` for a table in a tenant
    /// schema's group, else the table's own type (a single-shard table made with
    /// `create_distributed_table(t, NULL)` is `distributed`).
    public func citusTableType(of table: DistributedTable) -> String {
        tenantSchema(of: table.colocationID) != nil ? "schema" : table.citusTableType
    }

    /// `CREATE SCHEMA name` with `citus.enable_schema_based_sharding` on: registers the schema
    /// with a new single-shard colocation group (shard count 1, replication factor 1, no
    /// column type). `public` never becomes a tenant schema (`ShouldUseSchemaBasedSharding`).
    /// Returns false (and changes nothing) when the schema is `public` or already registered.
    @discardableResult
    public mutating func createTenantSchema(_ name: String) -> Bool {
        guard name != "public", tenantSchema(named: name) == nil else { return false }
        tenantSchemas.append(TenantSchema(name: name, colocationID: newSingleShardGroup()))
        return true
    }

    /// `CREATE TABLE schema.table` in a tenant schema (`CreateTenantSchemaTable`): a
    /// single-shard table in the schema's group; the group's first table goes to sorted shard
    /// node colocationId mod W (FACTS A.5), later ones beside it.
    public mutating func createTenantTable(_ name: String, in schema: TenantSchema, hasReplicaIdentity: Bool) throws {
        guard table(name) == nil else { throw ClusterError("table \"\(name)\" is already distributed") }
        try addSingleShardTable(name, group: schema.colocationID, hasReplicaIdentity: hasReplicaIdentity)
    }

    /// `citus_schema_distribute(schema)`: the schema's local tables (in creation order) become
    /// single-shard tables of a new colocation group, then the schema is registered
    /// (`citus_schema_distribute`). Refused when a table in it is already distributed.
    public mutating func distributeSchema(_ name: String, tables local: [(name: String, hasReplicaIdentity: Bool)]) throws {
        guard name != "public" else { throw ClusterError("public schema cannot be distributed") }
        if tables.contains(where: { TenantSchema.schema(ofTable: $0.name) == name }) {
            throw ClusterError("distributed schema cannot have distributed tables")
        }
        let group = newSingleShardGroup()
        for t in local { try addSingleShardTable(t.name, group: group, hasReplicaIdentity: t.hasReplicaIdentity) }
        tenantSchemas.append(TenantSchema(name: name, colocationID: group))
    }

    /// `citus_schema_undistribute(schema)`: the schema is unregistered and its tables become
    /// local tables on the coordinator (out of Citus's metadata); the group is deleted.
    /// Returns the tables' names, in creation order.
    @discardableResult
    public mutating func undistributeSchema(_ name: String) throws -> [String] {
        guard let schema = tenantSchema(named: name) else { throw ClusterError("schema \(name) is not distributed") }
        let names = tables(in: schema.colocationID).map(\.name)
        for t in names { dropTable(t) }
        tenantSchemas.removeAll { $0.name == name }
        colocationGroups.removeAll { $0.id == schema.colocationID }
        return names
    }

    /// A single-shard table in group `group`: beside the group's first table, or, for the
    /// first, on sorted shard node colocationId mod W (`EmptySingleShardTableColocationDecideNodeId`).
    mutating func addSingleShardTable(_ name: String, group: ColocationID, hasReplicaIdentity: Bool) throws {
        let target: NodeID
        if let first = tables(in: group).first, let placed = shards(of: first.name).first.flatMap({ placements(of: $0.id).first }) {
            target = placed.node
        } else {
            let workers = shardNodes
            guard !workers.isEmpty else { throw ClusterError("no worker nodes are available for placing shards") }
            target = workers[Int(group.rawValue) % workers.count].id
        }
        appendTable(DistributedTable(name: name, kind: .singleShard, colocationID: group, hasReplicaIdentity: hasReplicaIdentity))
        let id = nextShardID()
        insertShard(Shard(id: id, table: name, range: nil))
        insertPlacement(Placement(id: nextPlacementID(), shard: id, node: target))
    }

    /// A new colocation group for single-shard tables (`CreateTenantSchemaColocationId`).
    mutating func newSingleShardGroup() -> ColocationID {
        newColocationGroup(shardCount: 1, replicationFactor: 1, columnType: nil)
    }
}
