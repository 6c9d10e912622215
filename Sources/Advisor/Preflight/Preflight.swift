import SimCore
import Simulation
import Workload

/// What a DBA checks before trusting a simulation, from the scenario alone: the offered load
/// against each node's capacity at the peak rate (CPU of the queries' mean demands, disk
/// reads from the cache estimate against IOPS: the advisor's analytic bounds), the share of
/// data and queries of the largest tenants, and each timeline operation's length on an idle
/// cluster against `run.duration`.
///
/// Model assumptions: the load is a lower bound (no connection set-up, no queueing); the
/// operations' lengths come from a run of the same cluster and timeline with almost no
/// traffic, so under load they take at least as long.
public struct Preflight: Sendable {
    /// Figures to show (one line each).
    public var lines: [String] = []
    /// Problems the run will show, said before it runs (one line each, without "warning:").
    public var warnings: [String] = []

    public init(_ s: ClusterScenario) throws {
        try checkLoad(s)
        try checkMemory(s)
        checkTenants(s.workload.tenants)
        if !s.timeline.isEmpty { try checkOperations(s) }
    }

    /// The highest multiplier the timeline applies to the arrival rate (1 without one).
    static func peakMultiplier(_ s: ClusterScenario) -> Double {
        s.timeline.reduce(1.0) { m, e in
            if case .rateMultiplier(let x) = e.action { return max(m, x) }
            return m
        }
    }

    mutating func checkLoad(_ s: ClusterScenario) throws {
        var peak = s
        let multiplier = Self.peakMultiplier(s)
        if multiplier > 1 { peak.workload = s.workload.scaled(traffic: multiplier) }
        let load = AnalyticLoad(scenario: peak, layout: try ClusterRun.layout(for: peak))
        let f = { (v: Double) in SizingRules.fixed(v * 100, 0) + "%" }
        let shift = s.cluster.coordinatorHasShards ? 0 : 1
        let name = { (w: Int) in w + shift == 0 ? "the coordinator (its shards)" : ClusterSpec.workerName(w + shift - 1) }
        let busiestCPU = load.busiestWorker
        let busiestDisk = load.workerDisk.indices.max { load.workerDisk[$0] < load.workerDisk[$1] } ?? 0
        let rate = SizingRules.fixed(load.rate, 0)
        // Open-loop arrivals past capacity queue without bound; closed-loop clients (the rate is
        // their count over the think time, an upper bound) slow down instead.
        var closed = false
        if case .closed = s.workload.arrivals { closed = true }
        lines.append("offered load at the peak rate (\(rate) queries/s\(closed ? ", closed loop: if answers were instant" : "")\(multiplier > 1 ? ", the timeline's ×\(SizingRules.fixed(multiplier, 2)) included" : "")), a lower bound: "
                     + "coordinator CPU \(f(load.coordinatorCPU)); worker CPU \(f(load.workerCPU.min() ?? 0))–\(f(load.workerCPU.max() ?? 0)) (busiest \(name(busiestCPU))); "
                     + "worker disk reads \(f(load.workerDisk.min() ?? 0))–\(f(load.workerDisk.max() ?? 0)) of IOPS (busiest \(name(busiestDisk)))")
        let unbounded = closed
            ? "with closed-loop clients the rate falls until it fits (clients / (think time + response time)), so expect response times to grow to absorb it rather than an unbounded queue"
            : "the queue will grow without bound and latency with it"
        if load.coordinatorCPU > 1 {
            let who = s.cluster.coordinatorCount > 1 ? "each of the \(s.cluster.coordinatorCount) coordinators' \(s.cluster.coordinator.cores) cores are" : "the coordinator's \(s.cluster.coordinator.cores) cores are"
            warnings.append("\(who) offered \(f(load.coordinatorCPU)) of their capacity at \(rate) queries/s: \(unbounded)")
        }
        for w in load.workerCPU.indices where load.workerCPU[w] > 1 {
            warnings.append("\(name(w))'s \(s.cluster.spec(ofShardNode: WorkerIndex(w)).cores) cores are offered \(f(load.workerCPU[w])) of their capacity at \(rate) queries/s: \(unbounded)")
        }
        for w in load.workerDisk.indices where load.workerDisk[w] > 1 {
            warnings.append("\(name(w))'s disk is offered \(SizingRules.grouped(Int(load.workerDiskReads[w]))) reads/s (cache misses), \(f(load.workerDisk[w])) of its IOPS: \(unbounded)")
        }
    }

