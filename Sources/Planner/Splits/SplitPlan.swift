import ClusterModel

/// A shard-group split decided by `SplitPlanner`: every shard of the group is replaced by
/// children with the same ranges, placed on the given nodes.
public struct SplitPlan: Sendable, Equatable {
    /// One new shard.
    public struct Child: Sendable, Equatable {
        public var id: ShardID
        public var table: String
        public var range: HashRange
        public var node: NodeID
    }

    /// The shards being split (the shard group), by id.
    public var sources: [ShardID]
    /// The children, grouped by source in `sources` order, then in range order.
    public var children: [Child]
    /// The split points used (inclusive upper bounds of all children but the last).
    public var splitPoints: [Int32]
    /// For isolate_tenant_to_new_shard: the child of the given table holding the tenant.
    public var returnedShard: ShardID?
}

extension ClusterState {
    /// Replaces the split shards by the children (placements with new ids, in child order).
    /// Sizes are divided in proportion to hash-range width, the simulator's assumption of
    /// evenly spread rows within a shard.
    public mutating func apply(_ plan: SplitPlan) {
        var sizes: [ShardID: Int64] = [:]  // lookup only
        for s in plan.sources { sizes[s] = shard(s)?.sizeBytes ?? 0 }
        let perSource = plan.children.count / max(1, plan.sources.count)
        for (i, source) in plan.sources.enumerated() {
            guard let parent = shard(source) else { continue }
            let parentTokens = Double(parent.range?.tokenCount ?? 1)
            for child in plan.children[(i * perSource)..<((i + 1) * perSource)] {
                let share = Double(child.range.tokenCount) / parentTokens
                insertShard(Shard(id: child.id, table: child.table, range: child.range, sizeBytes: Int64((Double(sizes[source]!) * share).rounded())))
            }
            removeShard(source)
        }
        for child in plan.children {
            insertPlacement(Placement(id: nextPlacementID(), shard: child.id, node: child.node))
        }
    }
}
