import ClusterModel

/// `get_snapshot_based_node_split_plan` (FACTS F): which of a primary's shard groups a
/// promoted clone keeps. Greedy over all the primary's shard groups (every colocation
/// group pooled) by cost desc, shard id asc: a group goes to the clone when that brings the
/// two sides closer (|(S−c) − (T+c)| < |S − T|). Threshold, capacity and allowed rules
/// are not used.
public enum CloneSplitPlanner {
    public enum Side: String, Sendable { case primary = "Primary Node", clone = "Clone Node" }

    /// One output row.
    public struct Row: Sendable, Equatable {
        public var tableName: String
        public var shardID: ShardID
        public var shardSize: Int64
        public var side: Side
    }

    /// The rows: all primary-side groups (each expanded to its colocated shards by id),
    /// then all clone-side groups.
    public static func plan(state: ClusterState, primary: NodeID, strategy: RebalanceStrategy) -> [Row] {
        var seen: [ColocationID] = []
        var anchors: [(shard: ShardID, cost: Float)] = []
        for t in state.tables where !t.isReference && !seen.contains(t.colocationID) {
            seen.append(t.colocationID)
            for s in state.shards(of: t.name) where state.placements(of: s.id).contains(where: { $0.node == primary }) {
                anchors.append((s.id, strategy.cost(of: s.id, in: state)))
            }
        }
        anchors.sort { $0.cost != $1.cost ? $0.cost > $1.cost : $0.shard < $1.shard }
        var remaining = anchors.reduce(Float(0)) { $0 + $1.cost }
        var assigned: Float = 0
        var primarySide: [ShardID] = [], cloneSide: [ShardID] = []
        for (shard, c) in anchors {
            if abs((remaining - c) - (assigned + c)) < abs(remaining - assigned) {
                cloneSide.append(shard)
                remaining -= c
                assigned += c
            } else {
                primarySide.append(shard)
            }
        }
        func rows(_ anchors: [ShardID], _ side: Side) -> [Row] {
            anchors.flatMap { a in
                state.colocatedShards(of: a).map { s in
                    Row(tableName: s.table, shardID: s.id, shardSize: s.sizeBytes, side: side)
                }
            }
        }
        return rows(primarySide, .primary) + rows(cloneSide, .clone)
    }
}

extension ClusterState {
    /// `citus_promote_clone_and_rebalance`: the clone becomes an active primary in a new
    /// group and takes the clone-side shard groups (no data copied: it already has them),
    /// and reference-table placements.
    public mutating func promoteClone(name: String, port: Int, primary: NodeID, plan: [CloneSplitPlanner.Row]) throws -> NodeID {
        let clone = try addNode(name: name, port: port)
        for row in plan where row.side == .clone {
            guard let old = placements(of: row.shardID).first(where: { $0.node == primary }) else { continue }
            removePlacement(old.id)
            insertPlacement(Placement(id: nextPlacementID(), shard: row.shardID, node: clone, shardLength: old.shardLength))
        }
        ensureReferenceTablesOnAllNodes()
        return clone
    }
}
