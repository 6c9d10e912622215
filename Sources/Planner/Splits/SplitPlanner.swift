import ClusterModel

/// `isolate_tenant_to_new_shard` and `citus_split_shard_by_split_points` (FACTS E).
///
/// Planning draws the new shard ids from `state` (so ids are consumed even if the caller
/// then discards the plan, as a rolled-back Citus transaction does) but changes nothing
/// else; `ClusterState.apply(_:)` performs the split.
public enum SplitPlanner {
    /// `isolate_tenant_to_new_shard(table, tenant, cascade)`: split the tenant's shard group
    /// at [h-1, h] (or [h] at the shard's min, [h-1] at its max); children stay on the node.
    public static func isolateTenant(_ state: inout ClusterState, table name: String, value: DistributionValue, cascade: Bool) throws -> SplitPlan {
        guard let table = state.table(name) else { throw CitusError("relation \"\(name)\" does not exist") }
        guard let type = table.columnType else {
            throw CitusError("cannot isolate tenant because tenant isolation is only support for hash distributed tables")
        }
        if state.tables(in: table.colocationID).count > 1 && !cascade {
            throw CitusError("cannot isolate tenant because \"\(name)\" has colocated tables")
        }
        let hash = value.hash(as: type)
        let (shard, _) = try layoutError { try state.shard(of: name, value: value) }
        let range = shard.range!
        guard range.min != range.max else { throw CitusError("table \(name) has already been isolated for the given value") }
        try requireSingleReplica(state, shard.id)
        let points: [Int32] = hash == range.min ? [hash] : hash == range.max ? [hash - 1] : [hash - 1, hash]
        let node = state.placements(of: shard.id)[0].node
        var plan = try splitPlan(&state, shard: shard.id, points: points, nodes: Array(repeating: node, count: points.count + 1))
        plan.returnedShard = plan.children.first { $0.table == name && $0.range.contains(hash) }?.id
        return plan
    }

    /// `citus_split_shard_by_split_points(shard, points, node_ids)`: child i covers
    /// [previous max + 1, point i] and goes to node i; the last child ends at the parent's max.
    public static func splitByPoints(_ state: inout ClusterState, shard id: ShardID, points: [Int32], nodes: [NodeID]) throws -> SplitPlan {
        guard let shard = state.shard(id) else { throw CitusError("could not find valid entry for shard \(id)") }
        guard let table = state.table(shard.table), table.columnType != nil, let range = shard.range else {
            throw CitusError("Cannot split shard as operation is only supported for hash distributed tables.")
        }
        try requireSingleReplica(state, id)
        guard nodes.count == points.count + 1 else {
            throw CitusError("Number of worker node ids should be one greater split points. NodeId count is '\(nodes.count)' and SplitPoint count is '\(points.count)'.")
        }
        guard range.min != range.max else { throw CitusError("Cannot split shard id \"\(id)\" as min/max range are equal: ('\(range.min)', '\(range.max)').") }
        var previous: Int32?
        for p in points {
            if p == range.max {
                throw CitusError("Invalid split point \(p), as split points should be inclusive. Please use \(Int64(p) - 1) instead.")
            }
            guard p >= range.min && p < range.max else {
                throw CitusError("Split point \(p) is outside the min/max range(\(range.min), \(range.max)) for shard id \(id).")
            }
            if let prev = previous, p <= prev {
                throw CitusError("Invalid Split Points '\(prev)' followed by '\(p)'. All split points should be strictly increasing.")
            }
            previous = p
        }
        let total = state.shards(of: table.name).count + points.count
        guard total <= 64_000 else { throw CitusError("Resulting shard count '\(total)' with split is greater than max shard count '64000' limit.") }
        for n in nodes {
            guard let node = state.node(n), node.isActive, node.role == .primary else { throw CitusError("node with id \(n) is not an active primary node") }
        }
        return try splitPlan(&state, shard: id, points: points, nodes: nodes)
    }

    /// Splits every colocated shard identically; ids: for each source shard in id order,
    /// one per child in child order.
    static func splitPlan(_ state: inout ClusterState, shard: ShardID, points: [Int32], nodes: [NodeID]) throws -> SplitPlan {
        let group = state.colocatedShards(of: shard)
        let range = state.shard(shard)!.range!
        var ranges: [HashRange] = []
        var lower = range.min
        for p in points {
            ranges.append(HashRange(min: lower, max: p))
            lower = p + 1
        }
        ranges.append(HashRange(min: lower, max: range.max))
        var children: [SplitPlan.Child] = []
        for source in group {
            for (i, r) in ranges.enumerated() {
                children.append(SplitPlan.Child(id: state.nextShardID(), table: source.table, range: r, node: nodes[i]))
            }
        }
        return SplitPlan(sources: group.map(\.id), children: children, splitPoints: points, returnedShard: nil)
    }

    static func requireSingleReplica(_ state: ClusterState, _ shard: ShardID) throws {
        if state.placements(of: shard).count > 1 {
            throw CitusError("Operation split not supported for shard as replication factor '\(state.placements(of: shard).count)' is greater than 1.")
        }
    }

    static func layoutError<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as LayoutError { throw CitusError(e.description) }
    }
}
