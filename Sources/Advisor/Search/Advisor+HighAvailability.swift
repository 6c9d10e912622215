import ParallelRuns
import SimCore
import Simulation

extension Advisor {
    /// The N+1 check of the recommended cluster: its busiest worker (analytic CPU) fails after
    /// the warm-up under today's load, once without a standby (Citus keeps one copy of each
    /// shard, so its shards stay unavailable for the whole window) and once with a streaming
    /// standby per worker (promoted after `operations.failure_detection` +
    /// `operations.standby_promotion`), `advisor.replications` times each. The objectives are
    /// judged over the window from the failure to its end, like the scale-out study's.
    func highAvailability(of c: Candidate, plan: AdvisorSpec.HighAvailability) throws -> Advice.HighAvailability {
        var failing = try scenario(for: c)
        let layout = try ClusterRun.layout(for: failing)
        let busiest = AnalyticLoad(scenario: failing, layout: layout).busiestWorker
        let worker = ClusterSpec.workerName(busiest)
        let start = max(failing.run.warmup, .seconds(30))
        failing.run.warmup = start
        failing.run.duration = start + plan.window
        let s = failing
        let seeds = try Replications(baseSeed: base.run.seed, count: spec.replications).seeds
        let total = 2 * seeds.count
        let progress = self.progress
        let metrics = try ParallelMap.map(count: total, threads: threads, finished: { progress?("failover check", $0, total) }) { i in
            Result { () throws -> [Metric] in
                var run = s
                run.timeline = [TimelineEntry(at: start, action: .nodeFails(node: worker, standby: i >= seeds.count), line: 0, column: 0)]
                return Self.operationMetrics(try ClusterRun.run(run, layout: layout, seed: seeds[i % seeds.count]).metrics, classes: s.workload.classes.map(\.name))
            }
        }.map { try $0.get() }
        let evaluate = { (runs: ArraySlice<[Metric]>) in try self.operationEvaluation(Array(runs), seed: self.base.run.seed) }
        return Advice.HighAvailability(worker: worker, windowSeconds: plan.window.seconds,
                                       standbyPricePerHour: Double(c.workers) * c.instance.pricePerHour,
                                       promotionSeconds: (s.operations.failureDetection + s.operations.standbyPromotion).seconds,
                                       withoutStandby: try evaluate(metrics[0..<seeds.count]), withStandby: try evaluate(metrics[seeds.count...]))
    }

    /// Replications of an operation (each `operationMetrics`) judged by the objectives over its
    /// window. A class with no query answered in some replication (a failed worker held every
    /// shard it needs) has no latency there: its latency figures are left out, not read as 0.
    func operationEvaluation(_ runs: [[Metric]], seed: UInt64) throws -> Evaluation {
        let unanswered = base.workload.classes.map(\.name).filter { c in
            runs.contains { run in run.first { $0.name == "\(c).throughput_per_second" }?.value == 0 }
        }
        let kept = runs.map { run in run.filter { m in !unanswered.contains { m.name.hasPrefix("\($0).latency_") } } }
        let intervals = try Replications.summarize(kept, level: base.run.confidence)
        var e = Evaluation(intervals: intervals, checks: base.slo.operationChecks { name in intervals.first { $0.name == name }?.interval },
                           replications: runs.count, seed: seed)
        e.unanswered = unanswered
        e.unansweredObjectives = unanswered.filter { c in base.slo.p99Ms.contains { $0.className == c } }
        return e
    }

    /// A run's summary plus the figures the operation studies judge: `timeout_or_error_rate`
    /// (the share `max_timeout_rate` limits) and `failed_queries` (timed out or failed, all classes).
    static func operationMetrics(_ metrics: [Metric], classes: [String]) -> [Metric] {
        let value = { (name: String) in metrics.first { $0.name == name }?.value ?? 0 }
        let failed = classes.reduce(0.0) { $0 + value("\($1).errors") + value("\($1).timeouts") }
        return metrics + [Metric("timeout_or_error_rate", value("timeout_rate") + value("error_rate")), Metric("failed_queries", failed)]
    }
}
