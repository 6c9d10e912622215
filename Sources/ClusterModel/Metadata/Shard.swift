/// A row of `pg_dist_shard`, with the size `citus_shards` reports.
public struct Shard: Sendable, Equatable {
    public var id: ShardID
    public var table: String
    /// The hash range; nil for reference and single-shard tables.
    public var range: HashRange?
    /// Size on disk in bytes (`citus_shards.shard_size`).
    public var sizeBytes: Int64

    public init(id: ShardID, table: String, range: HashRange?, sizeBytes: Int64 = 0) {
        self.id = id
        self.table = table
        self.range = range
        self.sizeBytes = sizeBytes
    }
}

/// A row of `pg_dist_placement`: one copy of a shard on a node.
public struct Placement: Sendable, Equatable {
    public var id: PlacementID
    public var shard: ShardID
    public var node: NodeID
    /// `shardlength` (0 for hash-distributed tables, as Citus stores it).
    public var shardLength: Int64 = 0

    public init(id: PlacementID, shard: ShardID, node: NodeID, shardLength: Int64 = 0) {
        self.id = id
        self.shard = shard
        self.node = node
        self.shardLength = shardLength
    }
}
