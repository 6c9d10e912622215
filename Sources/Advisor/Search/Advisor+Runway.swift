import ParallelRuns
import SimCore
import Simulation

#if canImport(Glibc)
import Glibc
#endif

/// The capacity runway's simulated parts: the month the objectives break under the growth,
/// and a shard-count change as a remedy.
extension Advisor {
    /// The runway of the recommendation `c` (nil without a recommendation's load in `advice`).
    func runway(of c: Candidate, plan: AdvisorSpec.RunwaySpec, advice: Advice) throws -> Advice.Runway? {
        let remedies = try [shardCountRemedy(of: c)].compactMap { $0 }
        guard !plan.classes.isEmpty else {
            guard var w = advice.runway(trafficPerMonth: plan.trafficPerMonth, dataPerMonth: plan.dataPerMonth, months: plan.months, asOf: plan.asOf,
                                        sloBreak: try sloBreak(of: c, plan: plan), remedies: remedies) else { return nil }
            try shrinkingCache(&w, of: c, plan: plan)
            return w
        }
        // Per-class growth: every month's analytic load, and the SLO bisected on those scenarios.
        let loads = try (0...plan.months).map { m -> AnalyticLoad in
            let s = try classScenario(of: c, plan: plan, month: m)
            return AnalyticLoad(scenario: s, layout: try ClusterRun.layout(for: s))
        }
        let cpuLimit = base.slo.maxCPUUtilization ?? 1
        let saturated = loads.firstIndex { max($0.workerCPU.max() ?? 0, $0.coordinatorCPU) >= 1 }
        let slo = try bisectSLO(months: plan.months, saturated: saturated) { try self.classScenario(of: c, plan: plan, month: $0) }
        guard var w = advice.runway(trafficPerMonth: plan.trafficPerMonth, dataPerMonth: plan.dataPerMonth, months: plan.months, asOf: plan.asOf,
                                    sloBreak: slo, remedies: remedies) else { return nil }
        let uses = loads.map { Advice.Runway.Uses($0, candidate: c, cpuLimit: cpuLimit) }
        for i in w.limits.indices {
            if w.limits[i].id == "slo" { w.limits[i].factor = nil; w.limits[i].lowerFactor = nil; continue }
            guard uses[0][w.limits[i].id] != nil else { continue }
            let series = uses.map { $0[w.limits[i].id]! }
            w.limits[i].use = series
            w.limits[i].factor = nil
            // The last month it still holds (0 when broken today), as the compound formula counts.
            w.limits[i].months = series[0] > 1 ? 0 : series.firstIndex { $0 > 1 }.map { $0 - 1 }
            w.limits[i].detail += "; with the classes' growth, \(SizingRules.fixed(series[0] * 100, 0))% of the limit today and \(SizingRules.fixed(series[plan.months] * 100, 0))% in \(w.date(plan.months))"
        }
        return w
    }

    /// The memory limit month by month under uniform growth: the working set grows with the
    /// data, and a worker's cache shrinks as the client sessions grow with the traffic (each
    /// keeps a backend open on every worker, `NodeMemory.residentBackends`), so one compound
    /// factor does not give its month. Per-class growth computes every month's load instead.
    func shrinkingCache(_ w: inout Advice.Runway, of c: Candidate, plan: AdvisorSpec.RunwaySpec) throws {
        guard let i = w.limits.firstIndex(where: { $0.id == "memory" }), let today = w.limits[i].factor.map({ 1 / $0 }) else { return }
        let cache = { (m: Int) throws -> Double in
            let s = try self.scenario(for: c, traffic: self.searchTraffic * pow(1 + plan.trafficPerMonth, Double(m)), tenants: pow(1 + plan.dataPerMonth, Double(m)))
            return NodeMemory.cacheBytes(s, node: s.cluster.worker)
        }
        let cache0 = try cache(0)
        let series = try (0...plan.months).map { m in today * pow(1 + plan.dataPerMonth, Double(m)) * cache0 / max(1, try cache(m)) }
        w.limits[i].use = series
        w.limits[i].factor = nil
        w.limits[i].months = series[0] > 1 ? 0 : series.firstIndex { $0 > 1 }.map { $0 - 1 }
        w.limits[i].detail += "; as the sessions grow with the traffic their backends take cache: \(SizingRules.fixed(series[plan.months] * 100, 0))% of the limit in \(w.date(plan.months))"
    }

    /// The recommendation at month `m` of per-class growth: each tenant's data and queries
    /// grow at its class's rates (the others at the runway's), inside the tenant (no new
    /// tenants); the arrival rate grows with the total activity.
    public func classScenario(of c: Candidate, plan: AdvisorSpec.RunwaySpec, month m: Int) throws -> ClusterScenario {
        var s = try scenario(for: c, traffic: searchTraffic)
        let (population, factor) = try s.workload.tenants.scaled(size: { pow(1 + plan.growth(rank: $0 + 1).data, Double(m)) },
                                                                 activity: { pow(1 + plan.growth(rank: $0 + 1).traffic, Double(m)) })
        s.workload.tenants = population
        s.workload = s.workload.scaled(traffic: factor)
        return s
    }

