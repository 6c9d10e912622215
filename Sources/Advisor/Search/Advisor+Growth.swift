import SimCore
import Simulation
import Workload

extension Advisor {
    /// Today's peak arrival rate, queries per second (closed loop: clients / mean think time).
    public var peakRate: Double { base.workload.peakArrivalRate }

    /// The recommendation at growing traffic, then at growing tenant counts (data with them),
    /// each series stopping at the first step that misses an SLO.
    func growth(of c: Candidate) throws -> [Advice.GrowthStep] {
        var steps: [Advice.GrowthStep] = []
        let factors = spec.growthSteps.sorted()
        for kind in [Advice.GrowthStep.Kind.traffic, .tenants] {
            for (k, f) in factors.enumerated() {
                let s = try scenario(for: c, traffic: kind == .traffic ? f : 1, tenants: kind == .tenants ? f : 1)
                let e = try evaluate(s, threads: threads)
                progress?("growth (\(kind.rawValue))", k + 1, factors.count)
                steps.append(Advice.GrowthStep(kind: kind, factor: f,
                                               level: kind == .traffic ? peakRate * f : Double(s.workload.tenants.count), evaluation: e))
                if !e.meets { break }
            }
        }
        return steps
    }

    /// The recommendation at the horizon's traffic and tenants; if it misses, the fewest
    /// workers of the same size and shard count that meet the SLOs there (at most one per
    /// shard, tried in order, analytic bounds first).
    func horizon(of c: Candidate) throws -> Advice.Horizon? {
        guard spec.trafficGrowth > 1 || spec.tenantGrowth > 1 else { return nil }
        let at = { (cand: Candidate) in try self.scenario(for: cand, traffic: self.spec.trafficGrowth * self.searchTraffic, tenants: self.spec.tenantGrowth) }
        let now = try evaluate(at(c), threads: threads)
        var result = Advice.Horizon(trafficGrowth: spec.trafficGrowth, tenantGrowth: spec.tenantGrowth, current: now, workersNeeded: nil, atNeeded: nil)
        if now.meets {
            result.workersNeeded = c.workers
            result.atNeeded = now
            return result
        }
        let cpuLimit = base.slo.maxCPUUtilization ?? 1
        var tries = 0
        var w = c.workers + 1
        while w <= c.shardCount && tries < 6 {
            var bigger = c
            bigger.workers = w
            let s = try at(bigger)
            let layout = try ClusterRun.layout(for: s)
            let load = AnalyticLoad(scenario: s, layout: layout)
            if load.workerCPU.max() ?? 0 <= cpuLimit && load.workerDisk.allSatisfy({ $0 <= 1 }) {
                tries += 1
                progress?("horizon", tries, 6)
                let e = try evaluate(s, layout: layout, threads: threads)
                if e.meets {
                    result.workersNeeded = w
                    result.atNeeded = e
                    break
                }
            }
            w += 1
        }
        return result
    }

    /// Tenants by Zipf rank that may deserve their own shard: a tenant whose queries alone
    /// exceed an average shard's load, or whose data is more than half a worker's cache.
    /// What isolation buys is estimated from the analytic load: moved to its own worker,
    /// its CPU leaves the worker it shares with its neighbours.
    func isolation(of c: Candidate) throws -> [Advice.Isolation] {
        let s = try scenario(for: c, traffic: searchTraffic)
        let layout = try ClusterRun.layout(for: s)
        let load = AnalyticLoad(scenario: s, layout: layout)
        let tenants = s.workload.tenants
        guard let ti = s.tables.firstIndex(where: { $0.kind == .distributed }) else { return [] }
        let shares = s.workload.classes.reduce(0.0) { $0 + $1.share }
        let singleCPU = s.workload.classes.reduce(0.0) { $0 + load.rate * $1.share / shares * Double($1.tenantReadsPerQuery) * $1.workerCPU.mean }
        var out: [Advice.Isolation] = []
        // `isolation_candidates: 0` asks for no study (an empty range, never 1...0).
        for rank in stride(from: 1, through: min(spec.isolationCandidates, tenants.count), by: 1) {
            let a = tenants.activity[rank - 1], bytes = tenants.sizeBytes[rank - 1]
            let multiple = a * Double(c.shardCount)
            let bigData = bytes > 0.5 * load.cacheBytes
            let worker = layout.worker(table: ti, tenant: .of(rank: rank)).index
            let own = singleCPU * a / Double(s.cluster.worker.cores)
            let before = load.workerCPU[worker], after = max(0, before - own)
            // Worth a shard of its own when it loads its shard more than an average shard does and
            // moving it away relieves its worker noticeably (5 CPU points), or when its data crowds the cache.
            let relief = before - after
            let deserves = (multiple >= 1 && relief >= 0.05) || bigData
            let unit = schemaBased ? "schema" : "shard"
            let loadText = "\(SizingRules.fixed(multiple, 2))x an average \(unit)'s load"
            let why: String
            let gib = 1_073_741_824.0
            if deserves && relief >= 0.05 {
                why = "\(loadText)\(bigData ? ", data more than half a worker's cache" : ""): \(schemaBased ? "moving its schema to a worker of its own (citus_schema_move)" : "isolating it to its own worker") takes \(ClusterSpec.workerName(worker)) CPU from \(SizingRules.fixed(before * 100, 0))% to \(SizingRules.fixed(after * 100, 0))% for its neighbours"
            } else if deserves {
                why = "its data (\(SizingRules.fixed(bytes / gib, 1)) GiB) is more than half a worker's cache (\(SizingRules.fixed(load.cacheBytes / gib, 1)) GiB): on a worker of its own it stops evicting its neighbours' pages"
            } else if multiple >= 1 {
                why = "\(loadText), but only \(SizingRules.fixed(relief * 100, 1)) of \(ClusterSpec.workerName(worker))'s \(SizingRules.fixed(before * 100, 0)) CPU points: isolation buys little"
            } else {
                why = "\(loadText): not worth a \(schemaBased ? "worker" : "shard") of its own"
            }
            out.append(Advice.Isolation(rank: rank, activityShare: a, dataBytes: bytes, shardLoadMultiple: multiple, deserves: deserves, reason: why,
                                        worker: worker + 1, workerCPUBefore: before, workerCPUAfter: after))
        }
        return out
    }
}
