/// `pg_dist_placement`: the placement rows in placement-id order, indexed by shard so that a
/// shard's placements, a move and a removal cost the shard's few rows, not a scan of all of
/// them (a schema-per-tenant cluster has hundreds of thousands).
///
/// Rows live in slots in ascending placement id; a removed row leaves an empty slot until more
/// than half are empty, when the slots are compacted and the index rebuilt. New placement ids
/// come from a sequence, so an insertion is almost always an append.
public struct PlacementCatalog: Sendable {
    /// Ascending placement ids of every slot, empty ones included (for binary search).
    private var ids: [PlacementID] = []
    private var slots: [Placement?] = []
    private var empty = 0
    /// Slots of each shard's placements, ascending (placement-id order).
    private var slotsOfShard: [ShardID: [Int]] = [:]

    public init() {}

    /// Number of placements.
    public var count: Int { slots.count - empty }

    /// Every placement, by placement id.
    public var all: [Placement] { slots.compactMap { $0 } }

    /// Placements of `shard`, by placement id.
    public func of(_ shard: ShardID) -> [Placement] {
        (slotsOfShard[shard] ?? []).map { slots[$0]! }
    }

    /// The placement of `shard` on `node`, if any.
    public func placement(of shard: ShardID, on node: NodeID) -> Placement? {
        for s in slotsOfShard[shard] ?? [] where slots[s]!.node == node { return slots[s] }
        return nil
    }

    /// Inserts a row; precondition: its id is new and the node does not hold the shard yet.
    mutating func insert(_ placement: Placement) {
        precondition(self.placement(of: placement.shard, on: placement.node) == nil,
                     "shard \(placement.shard) placed twice on node \(placement.node)")
        if let last = ids.last, last >= placement.id {
            // An older id (loaded metadata out of order): rebuild around it.
            precondition(slot(of: placement.id) == nil, "placement \(placement.id) inserted twice")
            var rows = all
            rows.insert(placement, at: rows.firstIndex { $0.id > placement.id } ?? rows.count)
            rebuild(rows)
            return
        }
        ids.append(placement.id)
        slots.append(placement)
        slotsOfShard[placement.shard, default: []].append(slots.count - 1)
    }

    /// Removes the row with id `id` (nothing when there is none).
    mutating func remove(_ id: PlacementID) {
        guard let s = slot(of: id) else { return }
        removeSlot(s)
    }

    /// Removes every placement of `shard`.
    mutating func removeAll(of shard: ShardID) {
        for s in slotsOfShard[shard] ?? [] { removeSlot(s) }
    }

    private func slot(of id: PlacementID) -> Int? {
        var lo = 0, hi = ids.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if ids[mid] == id { return slots[mid] == nil ? nil : mid }
            if ids[mid] < id { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }

    private mutating func removeSlot(_ s: Int) {
        guard let row = slots[s] else { return }
        slots[s] = nil
        empty += 1
        if var list = slotsOfShard.removeValue(forKey: row.shard) {
            list.removeAll { $0 == s }
            if !list.isEmpty { slotsOfShard[row.shard] = list }
        }
        if empty > slots.count / 2 { rebuild(all) }
    }

    private mutating func rebuild(_ rows: [Placement]) {
        ids = rows.map(\.id)
        slots = rows
        empty = 0
        slotsOfShard = [:]
        for (i, p) in rows.enumerated() { slotsOfShard[p.shard, default: []].append(i) }
    }
}

extension PlacementCatalog: Equatable {
    /// The same rows, however many removed slots each holds.
    public static func == (a: PlacementCatalog, b: PlacementCatalog) -> Bool { a.all == b.all }
}
