import Foundation

/// A cluster scenario made from a `CatalogSnapshot`: the same data and workload, on the
/// Citus cluster the snapshot describes (a coordinator) or would become (a single server with
/// `--distribute`). `yaml()` writes it with a comment on every number saying where it came
/// from; "assumption" marks what SQL cannot see.
public struct ImportedScenario: Sendable {
    public struct Options: Sendable {
        /// `--distribute TABLE=COLUMN` (single server), in order.
        public var distribute: [(table: String, column: String)] = []
        /// `--reference TABLE` (single server).
        public var reference: [String] = []
        public var hardware = HardwareFile()
        public init() {}
    }

    public struct Table: Sendable {
        public var name: String, distributed: Bool, columnType: String
        public var bytes: Double, rowBytes: Double?, shardCount: Int?
        public var replicaIdentity: Bool, secondaryIndexes: Int
        public var comment: String
        /// REPLICA IDENTITY FULL without a primary key (written `replica_identity: full`).
        public var replicaIdentityFull = false
    }

    public var snapshot: CatalogSnapshot
    public var options: Options
    public var tables: [Table] = []
    public var tenantCount = 1, tenantComment = ""
    /// The tenants the statistics name, by rank: each one's share of all queries
    /// (citus_stat_tenants; the unseen tail's share estimated from the Zipf fit) and of the
    /// data (pg_stats' most common values: their share of the rows), and what they rest on.
    public var observedShares: [Double] = [], observedSizeShares: [Double] = [], observedComment = ""
    public var sizeZipf = 0.0, sizeComment = ""
    public var activityZipf = 0.0, activityComment = ""
    public var workload = ImportedWorkload()
    public var ratePerSecond = 0.0, rateComment = ""
    public var workers = 2, workersComment = ""
    public var shardCount = 32
    /// `cluster.layout`: the cluster's pg_dist_node and citus_shards files, as the scenario names
    /// them (relative to it); nil re-creates the layout by Citus's rules.
    public var layout: (nodes: String, shards: String)?
    /// Everything the user should know (also printed by the command).
    public var notes: [String] = []
    /// Growth since an earlier read of the same cluster (`--earlier`): written as the
    /// advisor's capacity runway.
    public var growth: SnapshotGrowth?
    /// The demand calibration's outcome per class, for the comments (set by `DemandCalibration`).
    public var calibration: [String: String] = [:]
    /// Which run the calibration targets: a model of the measured server (single server) or
    /// the scenario itself (Citus coordinator: its statements' times are end to end).
    public var calibratesOnSource: Bool { !snapshot.isCitus }

    public var totalDistributedBytes: Double { tables.filter(\.distributed).reduce(0) { $0 + $1.bytes } }

    /// Builds the scenario; argument problems (an unknown table or column) throw one line naming the argument.
    public static func build(_ snapshot: CatalogSnapshot, options: Options) throws -> ImportedScenario {
        var s = ImportedScenario(snapshot: snapshot, options: options)
        s.notes = snapshot.warnings
        if snapshot.isCitus { try s.buildFromCitus() } else { try s.buildFromSingleServer() }
        let block = (Double(snapshot.settings["block_size"] ?? "8192") ?? 8192) / 1024
        let distributed = s.tables.filter(\.distributed).map { t in
            (table: t.name, column: s.distributionColumn(of: t.name) ?? "")
        }
        s.workload = ImportedWorkload.classify(snapshot.statements, distributed: distributed,
                                               reference: Set(s.tables.filter { !$0.distributed }.map(\.name)),
                                               routed: snapshot.isCitus && !snapshot.routedStatements.isEmpty ? snapshot.routedStatements : nil,
                                               blockKiB: block)
        // The first guess of each demand (the calibration starts from it): a router class's time
        // is mostly its one task; a fan-out's tasks on a Citus cluster run side by side, so each
        // gets its share of the observed time.
        for i in s.workload.classes.indices where s.snapshot.isCitus && s.workload.classes[i].kind == "multi_shard" {
            let c = s.workload.classes[i]
            s.workload.classes[i].demandMs = c.observedMeanMs / Double(max(1, s.tables.first { $0.name == c.table }?.shardCount ?? s.shardCount))
        }
        let total = s.workload.totalCalls + s.workload.skipped.reduce(0) { $0 + $1.calls }
        for k in s.workload.skipped where k.calls > 0 {
            s.notes.append("statements with \(Int(k.calls)) calls (\(percent(k.calls / max(total, 1)))) are not in any class: \(k.reason)")
        }
        if s.workload.classes.isEmpty {
            throw ImportError("\(snapshot.source): no statement in pg_stat_statements reads a distributed table\(snapshot.statements.isEmpty ? " (pg_stat_statements is empty or unavailable)" : ""); run the workload with pg_stat_statements loaded, or check --distribute")
        }
        if let seconds = snapshot.statementsSeconds, seconds > 0 {
            s.ratePerSecond = s.workload.totalCalls / seconds
            s.rateComment = "calls of the classified statements / \(number(seconds)) s since pg_stat_statements_reset()"
        } else {
            s.ratePerSecond = 100
            s.rateComment = "assumption: pg_stat_statements_info.stats_reset unavailable, so the window is unknown; set the real rate"
            s.notes.append("the rate is an assumption (100/s): pg_stat_statements_info gave no reset time")
        }
        return s
    }

