import SimCore

/// What a cluster run will need, estimated before it starts, so absurd scenarios are refused or
/// warned about instead of running out of memory or time.
///
/// Memory: about 100 bytes per tenant (sizes, activity, sampler, per-table shard and cache hit
/// entries, tenant statistics), 4 KiB per worker (resources, pools, metrics) plus one time-series
/// sample (about 64 bytes per node and class) per sample interval, 200 bytes per shard. Time:
/// about 12 events per single-tenant query and 4 + 3 x shards per fan-out; the engine handles
/// about 3 million cluster events per second on one core (measured, `bench run`).
public struct ResourceEstimate: Sendable {
    public static let bytesPerTenant = 100.0
    public static let bytesPerWorker = 4_096.0
    public static let bytesPerShard = 200.0
    public static let eventsPerSecond = 3e6

    /// Peak memory of one replication, bytes.
    public var memoryBytes: Double
    /// Events of all replications together.
    public var events: Double

    public init(_ s: ClusterScenario) {
        let tables = max(1, s.tables.filter { $0.kind == .distributed }.count)
        let shards = Double(s.tables.filter { $0.kind == .distributed }.reduce(0) { $0 + ($1.shardCount ?? s.citus.shardCount) })
        let samples = s.run.duration.seconds / max(s.run.sampleInterval.seconds, 1e-3)
        let nodes = Double(s.cluster.workerCount + 1)
        memoryBytes = Double(s.workload.tenants.count) * Self.bytesPerTenant * Double(tables)
            + nodes * Self.bytesPerWorker + shards * Self.bytesPerShard
            + samples * 64 * (nodes * 5 + Double(s.workload.classes.count) * 4)
        let rate = s.workload.peakArrivalRate
        let shares = s.workload.classes.reduce(0.0) { $0 + $1.share }
        let perQuery = s.workload.classes.reduce(0.0) { sum, c in
            sum + c.share / max(shares, 1e-12) * (c.isFanOut ? 4 + 3 * Double(s.citus.shardCount) : 12 * Double(c.tenantReadsPerQuery))
        }
        events = rate * s.run.duration.seconds * perQuery * Double(s.run.replications)
    }

    /// Wall seconds on `threads` threads (replications in parallel).
    public func seconds(threads: Int, replications: Int) -> Double {
        events / Self.eventsPerSecond / Double(max(1, min(threads, replications)))
    }

    /// Memory for `tenants` tenants alone (the per-tenant share), bytes.
    public static func tenantBytes(_ tenants: Double, tables: Int = 1) -> Double { tenants * bytesPerTenant * Double(max(1, tables)) }

    /// "93.1 TiB", "512 MiB": a byte count for messages.
    public static func text(bytes: Double) -> String {
        guard bytes.isFinite, bytes < 1e21 else { return "more than a zettabyte" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var v = bytes, u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        let r = (v * 10).rounded() / 10
        return "\(r == r.rounded() ? String(Int(r)) : String(r)) \(units[u])"
    }

    /// "3.2 hours", "41 minutes", "12 seconds".
    public static func text(seconds: Double) -> String {
        guard seconds.isFinite, seconds < 3.15e16 else { return "more than a billion years" }
        if seconds >= 86_400 * 365 { return "\(Int((seconds / (86_400 * 365)).rounded())) years" }
        if seconds >= 86_400 { return "\(Int((seconds / 86_400).rounded())) days" }
        if seconds >= 3_600 { return "\((seconds / 360).rounded() / 10) hours" }
        if seconds >= 60 { return "\(Int((seconds / 60).rounded())) minutes" }
        return "\(Int(seconds.rounded())) seconds"
    }
}
