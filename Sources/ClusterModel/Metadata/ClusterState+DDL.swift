/// How `create_distributed_table` picks a colocation group (`colocate_with`).
public enum ColocateWith: Sendable, Equatable {
    /// `'default'`: reuse a group with the same shard count, replication factor and column type.
    case `default`
    /// `'none'`: always a new group.
    case none
    /// `'table'`: that table's group.
    case table(String)
}

extension ClusterState {
    /// `citus_add_node(name, port, groupid => g)`: a new active primary (the coordinator when
    /// `groupID` is 0, added with shouldhaveshards = false). Adding an existing node returns its id.
    @discardableResult
    public mutating func addNode(name: String, port: Int, groupID: Int32? = nil) throws -> NodeID {
        if let existing = node(name: name, port: port) { return existing.id }
        guard !name.isEmpty, (1...65_535).contains(port) else { throw ClusterError("invalid node address \(name):\(port)") }
        let id = NodeID(nodeIDSequence)
        nodeIDSequence += 1
        let group: GroupID
        if let groupID, groupID >= 0 {
            guard !nodes.contains(where: { $0.groupID.rawValue == groupID }) else {
                throw ClusterError("group \(groupID) already has a primary node")
            }
            group = GroupID(groupID)
        } else {
            group = GroupID(groupIDSequence)
            groupIDSequence += 1
        }
        nodes.append(Node(id: id, groupID: group, name: name, port: port, shouldHaveShards: group.rawValue != 0))
        return id
    }

    /// `citus_set_node_property(name, port, 'shouldhaveshards', value)`.
    public mutating func setShouldHaveShards(name: String, port: Int, _ value: Bool) throws {
        guard let i = nodes.firstIndex(where: { $0.name == name && $0.port == port }) else {
            throw ClusterError("node at \"\(name):\(port)\" does not exist")
        }
        nodes[i].shouldHaveShards = value
    }

    /// `create_distributed_table(table, column, shard_count => n, colocate_with => c)` on an
    /// empty table (FACTS A.4–A.6).
    public mutating func createDistributedTable(
        _ name: String, columnType: DistributionColumnType?, shardCount explicitCount: Int? = nil,
        colocateWith: ColocateWith = .default, hasReplicaIdentity: Bool = true
    ) throws {
        guard table(name) == nil else { throw ClusterError("table \"\(name)\" is already distributed") }
        if let n = explicitCount, !(1...64_000).contains(n) {
            throw ClusterError("\(n) is outside the valid range for parameter \"shard_count\" (1 .. 64000)")
        }
        guard let columnType else { return try createSingleShardTable(name, colocateWith: colocateWith, hasReplicaIdentity: hasReplicaIdentity) }
        let rf = settings.shardReplicationFactor
        let workers = shardNodes
        guard !workers.isEmpty else { throw ClusterError("no worker nodes are available for placing shards") }

        var colocation: ColocationGroup?
        switch colocateWith {
        case .none: colocation = nil
        case .table(let other):
            guard let o = table(other) else { throw ClusterError("relation \"\(other)\" does not exist") }
            guard explicitCount == nil else { throw ClusterError("Cannot use colocate_with with a table and shard_count at the same time") }
            guard o.columnType == columnType else {
                throw ClusterError("cannot colocate tables \(other) and \(name)")
            }
            colocation = colocationGroup(o.colocationID)
        case .default:
            let count = explicitCount ?? settings.shardCount
            colocation = colocationGroups.first { g in
                guard g.columnType == columnType, g.replicationFactor == rf, g.shardCount == count else { return false }
                guard let first = tables(in: g.id).first else { return false }
                return explicitCount == nil || shards(of: first.name).count == count
            }
        }

        if let group = colocation, let source = tables(in: group.id).first {
            appendTable(DistributedTable(name: name, kind: .hashDistributed(columnType), colocationID: group.id, hasReplicaIdentity: hasReplicaIdentity))
            for s in shards(of: source.name) {
                let id = nextShardID()
                insertShard(Shard(id: id, table: name, range: s.range))
                for p in placements(of: s.id) { insertPlacement(Placement(id: nextPlacementID(), shard: id, node: p.node)) }
            }
            return
        }
        let count = explicitCount ?? settings.shardCount
        guard rf <= workers.count else {
            throw ClusterError("replication_factor (\(rf)) exceeds number of worker nodes (\(workers.count))")
        }
        let group = newColocationGroup(shardCount: count, replicationFactor: rf, columnType: columnType)
        appendTable(DistributedTable(name: name, kind: .hashDistributed(columnType), colocationID: group, hasReplicaIdentity: hasReplicaIdentity))
        for (i, range) in HashRange.uniform(shardCount: count).enumerated() {
            let id = nextShardID()
            insertShard(Shard(id: id, table: name, range: range))
            for r in 0..<rf {
                insertPlacement(Placement(id: nextPlacementID(), shard: id, node: workers[(i + r) % workers.count].id))
            }
        }
    }

