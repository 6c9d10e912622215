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
        return advice.runway(trafficPerMonth: plan.trafficPerMonth, dataPerMonth: plan.dataPerMonth, months: plan.months, asOf: plan.asOf,
                             sloBreak: try sloBreak(of: c, plan: plan), remedies: remedies)
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
        var high = plan.months
        if busiest > 0, let saturated = Advice.Runway.months(factor: 1 / busiest, rate: plan.trafficPerMonth, within: plan.months) {
            high = min(high, saturated + 1)
        }
        var simulated: [Int] = []
        var results: [(month: Int, evaluation: Evaluation)] = []
        func evaluation(_ m: Int) throws -> Evaluation {
            if let done = results.first(where: { $0.month == m }) { return done.evaluation }
            let e = try evaluate(scenario(for: c, traffic: traffic(m), tenants: data(m)), threads: threads)
            simulated.append(m)
            results.append((m, e))
            progress?("runway", simulated.count, Int(log2(Double(max(2, high)))) + 2)
            return e
        }
        if try !evaluation(0).meets { return .init(lastMeeting: nil, firstMissing: (0, try evaluation(0)), simulated: simulated) }
        if try evaluation(high).meets {
            // Meets at the saturation bound (the CPU ceiling is no objective here): the last month decides.
            guard high < plan.months, try !evaluation(plan.months).meets else {
                return .init(lastMeeting: (plan.months, try evaluation(plan.months)), firstMissing: nil, simulated: simulated)
            }
            high = plan.months
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
    /// statement). Nil without a distributed table or when the doubled count exceeds Citus's
    /// 64,000.
    func shardCountRemedy(of c: Candidate) throws -> Advice.Runway.Remedy? {
        let target = 2 * c.shardCount
        guard let table = base.tables.first(where: { $0.kind == .distributed }), target <= 64_000 else { return nil }
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
