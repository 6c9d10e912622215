import SimCore

/// A shard group during a run: the colocated shards of one hash range (or of one tenant
/// schema), numbered densely in flat-shard order by `PlacementIndex.regroup`. It indexes the
/// per-group state of `WriteBlocks` and `LogicalReplication`. The numbers change when a split,
/// a conversion or a promotion rebuilds the placement; a shard id (a transfer's anchor) names a
/// group across rebuilds. `none`: a shard id the placement does not know.
package struct ShardGroupIndex: DenseIndex {
    package var raw: Int32
    @inline(__always) package init(_ raw: Int32) { self.raw = raw }
    /// A group (not `none`).
    @inline(__always) package var isGroup: Bool { raw >= 0 }
}
