import Foundation

/// Growth between two reads of the same cluster (`import --earlier DIR`): compound rates per
/// month of data (citus_shards placements, or the tables' sizes on a single server) and of
/// traffic (citus_stat_tenants' query counts, or pg_stat_statements' calls per second since
/// each read's reset), for the advisor's capacity runway.
///
/// Tenants are not matched between the reads (the import never reads tenant keys), so the
/// rates are the whole cluster's; a month is 30.4375 days.
public struct SnapshotGrowth: Sendable, Equatable {
    /// Months between the two reads.
    public var months: Double
    public var dataPerMonth: Double
    /// nil when neither measure of traffic was read in both snapshots.
    public var trafficPerMonth: Double?
    /// How each rate was measured, for the scenario's comments.
    public var dataEvidence: String
    public var trafficEvidence: String

    /// The rates from `earlier` to `now`. Throws when either read has no time or `earlier` is
    /// not before `now`, or when either holds no data. A shrinking measure grows at 0 (the
    /// runway takes no negative growth), said in the evidence.
    public static func between(earlier: CatalogSnapshot, now: CatalogSnapshot) throws -> SnapshotGrowth {
        guard let t0 = earlier.readAt.flatMap(Self.instant), let t1 = now.readAt.flatMap(Self.instant) else {
            throw ImportError("--earlier: both reads need their time (server.csv's read_at); \(earlier.source) has \(earlier.readAt ?? "none"), this read \(now.readAt ?? "none")")
        }
        guard t1 > t0 else {
            throw ImportError("--earlier: \(earlier.source), read at \(earlier.readAt ?? ""), is not before this read (\(now.readAt ?? ""))")
        }
        let months = (t1 - t0) / (30.4375 * 86_400)
        func rate(_ before: Double, _ after: Double) -> Double { max(0, pow(after / before, 1 / months) - 1) }
        func gib(_ bytes: Double) -> String { String(format: "%.3f GiB", bytes / 1_073_741_824) }
        let span = String(format: "%.2f months", months)
        let (d0, d1, what) = now.isCitus
            ? (earlier.shards.reduce(0) { $0 + $1.bytes }, now.shards.reduce(0) { $0 + $1.bytes }, "citus_shards")
            : (earlier.tables.reduce(0) { $0 + $1.totalBytes }, now.tables.reduce(0) { $0 + $1.totalBytes }, "pg_total_relation_size")
        guard d0 > 0, d1 > 0 else { throw ImportError("--earlier: \(what) holds no data in one of the reads (\(earlier.source): \(gib(d0)), this read: \(gib(d1)))") }
        var growth = SnapshotGrowth(months: months, dataPerMonth: rate(d0, d1), trafficPerMonth: nil,
                                    dataEvidence: "\(what) \(gib(d0)) then \(gib(d1)) over \(span)\(d1 < d0 ? " (it shrank: 0)" : "")",
                                    trafficEvidence: "not measured: citus_stat_tenants or pg_stat_statements is missing from one read; set it")
        let q0 = earlier.tenants.reduce(0) { $0 + $1.queries }, q1 = now.tenants.reduce(0) { $0 + $1.queries }
        let c0 = earlier.statements.reduce(0) { $0 + $1.calls }, c1 = now.statements.reduce(0) { $0 + $1.calls }
        if q0 > 0, q1 > 0 {
            growth.trafficPerMonth = rate(q0, q1)
            growth.trafficEvidence = "citus_stat_tenants queries \(Int(q0)) then \(Int(q1)) per period over \(span)\(q1 < q0 ? " (fewer: 0)" : "")"
        } else if c0 > 0, c1 > 0, let s0 = earlier.statementsSeconds, let s1 = now.statementsSeconds, s0 > 0, s1 > 0 {
            growth.trafficPerMonth = rate(c0 / s0, c1 / s1)
            growth.trafficEvidence = String(format: "pg_stat_statements %.1f then %.1f calls/s (each since its reset) over %@", c0 / s0, c1 / s1, span)
                + (c1 / s1 < c0 / s0 ? " (fewer: 0)" : "")
        }
        return growth
    }

    /// Seconds since 1970 of a read time `YYYY-MM-DDTHH:MM:SSZ` (UTC), nil if malformed.
    static func instant(_ text: String) -> Double? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)?.timeIntervalSince1970
    }
}
