import SimCore

/// What cluster operations cost in time and resources (FACTS D, F, H). The move costs default to
/// `citus-sim calibrate Lab/measured` (the lab's Citus 13.2 measurements on one 2-core machine;
/// `CalibrationDefaultsTests` refits them from the committed files and compares).
///
/// Model of one shard-group transfer: COPY streams (one per colocated shard, up to
/// `citus.max_adaptive_executor_pool_size` at once) move the data in chunks; a chunk costs
/// CPU on the source and on the target (processor sharing with the foreground queries), a
/// read on the source disk, a write on the target disk and the source's NIC, and finishes
/// when all of them have. On an idle cluster a stream therefore runs at
/// `copyBytesPerCoreSecond`, the measured rate of a block_writes move.
public struct OperationsSpec: Sendable, Equatable {
    /// COPY throughput of one stream per core-second on each side, bytes/s (fitted: 246.6 MiB/s
    /// per block_writes single move, primary-key build included; 95% CI 220.6–279.7).
    public var copyBytesPerCoreSecond = 246.6 * 1_048_576
    /// Fixed time of a block_writes move besides the copy (fitted intercept; 95% CI 81–249 ms).
    public var blockingOverhead = SimDuration.microseconds(164_800)
    /// Fixed set-up of a logical move (publications, slots, subscriptions, cleanup) beyond the
    /// three 1 s catch-up waits the model adds: the lab's idle logical moves took on average
    /// slightly less than those waits plus the copy, so the fit is 0 (95% CI 0–629 ms).
    public var logicalOverhead = SimDuration.zero
    /// Fixed time added to each move a drain or `rebalance_table_shards` runs in its own loopback
    /// connection and transaction (FACTS D.6), for block_writes and for logical moves. Fitted by
    /// `citus-sim calibrate` from the lab's drains (Lab/measured/rebalance_*.json).
    public var separateTransactionMoveOverhead = MoveOverhead(blockWrites: .microseconds(71_700), logical: .microseconds(373_400))
    /// Fixed time added to each move a background job's task runs in a new background worker
    /// (FACTS D.6). Fitted by `citus-sim calibrate` from the lab's background rebalances.
    public var backgroundTaskOverhead = MoveOverhead(blockWrites: .microseconds(82_400), logical: .microseconds(2_949_900))
    /// Logical-replication apply throughput on the target, bytes/s. Not measured: an assumption
    /// (one apply worker per subscription); set it from `pg_stat_subscription` if you can.
    public var logicalApplyBytesPerSecond = 30_000_000.0
    /// Rate of the sequential scan the apply worker runs for each replicated UPDATE or DELETE
    /// of a table with REPLICA IDENTITY FULL and no primary key (PostgreSQL 15 finds the row
    /// by scanning the target shard: `RelationFindReplTupleSeq`), bytes/s. An assumption, not
    /// measured: a scan of cached pages comparing every column.
    public var fullIdentityScanBytesPerSecond = 500 * 1_048_576.0
    /// `citus.logical_replication_timeout`: a catch-up that has not converged by then fails.
    public var logicalReplicationTimeout = SimDuration.hours(2)
    /// Target CPU to build one secondary index, core-seconds per GiB of shard data (assumption).
    public var indexBuildSecondsPerGiB = 4.0
    /// `citus.defer_shard_delete_interval`: the source's copy is dropped this long after a move.
    public var deferredDropInterval = SimDuration.seconds(15)
    /// Metadata sync of a new node per shard placement (transactional mode), seconds (assumption).
    public var metadataSyncPerPlacement = SimDuration.microseconds(200)
    /// Memory a transactional metadata sync holds per placement until it commits, bytes
    /// (PostgreSQL's invalidation messages and Citus's command lists). Calibrated to one report:
    /// a cluster with ~800K shards hit PostgreSQL's 1 GiB allocation limit (citus PR 6537).
    public var metadataSyncBytesPerPlacement = 1_342.0
    /// PostgreSQL's MaxAllocSize: a transactional sync that needs more fails.
    public static let metadataSyncMemoryLimit = 1_073_741_824.0
    /// Physical (streaming) replication apply rate of a clone, bytes/s (assumption).
    public var physicalApplyBytesPerSecond = 200_000_000.0
    /// CPU per byte of `citus_schema_undistribute`'s and `citus_schema_distribute`'s copies, as a
    /// multiple of a move's COPY (rows go through the executor one by one: INSERT ... SELECT into
    /// the coordinator's new local table; the local table's rows into the new shard, its index
    /// kept as they arrive). Fitted by `citus-sim calibrate` (family k, Lab/measured).
    public var schemaUndistributeCPUShare = 4.1147
    public var schemaDistributeCPUShare = 2.6804
    /// CPU of a base backup per byte, as a share of COPY's (assumption: a file stream with
    /// checksums, no tuple parsing), so a clone's copy is bounded by disks and NIC.
    public var baseBackupCPUShare = 0.1
    /// `pg_promote(wait := true)` of a clone or standby.
    public var promotionTime = SimDuration.seconds(3)
    /// Failure of a node with a streaming standby: time to detect it, then to promote the standby.
    public var failureDetection = SimDuration.seconds(30)
    public var standbyPromotion = SimDuration.seconds(30)
    /// Queries to a failed node: fail at once (`error`) or wait until it is back (`wait`).
    public var waitForFailedNodes = false

    public init() {}

    /// A fixed cost per move that depends on the transfer mode (logical moves set up slots and
    /// subscriptions, which costs more where the move runs in a separate transaction).
    public struct MoveOverhead: Sendable, Equatable {
        public var blockWrites: SimDuration
        public var logical: SimDuration
        public init(blockWrites: SimDuration, logical: SimDuration) {
            self.blockWrites = blockWrites
            self.logical = logical
        }
        /// The overhead of a move in `logical` (true) or block_writes mode.
        public func of(logical isLogical: Bool) -> SimDuration { isLogical ? logical : blockWrites }
    }

    /// Copy chunk size: the unit in which a transfer shares CPU and disks with queries.
    public static let chunkBytes = 64.0 * 1_048_576
}
