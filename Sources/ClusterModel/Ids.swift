/// Ids are distinct types (never bare integers), named as Citus names them.

/// `pg_dist_node.nodeid`.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public static func < (a: NodeID, b: NodeID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// `pg_dist_node.groupid` (0 is the coordinator's group).
public struct GroupID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public static func < (a: GroupID, b: GroupID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// `pg_dist_shard.shardid` (from `pg_dist_shardid_seq`, first value 102008).
public struct ShardID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: ShardID, b: ShardID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// `pg_dist_placement.placementid`.
public struct PlacementID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: PlacementID, b: PlacementID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// `pg_dist_colocation.colocationid`.
public struct ColocationID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    public static func < (a: ColocationID, b: ColocationID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}
