/// Citus's `ReplicationPlacementUpdates` (replicate_table_shards, FACTS B.4): copies that
/// bring every shard up to the replication factor.
public enum ReplicationPlanner {
    /// A worker for the replication planner; give workers sorted by (name, port).
    public struct Worker: Sendable {
        public var name: String
        public var port: Int
        public var shouldHaveShards: Bool

        public init(name: String, port: Int, shouldHaveShards: Bool = true) {
            self.name = name
            self.port = port
            self.shouldHaveShards = shouldHaveShards
        }
    }

    /// A placement; `worker` is nil when its node is not in the worker list (not active).
    public struct Placement: Sendable {
        public var shard: ShardRef
        public var worker: Int?

        public init(shard: ShardRef, worker: Int?) {
            self.shard = shard
            self.worker = worker
        }
    }

    /// The copies, in order, for placements given in placement-id order. Throws Citus's
    /// errors when a shard has no active replica to copy from or no node to copy to.
    public static func plan(workers: [Worker], placements: [Placement], replicationFactor: Int) throws -> [RebalanceAlgorithm.Update] {
        var holders: [ShardRef: [Int]] = [:]  // lookup only
        var count = [Int](repeating: 0, count: workers.count)
        for p in placements {
            guard let w = p.worker else { continue }
            holders[p.shard, default: []].append(w)
            count[w] += 1
        }
        var updates: [RebalanceAlgorithm.Update] = []
        for p in placements {
            let held = holders[p.shard] ?? []
            guard held.count < replicationFactor else { continue }
            guard let source = held.min() else { throw CitusError("could not find a source for shard \(p.shard)") }
            var target: Int?
            for w in workers.indices where workers[w].shouldHaveShards && !held.contains(w) {
                if target == nil || count[w] < count[target!] { target = w }
            }
            guard let target else { throw CitusError("could not find a target for shard \(p.shard)") }
            updates.append(RebalanceAlgorithm.Update(kind: .copy, shard: p.shard, source: source, target: target))
            holders[p.shard, default: []].append(target)
            count[target] += 1
        }
        return updates
    }
}
