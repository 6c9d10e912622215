/// A Citus table: hash-distributed, reference, or single-shard (schema-based sharding or
/// `create_distributed_table(t, NULL)`).
public struct DistributedTable: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case hashDistributed(DistributionColumnType)
        case reference
        case singleShard
    }

    public var name: String
    public var kind: Kind
    public var colocationID: ColocationID
    /// Has a REPLICA IDENTITY or primary key (needed for `auto` logical-replication moves).
    public var hasReplicaIdentity: Bool = true

    public init(name: String, kind: Kind, colocationID: ColocationID, hasReplicaIdentity: Bool = true) {
        self.name = name
        self.kind = kind
        self.colocationID = colocationID
        self.hasReplicaIdentity = hasReplicaIdentity
    }

    public var isReference: Bool { kind == .reference }

    /// The distribution column type of a hash-distributed table.
    public var columnType: DistributionColumnType? {
        if case .hashDistributed(let t) = kind { return t }
        return nil
    }

    /// `citus_table_type` as `citus_shards` prints it.
    public var citusTableType: String {
        switch kind {
        case .hashDistributed, .singleShard: return "distributed"
        case .reference: return "reference"
        }
    }
}

/// A row of `pg_dist_colocation`.
public struct ColocationGroup: Sendable, Equatable {
    public var id: ColocationID
    public var shardCount: Int
    public var replicationFactor: Int
    /// Nil for reference and single-shard groups.
    public var columnType: DistributionColumnType?

    public init(id: ColocationID, shardCount: Int, replicationFactor: Int, columnType: DistributionColumnType?) {
        self.id = id
        self.shardCount = shardCount
        self.replicationFactor = replicationFactor
        self.columnType = columnType
    }
}
