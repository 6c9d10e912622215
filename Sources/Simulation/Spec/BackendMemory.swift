import SimCore

/// A PostgreSQL backend's private memory, bytes, as the lab measured it (family g,
/// `Lab/measured/memory_per_shard.json`): a fresh backend, plus the caches its first distributed
/// query builds and the caches that grow with every shard it touches. On the coordinator the
/// metadata cache holds every shard interval of a table the backend plans; on a worker the
/// backend opens a relation (relcache, catalog entries) per shard it reads.
///
/// Model assumption: growth is linear in the shards touched (family g: 32 to 8,192 shards) and
/// lasts as long as the backend; `work_mem` for sorts and hashes is not included.
public struct BackendMemory: Sendable, Equatable {
    /// A fresh backend's private memory: its anonymous resident set before any query
    /// (family g: 5.9 MiB on both node kinds), rounded to 6 MiB.
    public var freshBytes: Double
    /// A coordinator backend's growth: a fixed part at the first distributed query, and bytes per
    /// shard of the tables it planned (family g, least squares over 5 shard counts).
    public var coordinatorFirstQueryBytes: Double
    public var coordinatorBytesPerShard: Double
    /// A worker backend's growth: a fixed part and bytes per shard relation it read.
    public var workerFirstQueryBytes: Double
    public var workerBytesPerShard: Double

    public init(freshBytes: Double = 6 * 1_048_576, coordinatorFirstQueryBytes: Double = 778_035, coordinatorBytesPerShard: Double = 589.6,
                workerFirstQueryBytes: Double = 385_909, workerBytesPerShard: Double = 6_836.2) {
        self.freshBytes = freshBytes
        self.coordinatorFirstQueryBytes = coordinatorFirstQueryBytes
        self.coordinatorBytesPerShard = coordinatorBytesPerShard
        self.workerFirstQueryBytes = workerFirstQueryBytes
        self.workerBytesPerShard = workerBytesPerShard
    }

    /// Growth of a coordinator backend that has planned queries over `shards` shards, bytes.
    public func coordinatorGrowth(shards: Int) -> Double {
        shards > 0 ? coordinatorFirstQueryBytes + coordinatorBytesPerShard * Double(shards) : 0
    }

    /// Growth of a worker backend that has read `shards` shard relations, bytes.
    public func workerGrowth(shards: Int) -> Double {
        shards > 0 ? workerFirstQueryBytes + workerBytesPerShard * Double(shards) : 0
    }
}