    func distributionColumn(of table: String) -> String? {
        if snapshot.isCitus { return snapshot.distributedTables.first { $0.name == table }?.column }
        return options.distribute.first { $0.table == table }?.column
    }

    // MARK: single server

    mutating func buildFromSingleServer() throws {
        guard !options.distribute.isEmpty else {
            throw ImportError("\(snapshot.source) is a single PostgreSQL server (no Citus): give --distribute TABLE=COLUMN for each table to distribute (and --reference TABLE for small shared tables)")
        }
        let known = snapshot.tables.map(\.qualifiedName)
        func table(_ name: String, _ argument: String) throws -> CatalogSnapshot.Table {
            guard let t = snapshot.tables.first(where: { $0.qualifiedName == name }) else {
                throw ImportError("\(argument): no table \(name) in database \(snapshot.database); tables: \(known.prefix(20).joined(separator: ", "))")
            }
            return t
        }
        for d in options.distribute {
            let t = try table(d.table, "--distribute \(d.table)=\(d.column)")
            guard let type = snapshot.columnTypes["\(t.qualifiedName).\(d.column)"] else {
                let columns = snapshot.columnTypes.keys.filter { $0.hasPrefix(t.qualifiedName + ".") }.map { String($0.dropFirst(t.qualifiedName.count + 1)) }.sorted()
                throw ImportError("--distribute \(d.table)=\(d.column): table \(d.table) has no column \(d.column); columns: \(columns.joined(separator: ", "))")
            }
            tables.append(Table(name: t.qualifiedName, distributed: true, columnType: Self.scenarioType(type), bytes: t.totalBytes,
                                rowBytes: t.rowEstimate > 0 ? t.totalBytes / t.rowEstimate : nil, shardCount: nil,
                                replicaIdentity: t.replicaIdentity, secondaryIndexes: t.secondaryIndexes,
                                comment: "pg_total_relation_size \(Self.mib(t.totalBytes)) MiB, \(Int(t.rowEstimate)) rows (pg_class.reltuples), distributed by \(d.column) (\(type))",
                                replicaIdentityFull: t.replicaIdentityFull))
        }
        for r in options.reference {
            let t = try table(r, "--reference \(r)")
            tables.append(Table(name: t.qualifiedName, distributed: false, columnType: "", bytes: t.totalBytes, rowBytes: nil, shardCount: nil,
                                replicaIdentity: t.replicaIdentity, secondaryIndexes: t.secondaryIndexes,
                                comment: "pg_total_relation_size \(Self.mib(t.totalBytes)) MiB", replicaIdentityFull: t.replicaIdentityFull))
        }
        let placed = Set(tables.map(\.name))
        let local = snapshot.tables.filter { !placed.contains($0.qualifiedName) }
        if !local.isEmpty {
            notes.append("\(local.count) table(s) are neither distributed nor reference and stay out of the scenario (\(Self.mib(local.reduce(0) { $0 + $1.totalBytes })) MiB): \(local.prefix(8).map(\.qualifiedName).joined(separator: ", "))\(local.count > 8 ? ", ..." : "")")
        }
        shardCount = Int(snapshot.settings["citus.shard_count"] ?? "") ?? 32
        workers = options.hardware.workerCount ?? 2
        workersComment = options.hardware.workerCount == nil ? "assumption: 2 workers (give workers.count in --hardware)" : "from \(options.hardware.file ?? "--hardware")"

        // Tenants: the first distributed table's column statistics.
        let first = options.distribute[0]
        let stats = snapshot.columnStats.first { $0.table == first.table && $0.column == first.column }
        let rows = snapshot.tables.first { $0.qualifiedName == first.table }?.rowEstimate ?? 0
        if let stats, stats.nDistinct != 0 {
            tenantCount = max(1, Int((stats.nDistinct > 0 ? stats.nDistinct : -stats.nDistinct * rows).rounded()))
            tenantComment = "pg_stats.n_distinct of \(first.table).\(first.column) = \(number(stats.nDistinct))\(stats.nDistinct < 0 ? " × \(Int(rows)) rows" : "")"
            if let fit = ZipfFit(frequencies: stats.mostCommonFreqs) {
                sizeZipf = fit.exponent
                sizeComment = "fit to pg_stats.most_common_freqs (\(fit.points) values): RMS error \(number(fit.rmsLogError)) in log(frequency)"
                // The most common values keep their own share of the rows, for data and (as
                // activity follows size here) for queries.
                let freqs = stats.mostCommonFreqs.filter { $0 > 0 }.sorted(by: >).prefix(tenantCount)
                observedSizeShares = Array(freqs)
                observedShares = Array(freqs)
                observedComment = "pg_stats.most_common_freqs of \(first.table).\(first.column): each most common value's share of the rows, as its share of the data and (assumption) of the queries"

            } else {
                sizeZipf = 0
                sizeComment = "no most common values in pg_stats (every value about as frequent): even sizes"
            }
        } else {
            tenantCount = max(1, Int(rows))
            tenantComment = "assumption: no pg_stats for \(first.table).\(first.column) (run ANALYZE); one tenant per row"
            sizeComment = "assumption: no pg_stats; even sizes"
            notes.append("tenants: no statistics for \(first.table).\(first.column); run ANALYZE \(first.table) and import again")
        }
        activityZipf = sizeZipf
        activityComment = "assumption: a single server does not count queries per tenant; activity follows size"
    }

