/// The Citus GUCs the metadata functions and planners read, with Citus's defaults (FACTS J); a
/// scenario's are `CitusSpec.planning`, and `SET` / `ALTER SYSTEM` in a runbook change them.
public struct CitusSettings: Sendable, Equatable {
    /// `citus.shard_count`.
    public var shardCount = 32
    /// `citus.shard_replication_factor`.
    public var shardReplicationFactor = 1
    /// `citus.next_shard_id` (0 = use the sequence).
    public var nextShardID: Int64 = 0
    /// `citus.next_placement_id` (0 = use the sequence).
    public var nextPlacementID: Int64 = 0
    /// `citus.rebalancer_by_disk_size_base_cost`, bytes.
    public var rebalancerByDiskSizeBaseCost: Int64 = 104_857_600
    /// `citus.max_rebalancer_logged_ignored_moves` (−1 = all).
    public var maxRebalancerLoggedIgnoredMoves = 5
    /// `citus.max_background_task_executors` (1 since Citus 13.2).
    public var maxBackgroundTaskExecutors = 1
    /// `citus.max_background_task_executors_per_node`.
    public var maxBackgroundTaskExecutorsPerNode = 1
    /// The default rebalance strategy (`pg_dist_rebalance_strategy.default_strategy`; by_disk_size since Citus 12.0).
    public var defaultRebalanceStrategy = "by_disk_size"
    /// `citus.metadata_sync_mode`: false = `transactional` (default), true = `nontransactional`.
    public var metadataSyncNontransactional = false

    public init() {}
}