    /// The first month whose traffic and data (compounded from today's search load) make the
    /// recommendation miss an objective, by bisection over the months: the objectives are
    /// assumed to stay missed once missed (more load never helps). The search's seeds and
    /// replications; the upper end is the runway's last month, or the first month a CPU is
    /// offered all its cores (analytic), where a queue grows without bound.
    public func sloBreak(of c: Candidate, plan: AdvisorSpec.RunwaySpec) throws -> Advice.Runway.SimulatedBreak {
        let traffic = { (m: Int) in self.searchTraffic * pow(1 + plan.trafficPerMonth, Double(m)) }
        let data = { (m: Int) in pow(1 + plan.dataPerMonth, Double(m)) }
        let today = try scenario(for: c, traffic: searchTraffic)
        let load = AnalyticLoad(scenario: today, layout: try ClusterRun.layout(for: today))
        let busiest = max(load.workerCPU.max() ?? 0, load.coordinatorCPU)
        let saturated = busiest > 0 ? Advice.Runway.months(factor: 1 / busiest, rate: plan.trafficPerMonth, within: plan.months) : nil
        return try bisectSLO(months: plan.months, saturated: saturated) { m in try self.scenario(for: c, traffic: traffic(m), tenants: data(m)) }
    }

    /// The bisection of `sloBreak` over the scenarios of months 0...`months`; `saturated`, the
    /// first month a CPU is offered all its cores (analytic), bounds the search.
    func bisectSLO(months: Int, saturated: Int?, scenarioAt: (Int) throws -> ClusterScenario) throws -> Advice.Runway.SimulatedBreak {
        var high = months
        if let saturated { high = min(high, saturated + 1) }
        var simulated: [Int] = []
        var results: [(month: Int, evaluation: Evaluation)] = []
        func evaluation(_ m: Int) throws -> Evaluation {
            if let done = results.first(where: { $0.month == m }) { return done.evaluation }
            let e = try evaluate(scenarioAt(m), threads: threads)
            simulated.append(m)
            results.append((m, e))
            progress?("runway", simulated.count, Int(log2(Double(max(2, high)))) + 2)
            return e
        }
        if try !evaluation(0).meets { return .init(lastMeeting: nil, firstMissing: (0, try evaluation(0)), simulated: simulated) }
        if try evaluation(high).meets {
            // Meets at the saturation bound (the CPU ceiling is no objective here): the last month decides.
            guard high < months, try !evaluation(months).meets else {
                return .init(lastMeeting: (months, try evaluation(months)), firstMissing: nil, simulated: simulated)
            }
            high = months
        }
        // Month `low` meets, month `high` misses.
        var low = 0
        while high - low > 1 {
            let mid = (low + high) / 2
            if try evaluation(mid).meets { low = mid } else { high = mid }
        }
        return .init(lastMeeting: (low, try evaluation(low)), firstMissing: (high, try evaluation(high)), simulated: simulated)
    }

    /// Doubling the shard count (`alter_distributed_table` of the first distributed table,
    /// cascading to its colocated tables) under today's load, `advisor.replications` times:
    /// its duration and the objectives while it runs (writes to the tables wait for the whole
    /// statement). Nil without a distributed table, when the doubled count exceeds Citus's
    /// 64,000, or with schema-based sharding (a schema's tables have one shard each).
    func shardCountRemedy(of c: Candidate) throws -> Advice.Runway.Remedy? {
        let target = 2 * c.shardCount
        guard !schemaBased, let table = base.tables.first(where: { $0.kind == .distributed }), target <= 64_000 else { return nil }
        let sql = "SELECT alter_distributed_table('\(table.name)', shard_count := \(target), cascade_to_colocated := true);"
        let seeds = try Replications(baseSeed: base.run.seed, count: spec.replications).seeds
        let runFor = spec.scaleOut?.runFor ?? .hours(2)
        let progress = self.progress
        let samples = try ParallelMap.map(count: seeds.count, threads: threads, finished: { progress?("runway: shard count", $0, seeds.count) }) { i in
            Result { try self.operationSample(c, statements: [sql], runFor: runFor, seed: seeds[i]) }
        }.map { try $0.get() }
        let name = "double the shard count to \(target)"
        guard samples.allSatisfy({ $0.duration != nil }) else {
            return .init(name: name, durationSeconds: nil, meetsSLODuringOperation: false,
                         detail: "\(sql) not finished within \(SizingRules.fixed(runFor.seconds / 60, 0)) min" + (samples.compactMap(\.error).first.map { ": \($0)" } ?? ""))
        }
        let duration = try ConfidenceInterval(samples: samples.compactMap(\.duration), level: base.run.confidence)
        let during = try operationEvaluation(samples.map(\.metrics), seed: base.run.seed)
        return .init(name: name, durationSeconds: duration.mean, meetsSLODuringOperation: during.meets,
                     detail: "\(sql) \(SizingRules.fixed(duration.lower, 0))–\(SizingRules.fixed(duration.upper, 0)) s (95% CI); writes to the tables wait for the whole statement; \(during.missText)")
    }
}
