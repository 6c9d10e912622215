/// Citus's metadata for one cluster: nodes, tables, colocation groups, shards and
/// placements, plus the id sequences and the GUCs that planning reads.
///
/// A value type: planners read a snapshot and return decisions; `apply` and the
/// simulation produce new states. Arrays are kept in a fixed order (nodes by id, shards by
/// id, placements by id, tables by creation) so every iteration is deterministic.
public struct ClusterState: Sendable, Equatable {
    public var nodes: [Node] = []
    /// Tables in creation order. Changed only through `appendTable`, `removeTable`,
    /// `renameTable` and `updateTable`, which keep the indexes below.
    public private(set) var tables: [DistributedTable] = []
    /// Index in `tables` of each table name, and of each colocation group's tables (ascending).
    private var tableIndexByName: [String: Int] = [:]
    private var tableIndicesByColocation: [ColocationID: [Int]] = [:]
    public var colocationGroups: [ColocationGroup] = []
    /// `pg_dist_schema`: tenant schemas of schema-based sharding, in creation order.
    public var tenantSchemas: [TenantSchema] = []
    public private(set) var shards: [Shard] = []
    /// Shard ids of each table in ascending order: an index of `shards` that every mutation
    /// below keeps, so `shards(of:)` reads a table's few shards instead of scanning them all.
    private var shardIDsByTable: [String: [ShardID]] = [:]
    /// `pg_dist_placement`, indexed by shard.
    private var placementCatalog = PlacementCatalog()
    public var settings = CitusSettings()

    /// `pg_dist_shardid_seq` (MINVALUE 102008).
    public var shardIDSequence: Int64 = 102_008
    /// `pg_dist_placement_placementid_seq`.
    public var placementIDSequence: Int64 = 1
    /// `pg_dist_colocationid_seq`.
    public var colocationIDSequence: Int32 = 1
    /// `pg_dist_node_nodeid_seq`.
    public var nodeIDSequence: Int32 = 1
    /// `pg_dist_groupid_seq`.
    public var groupIDSequence: Int32 = 1

    public init() {}

    // MARK: Lookup

    public func node(_ id: NodeID) -> Node? { nodes.first { $0.id == id } }
    public func node(name: String, port: Int) -> Node? { nodes.first { $0.name == name && $0.port == port } }
    public func table(_ name: String) -> DistributedTable? { tableIndexByName[name].map { tables[$0] } }
    public func colocationGroup(_ id: ColocationID) -> ColocationGroup? { colocationGroups.first { $0.id == id } }
    public func shard(_ id: ShardID) -> Shard? { shardIndex(id).map { shards[$0] } }

