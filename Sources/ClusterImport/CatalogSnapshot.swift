import Foundation

/// Everything `import` read from one server or export directory, typed; what was
/// unavailable is nil (or empty) with a warning naming the setting to turn on.
public struct CatalogSnapshot: Sendable {
    public struct Table: Sendable, Equatable {
        public var schema: String, name: String
        public var totalBytes: Double, rowEstimate: Double
        public var secondaryIndexes: Int, replicaIdentity: Bool
        /// REPLICA IDENTITY FULL without a primary key (`replica_identity` is `full`): logical
        /// replication's apply scans the target for every UPDATE and DELETE.
        public var replicaIdentityFull = false
        /// `name` outside `public`, `schema.name` otherwise (as regclass prints it).
        public var qualifiedName: String { schema == "public" ? name : "\(schema).\(name)" }
    }
    public struct ColumnStats: Sendable, Equatable {
        public var table: String, column: String
        /// pg_stats.n_distinct: a count, or minus a fraction of the rows when negative.
        public var nDistinct: Double
        /// pg_stats.most_common_freqs, largest first (fractions of the rows).
        public var mostCommonFreqs: [Double]
    }
    public struct Statement: Sendable, Equatable {
        public var queryID: String, query: String
        public var calls: Double, meanMs: Double, stddevMs: Double, rows: Double
        public var blocksHit: Double, blocksRead: Double, walBytes: Double
    }
    public struct Node: Sendable, Equatable {
        public var id: Int, group: Int, name: String, port: Int
        public var primary: Bool, active: Bool, shouldHaveShards: Bool
    }
    public struct DistributedTable: Sendable, Equatable {
        /// `d` hash-distributed, `n` reference or single-shard (Citus's partmethod).
        public var name: String, method: String, colocationID: Int, column: String?
    }
    public struct ShardPlacement: Sendable, Equatable {
        public var table: String, shardID: Int, type: String, colocationID: Int
        public var node: String, port: Int, bytes: Double
    }
    public struct TenantActivity: Sendable, Equatable {
        public var colocationID: Int, queries: Double, cpuSeconds: Double
    }

    /// What was read from (a redacted URL or a directory), when, and from which versions.
    public var source: String
    public var database = "", serverVersion = "", readAt: String?
    public var citusVersion: String?, statStatementsVersion: String?
    public var settings: [String: String] = [:]
    /// Client sessions of the database at the import (pg_stat_activity), nil when unknown.
    public var clientSessions: Int?
    public var tables: [Table] = []
    /// Column types by `table.column` (qualified table name).
    public var columnTypes: [String: String] = [:]
    public var columnStats: [ColumnStats] = []
    public var statements: [Statement] = []
    /// Seconds the pg_stat_statements counters cover (since `pg_stat_statements_reset()`).
    public var statementsSeconds: Double?
    public var nodes: [Node] = []
    public var distributedTables: [DistributedTable] = []
    public var shards: [ShardPlacement] = []
    public var tenants: [TenantActivity] = []
    /// pg_dist_node and citus_shards as read, for `cluster.layout` (the files `plan` reads).
    public var nodesExport: CatalogRows?
    public var shardsExport: CatalogRows?
    /// Per queryid: whether Citus routed it to one shard (`partition_key` seen).
    public var routedStatements: [String: Bool] = [:]
    public var warnings: [String] = []

    /// A Citus coordinator answered (pg_dist_node has nodes).
    public var isCitus: Bool { citusVersion != nil && !nodes.isEmpty }

    public init(source: String) { self.source = source }

