import SimCore

/// A shard of one scenario table as the simulation numbers it: 0..<the table's shard count, in
/// hash-range order, so shard s of colocated tables covers the same range (under schema-based
/// sharding, shard s is tenant s's schema's table). With the table's number it addresses the
/// placement (`PlacementIndex`), the shard sizes and the cache estimates; the placement's flat
/// shard is `offset[table] + index`. `none`: a task that works on no shard (planning, merging,
/// a connection set-up).
public struct ShardIndex: DenseIndex, Strideable {
    public var raw: Int32
    @inline(__always) public init(_ raw: Int32) { self.raw = raw }
    /// A shard (not `none`).
    @inline(__always) public var isShard: Bool { raw >= 0 }
}