    func shardIndex(_ id: ShardID) -> Int? {
        var lo = 0, hi = shards.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if shards[mid].id == id { return mid }
            if shards[mid].id < id { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }

    /// Active primary nodes in Citus's (name, port) order.
    public var activePrimaries: [Node] {
        nodes.filter { $0.isActive && $0.role == .primary }.sorted(by: Node.citusOrder)
    }

    /// The nodes new shards go to: active primaries with shouldhaveshards, in (name, port) order.
    public var shardNodes: [Node] { activePrimaries.filter(\.shouldHaveShards) }

    /// Shards of `table`, ordered by hash-range min (shard id for tables without ranges).
    public func shards(of table: String) -> [Shard] {
        (shardIDsByTable[table] ?? []).compactMap(shard).sorted { a, b in
            switch (a.range, b.range) {
            case let (ra?, rb?): return ra.min < rb.min
            default: return a.id < b.id
            }
        }
    }

    /// Tables in a colocation group, in creation order.
    public func tables(in colocation: ColocationID) -> [DistributedTable] {
        (tableIndicesByColocation[colocation] ?? []).map { tables[$0] }
    }

    /// Every placement, by placement id.
    public var placements: [Placement] { placementCatalog.all }
    /// Number of placements.
    public var placementCount: Int { placementCatalog.count }
    /// Placements of a shard, by placement id.
    public func placements(of shard: ShardID) -> [Placement] { placementCatalog.of(shard) }
    /// The placement of `shard` on `node`, if any.
    public func placement(of shard: ShardID, on node: NodeID) -> Placement? { placementCatalog.placement(of: shard, on: node) }

    /// The shard group of `shard`: the shards at the same position in every table of its
    /// colocation group, sorted by shard id (Citus's `ColocatedShardIntervalList`).
    public func colocatedShards(of shard: ShardID) -> [Shard] {
        guard let s = self.shard(shard), let t = table(s.table) else { return [] }
        if t.isReference {
            return tables(in: t.colocationID).flatMap { shards(of: $0.name) }.sorted { $0.id < $1.id }
        }
        let own = shards(of: t.name)
        guard let index = own.firstIndex(where: { $0.id == shard }) else { return [] }
        return tables(in: t.colocationID).compactMap { other -> Shard? in
            let list = shards(of: other.name)
            return index < list.count ? list[index] : nil
        }.sorted { $0.id < $1.id }
    }

    /// The shard of hash-distributed `table` holding `value`, with its hash.
    public func shard(of table: String, value: DistributionValue) throws -> (shard: Shard, hash: Int32) {
        guard let t = self.table(table) else { throw LayoutError("table \"\(table)\" does not exist") }
        guard let type = t.columnType else { throw LayoutError("table \"\(table)\" is not hash-distributed") }
        let list = shards(of: table)
        let index = try ShardIntervalIndex(ranges: list.map { $0.range! })
        let hash = value.hash(as: type)
        return (list[index.index(of: hash)], hash)
    }

    // MARK: Mutation (metadata only; planners decide, callers apply)

    /// Takes the next shard id (`citus.next_shard_id` if set, which then increments, else the sequence).
    public mutating func nextShardID() -> ShardID {
        if settings.nextShardID > 0 {
            defer { settings.nextShardID += 1 }
            return ShardID(settings.nextShardID)
        }
        defer { shardIDSequence += 1 }
        return ShardID(shardIDSequence)
    }

    /// Takes the next placement id.
    public mutating func nextPlacementID() -> PlacementID {
        if settings.nextPlacementID > 0 {
            defer { settings.nextPlacementID += 1 }
            return PlacementID(settings.nextPlacementID)
        }
        defer { placementIDSequence += 1 }
        return PlacementID(placementIDSequence)
    }

    /// Inserts a shard row; precondition: its id is new.
    public mutating func insertShard(_ shard: Shard) {
        var ids = shardIDsByTable.removeValue(forKey: shard.table) ?? []
        if ids.last.map({ $0 < shard.id }) ?? true { ids.append(shard.id) } else { ids.insert(shard.id, at: ids.firstIndex { $0 > shard.id } ?? ids.count) }
        shardIDsByTable[shard.table] = ids
        if shards.last.map({ $0.id < shard.id }) ?? true { return shards.append(shard) }  // the usual case: the newest id
        let i = shards.firstIndex { $0.id > shard.id } ?? shards.count
        precondition(i == 0 || shards[i - 1].id != shard.id, "shard \(shard.id) inserted twice")
        shards.insert(shard, at: i)
    }

    /// Removes a shard and its placements.
    public mutating func removeShard(_ id: ShardID) {
        if let table = shard(id)?.table {
            var ids = shardIDsByTable.removeValue(forKey: table) ?? []
            ids.removeAll { $0 == id }
            if !ids.isEmpty { shardIDsByTable[table] = ids }
        }
        if let i = shardIndex(id) { shards.remove(at: i) }
        placementCatalog.removeAll(of: id)
    }

    /// Inserts a placement row; precondition: the node does not hold the shard yet.
    public mutating func insertPlacement(_ placement: Placement) { placementCatalog.insert(placement) }

    /// Removes one placement.
    public mutating func removePlacement(_ id: PlacementID) { placementCatalog.remove(id) }

    /// Moves every shard of `shard`'s group from `source` to `target` (new placement ids,
    /// in shard-id order), as `citus_move_shard_placement` does.
    public mutating func moveShardGroup(of shard: ShardID, from source: NodeID, to target: NodeID) {
        for s in colocatedShards(of: shard) {
            guard let old = placement(of: s.id, on: source) else { continue }
            removePlacement(old.id)
            insertPlacement(Placement(id: nextPlacementID(), shard: s.id, node: target, shardLength: old.shardLength))
        }
    }

    /// Copies every shard of `shard`'s group from `source` to `target` (replication).
    public mutating func copyShardGroup(of shard: ShardID, from source: NodeID, to target: NodeID) {
        for s in colocatedShards(of: shard) {
            guard let old = placement(of: s.id, on: source) else { continue }
            insertPlacement(Placement(id: nextPlacementID(), shard: s.id, node: target, shardLength: old.shardLength))
        }
    }

    // MARK: Tables (the only writers of `tables`, keeping its indexes)

    /// Appends a table (the newest in creation order); precondition: its name is new.
    mutating func appendTable(_ table: DistributedTable) {
        precondition(tableIndexByName[table.name] == nil, "table \(table.name) created twice")
        tableIndexByName[table.name] = tables.count
        tableIndicesByColocation[table.colocationID, default: []].append(tables.count)
        tables.append(table)
    }

    /// Removes a table's row (not its shards).
    mutating func removeTable(_ name: String) {
        guard let i = tableIndexByName[name] else { return }
        tables.remove(at: i)
        reindexTables()
    }

    /// Renames a table's row (not its shards).
    mutating func renameTableRow(_ name: String, to newName: String) {
        guard let i = tableIndexByName.removeValue(forKey: name) else { return }
        tables[i].name = newName
        tableIndexByName[newName] = i
    }

    /// Changes a table's properties other than its name and colocation group.
    public mutating func updateTable(_ name: String, _ change: (inout DistributedTable) -> Void) {
        guard let i = tableIndexByName[name] else { return }
        let colocation = tables[i].colocationID
        change(&tables[i])
        precondition(tables[i].name == name && tables[i].colocationID == colocation, "updateTable changes neither name nor colocation group")
    }

    private mutating func reindexTables() {
        tableIndexByName = [:]
        tableIndicesByColocation = [:]
        for (i, t) in tables.enumerated() {
            tableIndexByName[t.name] = i
            tableIndicesByColocation[t.colocationID, default: []].append(i)
        }
    }

    /// Sets a shard's size in bytes.
    public mutating func setSize(of shard: ShardID, bytes: Int64) {
        if let i = shardIndex(shard) { shards[i].sizeBytes = bytes }
    }
}
