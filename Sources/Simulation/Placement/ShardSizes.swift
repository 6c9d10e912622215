/// The bytes a run's operations work with: each shard's size and each worker's table data on
/// disk (bytes).
///
/// Shard sizes change as `tenant_grows`, splits and shard-count conversions change them; the
/// caller copies them into the metadata (`citus_shards.shard_size`), where `by_disk_size`
/// rebalances read them. A worker's disk gains a moved group when its transfer commits and
/// loses the source's old copy at the deferred drop (Citus drops it later,
/// `citus.defer_shard_delete_interval`); a move's free-space check reads it. Model
/// assumption: a tenant's bytes split over the tables by their `data_share`.
struct ShardSizes {
    /// Per table (scenario order): bytes of each shard by `ShardIndex`; empty for reference tables.
    private(set) var ofTable: [[Double]]
    /// Per worker: bytes of table data on its disk.
    private(set) var onDisk: PerWorker<Double>

    init(ofTable: [[Double]], onDisk: PerWorker<Double>) {
        self.ofTable = ofTable
        self.onDisk = onDisk
    }

    /// No tables and no workers: a run without a timeline.
    static var empty: ShardSizes { ShardSizes(ofTable: [], onDisk: PerWorker([])) }

    /// Bytes of shard `shard` of table `ti`.
    subscript(table ti: Int, shard shard: ShardIndex) -> Double { ofTable[ti][shard.index] }

    /// Whether table `ti` has shards of its own size (a distributed table; a reference table's
    /// copies are counted on the disks, not here).
    func isSized(table ti: Int) -> Bool { !ofTable[ti].isEmpty }

    /// Tenant data added to shard `shard` of table `ti` (negative: taken away), held by worker
    /// `w` (`none`: a shard not placed yet, whose disk nothing counts).
    mutating func grow(table ti: Int, shard: ShardIndex, by bytes: Double, on w: WorkerIndex) {
        ofTable[ti][shard.index] += bytes
        if w.isWorker { onDisk[w] += bytes }
    }

    /// A copy of `bytes` landed on worker `w` (a committed move or schema distribution).
    mutating func landed(_ bytes: Double, on w: WorkerIndex) { onDisk[w] += bytes }

    /// `bytes` left worker `w`'s disk (a deferred drop, an undistributed schema); never below zero.
    mutating func dropped(_ bytes: Double, from w: WorkerIndex) { onDisk[w] = max(0, onDisk[w] - bytes) }

    /// A clone's base backup is done: its disk holds the `bytes` copied.
    mutating func cloned(_ bytes: Double, onto clone: WorkerIndex) { onDisk[clone] = bytes }

    /// A clone was promoted: it holds all its primary's data, and the primary drops the half
    /// that moved to the clone (the clone's copies of the groups the primary keeps stay until
    /// their deferred drop, which the model does not time).
    mutating func promoted(clone: WorkerIndex, primary: WorkerIndex) {
        let moved = onDisk[primary] / 2
        onDisk[clone] = onDisk[primary]
        onDisk[primary] -= moved
    }

    /// Worker `w`'s share of some tables went from `before` to `after` bytes (a shard-count
    /// conversion rewrote them); never below zero.
    mutating func rewrote(on w: WorkerIndex, before: Double, after: Double) { onDisk[w] = max(0, onDisk[w] + after - before) }

    /// Every shard's size after the placement was rebuilt from the metadata (a split, a
    /// promotion, a conversion: shard indices change).
    mutating func replaceShards(_ ofTable: [[Double]]) { self.ofTable = ofTable }
}