    /// Runs every query on `source`. Only a failed `server` query (nothing answers) throws;
    /// every other unavailable view becomes a warning.
    public static func read(from source: any CatalogSource) async throws -> CatalogSnapshot {
        var s = CatalogSnapshot(source: source.label)
        func rows(_ q: CatalogQuery) async throws -> CatalogRows? {
            switch try await source.read(q) {
            case .success(let r): return r
            case .failure(let why):
                if q.citusOnly && s.citusVersion == nil { return nil }
                s.warnings.append("\(q.name): unavailable (\(why.reason)); it needs \(q.needs); the scenario uses marked defaults instead")
                return nil
            }
        }
        guard case .success(let server) = try await source.read(.server), !server.rows.isEmpty else {
            throw ImportError("\(source.label): the server query gave no answer; is this a PostgreSQL server (or an export directory with server.csv)?")
        }
        s.serverVersion = server.text(0, "server_version") ?? ""
        s.database = server.text(0, "database") ?? ""
        s.readAt = server.text(0, "read_at")
        s.citusVersion = server.text(0, "citus_version")
        s.statStatementsVersion = server.text(0, "pg_stat_statements_version")

        if let r = try await rows(.settings) {
            for i in r.rows.indices { if let n = r.text(i, "name") { s.settings[n] = r.text(i, "setting") ?? "" } }
        }
        if let r = try await rows(.sessions), !r.rows.isEmpty { s.clientSessions = Int(try r.number(0, "client_sessions") ?? 0) }
        if let r = try await rows(.tables) {
            for i in r.rows.indices {
                s.tables.append(Table(schema: r.text(i, "schema_name") ?? "public", name: r.text(i, "table_name") ?? "",
                                      totalBytes: try r.required(i, "total_bytes"), rowEstimate: try r.number(i, "row_estimate") ?? 0,
                                      secondaryIndexes: Int(try r.number(i, "secondary_indexes") ?? 0),
                                      replicaIdentity: r.text(i, "replica_identity") == "full" ? true : try r.bool(i, "replica_identity") ?? true,
                                      replicaIdentityFull: r.text(i, "replica_identity") == "full"))
            }
        }
        if let r = try await rows(.columns) {
            for i in r.rows.indices {
                let schema = r.text(i, "schema_name") ?? "public", table = r.text(i, "table_name") ?? ""
                let q = schema == "public" ? table : "\(schema).\(table)"
                s.columnTypes["\(q).\(r.text(i, "column_name") ?? "")"] = r.text(i, "data_type")
            }
        }
        if let r = try await rows(.columnStats) {
            for i in r.rows.indices {
                let schema = r.text(i, "schema_name") ?? "public", table = r.text(i, "table_name") ?? ""
                s.columnStats.append(ColumnStats(table: schema == "public" ? table : "\(schema).\(table)", column: r.text(i, "column_name") ?? "",
                                                 nDistinct: try r.number(i, "n_distinct") ?? 0,
                                                 mostCommonFreqs: try parseArray(r.text(i, "most_common_freqs"), origin: r.origins[i])))
            }
        }
        if let r = try await rows(.statements) {
            for i in r.rows.indices {
                s.statements.append(Statement(queryID: r.text(i, "queryid") ?? "", query: r.text(i, "query") ?? "",
                                              calls: try r.required(i, "calls"), meanMs: try r.required(i, "mean_exec_time"),
                                              stddevMs: try r.number(i, "stddev_exec_time") ?? 0, rows: try r.number(i, "rows") ?? 0,
                                              blocksHit: try r.number(i, "shared_blks_hit") ?? 0, blocksRead: try r.number(i, "shared_blks_read") ?? 0,
                                              walBytes: try r.number(i, "wal_bytes") ?? 0))
            }
        }
        if let r = try await rows(.statementsInfo), !r.rows.isEmpty { s.statementsSeconds = try r.number(0, "seconds_since_reset") }

        guard s.citusVersion != nil else { return s }
        if let r = try await rows(.nodes) {
            s.nodesExport = r
            for i in r.rows.indices {
                s.nodes.append(Node(id: Int(try r.required(i, "nodeid")), group: Int(try r.required(i, "groupid")), name: r.text(i, "nodename") ?? "",
                                    port: Int(try r.required(i, "nodeport")), primary: (r.text(i, "noderole") ?? "primary") == "primary",
                                    active: try r.bool(i, "isactive") ?? true, shouldHaveShards: try r.bool(i, "shouldhaveshards") ?? true))
            }
        }
        if let r = try await rows(.distributedTables) {
            for i in r.rows.indices {
                s.distributedTables.append(DistributedTable(name: r.text(i, "table_name") ?? "", method: r.text(i, "partmethod") ?? "",
                                                            colocationID: Int(try r.number(i, "colocationid") ?? 0), column: r.text(i, "distribution_column")))
            }
        }
        if let r = try await rows(.shards) {
            s.shardsExport = r
            for i in r.rows.indices {
                s.shards.append(ShardPlacement(table: r.text(i, "table_name") ?? "", shardID: Int(try r.required(i, "shardid")),
                                               type: r.text(i, "citus_table_type") ?? "distributed", colocationID: Int(try r.number(i, "colocation_id") ?? 0),
                                               node: r.text(i, "nodename") ?? "", port: Int(try r.required(i, "nodeport")), bytes: try r.number(i, "shard_size") ?? 0))
            }
        }
        if let r = try await rows(.tenants) {
            for i in r.rows.indices {
                s.tenants.append(TenantActivity(colocationID: Int(try r.number(i, "colocation_id") ?? 0),
                                                queries: (try r.number(i, "query_count_in_this_period") ?? 0) + (try r.number(i, "query_count_in_last_period") ?? 0),
                                                cpuSeconds: (try r.number(i, "cpu_usage_in_this_period") ?? 0) + (try r.number(i, "cpu_usage_in_last_period") ?? 0)))
            }
            if s.tenants.isEmpty { s.warnings.append("tenants: citus_stat_tenants is empty; set citus.stat_tenants_track = 'all' on every node (ALTER SYSTEM on the coordinator and through run_command_on_workers) and import again after a period of traffic") }
        }
        if let r = try await rows(.citusStatements) {
            for i in r.rows.indices {
                let id = r.text(i, "queryid") ?? ""
                let routed = try r.bool(i, "has_partition_key") ?? false
                s.routedStatements[id] = (s.routedStatements[id] ?? false) || routed
            }
        }
        return s
    }

    /// PostgreSQL's array text `{0.1,0.05}` as numbers.
    static func parseArray(_ text: String?, origin: String) throws -> [Double] {
        guard let text, text.count >= 2 else { return [] }
        guard text.hasPrefix("{"), text.hasSuffix("}") else { throw ImportError("\(origin): most_common_freqs '\(text)' is not an array like {0.1,0.05}") }
        return try text.dropFirst().dropLast().split(separator: ",").map {
            guard let d = Double($0.trimmingCharacters(in: .whitespaces)) else { throw ImportError("\(origin): most_common_freqs has '\($0)', not a number") }
            return d
        }
    }
}