    /// Each node's memory envelope at its connection limit (`NodeMemory`): a worker with
    /// max_connections backends, a coordinator with its client sessions; past the RAM the OS
    /// leaves, connections fail with out of memory.
    mutating func checkMemory(_ s: ClusterScenario) throws {
        let (workerMemory, coordinatorMemory, perCoordinator) = NodeMemory.envelope(scenario: s, layout: try ClusterRun.layout(for: s))
        let local = s.cluster.coordinatorHasShards ? 0 : -1
        let gib = { (v: Double) in SizingRules.fixed(v / 1_073_741_824, 1) + " GiB" }
        let mib = { (v: Double) in SizingRules.fixed(v / 1_048_576, 1) + " MiB" }
        let shift = s.cluster.coordinatorHasShards ? 0 : 1
        for (w, m) in workerMemory.enumerated() {
            let spec = s.cluster.spec(ofShardNode: WorkerIndex(w))
            let backends = max(0, spec.maxConnections - 3)
            guard m.bytes(backends: Double(backends)) > m.limitBytes else { continue }
            let name = w + shift == 0 ? "the coordinator (its shards)" : ClusterSpec.workerName(w + shift - 1)
            warnings.append("\(name): \(backends) backends (max_connections − 3) of \(mib(m.backendBytes)) each (every shard on it read) plus shared_buffers need \(gib(m.bytes(backends: Double(backends)))), more than the \(gib(m.limitBytes)) its RAM leaves after the OS: connections past \(m.backendLimit) fail with out of memory")
        }
        if local < 0, let m = coordinatorMemory.first, m.fixedBytes > m.limitBytes {
            warnings.append("the coordinator: \(perCoordinator[0]) client sessions of \(mib(m.backendBytes)) each (every shard interval in the metadata cache) plus shared_buffers need \(gib(m.fixedBytes)), more than the \(gib(m.limitBytes)) its RAM leaves after the OS, so every fan-out that gathers rows fails with out of memory: lower workload.sessions or give it more memory")
        }
    }

    mutating func checkTenants(_ t: TenantPopulation) {
        let n = min(3, t.baseCount)
        guard n > 0 else { return }
        let total = max(t.totalBytes, 1)
        let pct = { (v: Double) in SizingRules.fixed(v * 100, 1) + "%" }
        let top = (0..<n).map { "rank \($0 + 1) \(pct(t.sizeBytes[$0] / total)) of the data, \(pct(t.activity[$0])) of the queries" }
        let ten = min(10, t.baseCount)
        lines.append("largest tenants: " + top.joined(separator: "; ")
                     + "; the top \(ten) hold \(pct(t.sizeBytes.prefix(ten).reduce(0, +) / total)) of the data and get \(pct(t.activity.prefix(ten).reduce(0, +))) of the queries")
        // Ranks are meant in decreasing order; a `largest` entry can break it (rank 4 above 2 and 3).
        for o in t.overrides where o.rank > 1 && o.rank <= t.baseCount {
            let i = o.rank - 1
            if let above = (0..<i).first(where: { t.activity[$0] < t.activity[i] * (1 - 1e-9) }) {
                warnings.append("tenants.largest makes rank \(o.rank) busier (\(pct(t.activity[i])) of the queries) than rank \(above + 1) (\(pct(t.activity[above]))): ranks are meant from the busiest down; give the ranks in order")
            }
            if let above = (0..<i).first(where: { t.sizeBytes[$0] < t.sizeBytes[i] * (1 - 1e-9) }) {
                warnings.append("tenants.largest makes rank \(o.rank) larger (\(pct(t.sizeBytes[i] / total)) of the data) than rank \(above + 1) (\(pct(t.sizeBytes[above] / total))): ranks are meant from the largest down; give the ranks in order")
            }
        }
    }

    /// Each operation's length on an idle copy of the cluster (traffic ×1e-6), run until every
    /// operation ends or a day past `run.duration`.
    mutating func checkOperations(_ s: ClusterScenario) throws {
        var idle = s
        idle.workload = s.workload.scaled(traffic: 1e-6)
        idle.run.warmup = .zero
        idle.run.duration = s.run.duration + .hours(24)
        let result = try ClusterRun.run(idle, layout: try ClusterRun.layout(for: idle), seed: s.run.seed, untilOperationsDone: true)
        let end = s.run.duration.seconds
        for (i, op) in (result.operations?.operations ?? []).enumerated() {
            let label = op.summary(60)
            guard let done = op.end else {
                warnings.append("op\(i + 1) (\(label)) did not finish within a day on an idle cluster: \(op.status)\(op.error.map { ": \($0)" } ?? "")")
                continue
            }
            let seconds = (done - op.start).seconds
            if seconds >= 1 {
                lines.append("op\(i + 1) (\(label)): about \(SizingRules.fixed(seconds, 0)) s on an idle cluster (longer under load), from \(SizingRules.fixed(op.start.seconds, 0)) s")
            }
            if done.seconds > end {
                warnings.append("op\(i + 1) (\(label)) takes about \(SizingRules.fixed(seconds, 0)) s even on an idle cluster, so starting at \(SizingRules.fixed(op.start.seconds, 0)) s it cannot finish within run.duration (\(SizingRules.fixed(end, 0)) s): make run.duration at least \(SizingRules.fixed((done.seconds * 1.5).rounded(.up), 0)) s (run --duration)")
            }
        }
    }
}
