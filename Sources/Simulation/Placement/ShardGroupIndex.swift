/// A shard group during a run: the colocated shards of one hash range (or of one tenant
/// schema), numbered densely in flat-shard order by `PlacementIndex.regroup`. It indexes the
/// per-group state of `WriteBlocks` and `LogicalReplication`. The numbers change when a split,
/// a conversion or a promotion rebuilds the placement; a shard id (a transfer's anchor) names a
/// group across rebuilds.
package struct ShardGroupIndex: Hashable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    package var raw: Int32
    @inline(__always) package init(_ raw: Int32) { self.raw = raw }
    @inline(__always) package init(_ index: Int) { raw = Int32(index) }
    package init(integerLiteral value: Int32) { raw = value }
    /// The group's position in per-group arrays.
    @inline(__always) package var index: Int { Int(raw) }
    /// No group: a shard id the placement does not know (a table not distributed, a schema
    /// not created yet).
    package static let none = ShardGroupIndex(Int32(-1))
    /// A group (not `none`).
    @inline(__always) package var isGroup: Bool { raw >= 0 }
    package var description: String { "\(raw)" }
}
