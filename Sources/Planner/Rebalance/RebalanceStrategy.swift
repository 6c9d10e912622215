import ClusterModel

/// A row of `pg_dist_rebalance_strategy`: how shards cost, how much nodes hold, where
/// shards may go, and the thresholds (FACTS B.1).
public struct RebalanceStrategy: Sendable {
    /// The shard cost function.
    public enum Cost: Sendable {
        /// `citus_shard_cost_1`.
        case one
        /// `citus_shard_cost_by_disk_size`: the shard group's bytes + the base cost.
        case diskSize
        /// A user-defined cost per anchor shard (missing shards cost 1).
        case custom(@Sendable (ShardID) -> Float)
    }

    public var name: String
    public var cost: Cost
    /// Node capacity (`citus_node_capacity_1` returns 1); 0 is forced for nodes without shouldhaveshards.
    public var capacity: @Sendable (Node) -> Float
    /// Whether a shard may be on a node; false is forced for nodes without shouldhaveshards.
    public var allowed: @Sendable (ShardID, Node) -> Bool
    public var defaultThreshold: Float
    public var minimumThreshold: Float
    public var improvementThreshold: Float

    public init(name: String, cost: Cost, capacity: @escaping @Sendable (Node) -> Float = { _ in 1 },
                allowed: @escaping @Sendable (ShardID, Node) -> Bool = { _, _ in true },
                defaultThreshold: Float, minimumThreshold: Float = 0, improvementThreshold: Float = 0) {
        self.name = name
        self.cost = cost
        self.capacity = capacity
        self.allowed = allowed
        self.defaultThreshold = defaultThreshold
        self.minimumThreshold = minimumThreshold
        self.improvementThreshold = improvementThreshold
    }

    /// `by_shard_count`: every shard group costs 1; thresholds 0.
    public static let byShardCount = RebalanceStrategy(name: "by_shard_count", cost: .one, defaultThreshold: 0)

    /// `by_disk_size` (Citus's default since 12.0): thresholds 0.1 / 0.01 / 0.5.
    public static let byDiskSize = RebalanceStrategy(name: "by_disk_size", cost: .diskSize, defaultThreshold: 0.1, minimumThreshold: 0.01, improvementThreshold: 0.5)

    /// The built-in strategies by name.
    public static func named(_ name: String) -> RebalanceStrategy? {
        switch name {
        case "by_shard_count": return .byShardCount
        case "by_disk_size": return .byDiskSize
        default: return nil
        }
    }

    /// Names of the built-in strategies.
    public static let builtInNames = ["by_shard_count", "by_disk_size"]

    /// The cost of a shard group, as float4: by_disk_size sums the sizes of all colocated
    /// shards plus `citus.rebalancer_by_disk_size_base_cost`, and returns 1 if that is <= 0.
    func cost(of anchor: ShardID, in state: ClusterState) -> Float {
        switch cost {
        case .one: return 1
        case .custom(let f): return f(anchor)
        case .diskSize:
            let bytes = state.colocatedShards(of: anchor).reduce(Int64(0)) { $0 + $1.sizeBytes } + state.settings.rebalancerByDiskSizeBaseCost
            return bytes <= 0 ? 1 : Float(bytes)
        }
    }
}