    /// `create_reference_table(table)`: one shard, a placement on every active primary
    /// (coordinator included). All reference tables share one colocation group.
    public mutating func createReferenceTable(_ name: String, hasReplicaIdentity: Bool = true) throws {
        guard table(name) == nil else { throw ClusterError("table \"\(name)\" is already distributed") }
        let nodes = activePrimaries
        guard !nodes.isEmpty else { throw ClusterError("no nodes are available for placing a reference table") }
        let group = tables.first(where: \.isReference)?.colocationID
            ?? newColocationGroup(shardCount: 1, replicationFactor: 0, columnType: nil)
        appendTable(DistributedTable(name: name, kind: .reference, colocationID: group, hasReplicaIdentity: hasReplicaIdentity))
        let id = nextShardID()
        insertShard(Shard(id: id, table: name, range: nil))
        for n in nodes { insertPlacement(Placement(id: nextPlacementID(), shard: id, node: n.id)) }
    }

    /// A single-shard table: the first table of a new colocation group goes to sorted
    /// position colocationId mod W (`EmptySingleShardTableColocationDecideNodeId`).
    mutating func createSingleShardTable(_ name: String, colocateWith: ColocateWith, hasReplicaIdentity: Bool = true) throws {
        guard !shardNodes.isEmpty else { throw ClusterError("no worker nodes are available for placing shards") }
        if case .table(let other) = colocateWith {
            guard let o = table(other), o.kind == .singleShard, !shards(of: other).isEmpty else {
                throw ClusterError("cannot colocate tables \(other) and \(name)")
            }
            if tenantSchema(of: o.colocationID) != nil {
                throw ClusterError("\(other) is not allowed for colocate_with because it belongs to a distributed schema")
            }
            return try addSingleShardTable(name, group: o.colocationID, hasReplicaIdentity: hasReplicaIdentity)
        }
        try addSingleShardTable(name, group: newSingleShardGroup(), hasReplicaIdentity: hasReplicaIdentity)
    }

    /// Schema-based sharding: for each schema in order, the tenant schema (registered with a
    /// new single-shard colocation group) and `schema.table` for every table, as `CREATE TABLE`
    /// makes them (the first on sorted shard node colocationId mod W, the others beside it), in
    /// time linear in the tables made (`createDistributedTable` looks tables up by scanning, fine
    /// for a few but quadratic for thousands of schemas).
    public mutating func createSchemaTables(schemas: [String], tables: [(name: String, hasReplicaIdentity: Bool)]) throws {
        let workers = shardNodes
        guard !workers.isEmpty else { throw ClusterError("no worker nodes are available for placing shards") }
        let existing = Set(self.tables.map(\.name))  // membership only
        for schema in schemas {
            let group = newSingleShardGroup()
            tenantSchemas.append(TenantSchema(name: schema, colocationID: group))
            let target = workers[Int(group.rawValue) % workers.count]
            for t in tables {
                let name = "\(schema).\(t.name)"
                guard !existing.contains(name) else { throw ClusterError("table \"\(name)\" is already distributed") }
                appendTable(DistributedTable(name: name, kind: .singleShard, colocationID: group, hasReplicaIdentity: t.hasReplicaIdentity))
                let id = nextShardID()
                insertShard(Shard(id: id, table: name, range: nil))
                insertPlacement(Placement(id: nextPlacementID(), shard: id, node: target.id))
            }
        }
    }

    /// Copies reference-table shards to active primaries that lack them (Citus does this
    /// lazily before create_distributed_table, rebalances and isolation). Returns the nodes
    /// that received them, in (name, port) order.
    @discardableResult
    public mutating func ensureReferenceTablesOnAllNodes() -> [NodeID] {
        let references = tables.filter(\.isReference)
        guard !references.isEmpty else { return [] }
        var filled: [NodeID] = []
        for node in activePrimaries {
            var copied = false
            for t in references {
                for s in shards(of: t.name) where placement(of: s.id, on: node.id) == nil {
                    insertPlacement(Placement(id: nextPlacementID(), shard: s.id, node: node.id))
                    copied = true
                }
            }
            if copied { filled.append(node.id) }
        }
        return filled
    }

    /// Active primaries missing a reference-table placement, in (name, port) order.
    public var nodesMissingReferenceTables: [Node] {
        let refShards = tables.filter(\.isReference).flatMap { shards(of: $0.name) }
        return activePrimaries.filter { n in refShards.contains { s in placement(of: s.id, on: n.id) == nil } }
    }

    mutating func newColocationGroup(shardCount: Int, replicationFactor: Int, columnType: DistributionColumnType?) -> ColocationID {
        let id = ColocationID(colocationIDSequence)
        colocationIDSequence += 1
        colocationGroups.append(ColocationGroup(id: id, shardCount: shardCount, replicationFactor: replicationFactor, columnType: columnType))
        return id
    }

    /// Adds a table with the given shards as they are (for loading exported metadata).
    public mutating func loadTable(_ table: DistributedTable, group: ColocationGroup) {
        if colocationGroup(group.id) == nil { colocationGroups.append(group) }
        appendTable(table)
        colocationIDSequence = max(colocationIDSequence, group.id.rawValue + 1)
    }

    /// Adds a node as it is (for loading exported metadata).
    public mutating func loadNode(_ node: Node) {
        nodes.append(node)
        nodes.sort { $0.id < $1.id }
        nodeIDSequence = max(nodeIDSequence, node.id.rawValue + 1)
        groupIDSequence = max(groupIDSequence, node.groupID.rawValue + 1)
    }
}

/// A request Citus would refuse (an ERROR), with Citus's wording where known.
public struct ClusterError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "ERROR:  \(message)" }
}