    // MARK: Citus coordinator

    mutating func buildFromCitus() throws {
        // Every node outside group 0 is a worker of the layout (`cluster.layout` keeps them all).
        let workerNodes = snapshot.nodes.filter { $0.group != 0 }
        workers = max(1, workerNodes.count)
        workersComment = "pg_dist_node: \(workerNodes.count) worker(s)"
        let idle = workerNodes.filter { !$0.primary || !$0.active }
        if !idle.isEmpty {
            notes.append("pg_dist_node has \(idle.count) inactive or secondary node(s) (\(idle.map { "\($0.name):\($0.port)" }.joined(separator: ", "))); the run treats them as active workers")
        }
        if let n = options.hardware.workerCount, n != workers {
            notes.append("--hardware says \(n) workers, pg_dist_node has \(workers); the scenario uses pg_dist_node's\(options.hardware.workerGroups.count > 1 ? ", all of the first group's size" : "")")
        }
        var seen = Set<String>()
        var order: [String] = []
        for p in snapshot.shards where !seen.contains(p.table) { seen.insert(p.table); order.append(p.table) }
        for name in order {
            let placements = snapshot.shards.filter { $0.table == name }
            let type = placements[0].type
            let shardIDs = Set(placements.map(\.shardID))
            guard type == "distributed" || type == "reference" else {
                notes.append("\(name): a \(type) table stays out of the scenario (\(Self.mib(placements.reduce(0) { $0 + $1.bytes })) MiB)")
                continue
            }
            let bytes = type == "reference" ? placements.reduce(0) { $0 + $1.bytes } / Double(max(1, placements.count)) : placements.reduce(0) { $0 + $1.bytes }
            let local = snapshot.tables.first { $0.qualifiedName == name }
            let column = snapshot.distributedTables.first { $0.name == name }?.column
            let colType = column.flatMap { snapshot.columnTypes["\(name).\($0)"] } ?? "bigint"
            tables.append(Table(name: name, distributed: type == "distributed", columnType: Self.scenarioType(colType), bytes: bytes,
                                rowBytes: nil, shardCount: type == "distributed" ? shardIDs.count : nil,
                                replicaIdentity: local?.replicaIdentity ?? true, secondaryIndexes: local?.secondaryIndexes ?? 0,
                                comment: "citus_shards: \(shardIDs.count) shard(s), \(Self.mib(bytes)) MiB\(type == "reference" ? " per node" : "")\(column.map { ", distributed by \($0) (\(colType))" } ?? "")",
                                replicaIdentityFull: local?.replicaIdentityFull ?? false))
        }
        guard tables.contains(where: \.distributed) else {
            throw ImportError("\(snapshot.source): the Citus cluster has no distributed table (citus_shards); nothing to simulate")
        }
        shardCount = tables.first(where: \.distributed)?.shardCount ?? 32
        let limit = Int(snapshot.settings["citus.stat_tenants_limit"] ?? "") ?? 100
        let counts = snapshot.tenants.map(\.queries)
        tenantCount = max(1_000, counts.count)
        tenantComment = "assumption: Citus does not count tenants; citus_stat_tenants lists \(counts.count) (it keeps at most citus.stat_tenants_limit = \(limit)); set the real count"
        if let fit = ZipfFit(frequencies: counts) {
            activityZipf = fit.exponent
            activityComment = "fit to citus_stat_tenants query counts (\(fit.points) tenants, both periods): RMS error \(number(fit.rmsLogError)) in log(count)"
            // The observed tenants keep their own shares. A full list (fewer than the limit) holds
            // every tenant that ran a query; a list at the limit has an unseen tail, whose queries
            // the fitted line extrapolates over the other ranks.
            let observed = counts.filter { $0 > 0 }.sorted(by: >)
            let tail = observed.count < limit ? 0 : fit.tail(from: observed.count + 1, to: tenantCount)
            let total = observed.reduce(0, +) + tail
            observedShares = observed.map { $0 / total }
            observedComment = tail == 0
                ? "citus_stat_tenants: each listed tenant's share of all queries (both periods); the list is below citus.stat_tenants_limit, so it holds every tenant that ran a query"
                : "citus_stat_tenants: each listed tenant's share of all queries (both periods); the unseen ranks \(observed.count + 1)-\(tenantCount) take \(percent(tail / total)) by the Zipf fit"
        } else {
            activityZipf = 1
            activityComment = "assumption: fewer than 3 tenants in citus_stat_tenants (set citus.stat_tenants_track = 'all')"
        }
        sizeZipf = activityZipf
        sizeComment = "assumption: tenant sizes are not in the catalog; size follows activity"
    }

    // MARK: helpers

    /// A column type as the scenario's `distribution_column_type` names it.
    static func scenarioType(_ pgType: String) -> String {
        let t = pgType.lowercased()
        if t.hasPrefix("character varying") || t.hasPrefix("varchar") { return "varchar" }
        if t == "integer" || t == "int4" { return "int" }
        if t == "smallint" || t == "int2" { return "smallint" }
        if t == "uuid" { return "uuid" }
        if t == "text" || t.hasPrefix("character") { return "text" }
        return "bigint"
    }

    static func mib(_ bytes: Double) -> String { number(bytes / 1_048_576) }
}

/// A number for YAML and comments: up to 4 significant digits, no exponent.
func number(_ x: Double) -> String {
    if x == 0 { return "0" }
    let digits = max(0, 3 - Int(floor(log10(abs(x)))))
    var s = String(format: "%.\(min(digits, 9))f", x)
    if s.contains(".") { while s.hasSuffix("0") { s.removeLast() }; if s.hasSuffix(".") { s.removeLast() } }
    return s
}

func percent(_ x: Double) -> String { "\(number(x * 100))%" }

/// A non-negative number rounded down to six decimals, without trailing zeros (so shares
/// written this way never sum above the total they came from).
func roundedDown(_ x: Double) -> String {
    let micro = Int((max(0, x) * 1_000_000).rounded(.down))
    let whole = micro / 1_000_000, fraction = micro % 1_000_000
    guard fraction > 0 else { return "\(whole)" }
    var digits = String(fraction)
    digits = String(repeating: "0", count: 6 - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    return "\(whole).\(digits)"
}
