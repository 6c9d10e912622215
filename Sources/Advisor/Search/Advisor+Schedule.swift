import ParallelRuns
import Runbook
import SQL
import SimCore
import Simulation
import Workload

extension Advisor {
    /// One scale-out plan on the workload's clock (the rate curve's time): when it starts, the
    /// transfer mode, and the executors per node, which change when the load crosses the
    /// busy threshold (`ALTER SYSTEM` + `pg_reload_conf()` at those instants).
    public struct SchedulePlan: Sendable, Equatable {
        public struct Switch: Sendable, Equatable {
            /// Curve instant of the change.
            public var at: SimDuration
            public var executors: Int
            /// The rate there, per second.
            public var rate: Double
        }
        public var start: SimDuration
        public var mode: String
        public var parallelColocated: Bool
        /// Executors per node while the rate is at most the threshold, and above it.
        public var quietExecutors: Int
        public var busyExecutors: Int
        /// Executors per node at the start, then each change.
        public var initialExecutors: Int
        public var switches: [Switch]
        /// The rate at the start, per second.
        public var startRate: Double

        public var label: String {
            let e = quietExecutors == busyExecutors ? "\(quietExecutors) executor\(quietExecutors == 1 ? "" : "s") per node"
                : "\(quietExecutors) executors per node while quiet, \(busyExecutors) while busy"
            return "start at \(Advisor.clock(start)), \(e), colocated shards \(parallelColocated ? "in parallel" : "in sequence"), \(mode)"
        }

        /// Executors per node at the plan's busiest (what max_worker_processes must allow).
        public var maxExecutors: Int { max(quietExecutors, busyExecutors) }

        /// The statements at each instant (curve time), in order: the nodes added, the limits
        /// and the rebalance at the start, then the limits at each change.
        public func blocks(workers: Int, adding: Int) -> [(at: SimDuration, note: String, sql: [String])] {
            let nodes = workers + adding
            let setting = OperationSetting(method: "regular", executors: initialExecutors, parallelColocated: parallelColocated, mode: mode)
            let first = Advisor.addNodesSQL(workers: workers, adding: adding) + Advisor.executorLimitSQL(initialExecutors, nodes: nodes) + [Advisor.rebalanceStartSQL(setting)]
            return [(start, "rate \(SizingRules.fixed(startRate, 0))/s", first)]
                + switches.map { ($0.at, "rate \(SizingRules.fixed($0.rate, 0))/s: \($0.executors == busyExecutors ? "busy" : "quiet"), if the job still runs",
                                  Advisor.executorLimitSQL($0.executors, nodes: nodes)) }
        }
    }

    /// "09:30" for a curve instant (hours past its start; beyond a day the hours go on).
    public static func clockTime(_ d: SimDuration) -> String {
        let m = d.microseconds / 60_000_000
        let (h, mm) = (m / 60, m % 60)
        return (h < 10 ? "0" : "") + "\(h):" + (mm < 10 ? "0" : "") + "\(mm)"
    }

    /// "9h", "570m" or "34210s" (a duration the scenario's `at` accepts) for a curve instant.
    public static func clock(_ d: SimDuration) -> String {
        let s = d.microseconds / 1_000_000
        let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60)
        if sec != 0 { return "\(s)s" }
        return h > 0 ? (m > 0 ? "\(h * 60 + m)m" : "\(h)h") : "\(m)m"
    }

    /// The plans the search tries: every start instant × transfer mode × parallel colocated ×
    /// (quiet, busy) executors with quiet >= busy, in that order. Busy means a rate above the
    /// midpoint of the lowest and highest rates in [from, to + run_for] (sampled each minute).
    public static func schedulePlans(curve: RateCurve, plan: AdvisorSpec.ScaleOut, window: AdvisorSpec.Schedule) -> (plans: [SchedulePlan], threshold: Double) {
        let minute = SimDuration.seconds(60)
        var samples: [Double] = []
        var t = window.from
        while t <= window.to + plan.runFor && samples.count < 100_000 { samples.append(curve.rate(at: .zero + t)); t = t + minute }
        let threshold = ((samples.min() ?? 0) + (samples.max() ?? 0)) / 2
        let busy = { (t: SimDuration) in curve.rate(at: .zero + t) > threshold }
        let levels = plan.executorsPerNode.sortedUnique()
        var out: [SchedulePlan] = []
        for start in window.starts {
            for mode in plan.transferModes {
                for parallel in [false, true] where plan.parallelColocated.contains(parallel) {
                    for quiet in levels {
                        for busyLevel in levels where busyLevel <= quiet {
                            var switches: [SchedulePlan.Switch] = []
                            var current = busy(start)
                            if quiet != busyLevel {
                                var at = start + minute
                                while at <= start + plan.runFor {
                                    if busy(at) != current {
                                        current.toggle()
                                        switches.append(.init(at: at, executors: current ? busyLevel : quiet, rate: curve.rate(at: .zero + at)))
                                    }
                                    at = at + minute
                                }
                            }
                            let initial = busy(start) ? busyLevel : quiet
                            // Without a change in run_for the plan is a constant one: keep it once.
                            let (q, b) = switches.isEmpty ? (initial, initial) : (quiet, busyLevel)
                            let p = SchedulePlan(start: start, mode: mode, parallelColocated: parallel, quietExecutors: q, busyExecutors: b,
                                                 initialExecutors: initial, switches: switches, startRate: curve.rate(at: .zero + start))
                            if !out.contains(p) { out.append(p) }
                        }
                    }
                }
            }
        }
        return (out, threshold)
    }

    /// The candidate's scenario seen from `start` − lead on the workload's clock (the rate
    /// curve shifted so the run's time 0 is that instant), its warm-up the lead: a plan's
    /// statement at curve instant t runs at lead + (t − start).
    public func scheduleScenario(for c: Candidate, start: SimDuration) throws -> (scenario: ClusterScenario, lead: SimDuration) {
        var s = try scenario(for: c)
        let lead = max(s.run.warmup, .seconds(30))
        // Today's curve (the candidate's scenario holds its peak).
        guard case .open(let curve, let sessions) = base.workload.arrivals else { return (s, lead) }
        s.workload.arrivals = .open(curve.shifted(by: start - lead), sessions: sessions)
        s.run.warmup = lead
        s.run.replications = 1
        return (s, lead)
    }

    /// One replication of a plan, run until its background job ends.
    func scheduleSample(_ c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, schedule p: SchedulePlan, seed: UInt64) throws -> ScaleOutSample {
        var (s, lead) = try scheduleScenario(for: c, start: p.start)
        s.run.duration = lead + plan.runFor
        s.citus.maxWorkerProcesses = Self.workerProcesses(s.citus.maxWorkerProcesses, executors: p.maxExecutors, nodes: c.workers + adding)
        s.timeline = try p.blocks(workers: c.workers, adding: adding).flatMap { block in
            try block.sql.flatMap { text in
                try SQLRunbookParser.parse(text, file: "advisor").map { TimelineEntry(at: lead + (block.at - p.start), action: .sql($0, text: text), line: 0, column: 0) }
            }
        }
        return try Self.sample(of: ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: seed, untilJobsDone: true), scenario: s, start: lead)
    }

    /// Searches the plans with one replication each, then runs the earliest-ending ones that
    /// kept every objective with `advisor.replications` seeds until one keeps them with
    /// confidence; that one runs again on held-out seeds.
    func schedule(of c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, window: AdvisorSpec.Schedule) throws -> Advice.Schedule? {
        guard case .open(let curve, _) = base.workload.arrivals else { return nil }
        let (plans, threshold) = Self.schedulePlans(curve: curve, plan: plan, window: window)
        let seeds = try Replications(baseSeed: base.run.seed, count: spec.replications).seeds
        let progress = self.progress
        let screened = try ParallelMap.map(count: plans.count, threads: threads, finished: { progress?("schedule search", $0, plans.count) }) { i in
            Result { try self.scheduleSample(c, adding: adding, plan: plan, schedule: plans[i], seed: seeds[0]) }
        }.map { try $0.get() }
        let settings = { (p: SchedulePlan) in OperationSetting(method: "regular", executors: p.maxExecutors, parallelColocated: p.parallelColocated, mode: p.mode) }
        let one = try plans.indices.map { try summarize([screened[$0]], c, adding: adding, plan: plan, steady: nil, setting: settings(plans[$0]), seed: base.run.seed) }
        let end = { (i: Int) in plans[i].start.seconds + one[i].durationSeconds! }
        // Earliest end, then shortest, then the simplest (fewest limit changes).
        let order = plans.indices.filter { one[$0].meetsSLODuringOperation }
            .sorted { (end($0), one[$0].durationSeconds!, plans[$0].switches.count, $0) < (end($1), one[$1].durationSeconds!, plans[$1].switches.count, $1) }
        var result = Advice.Schedule(considered: plans.count, meetingInSearch: order.count, threshold: threshold, window: window, curve: curve)
        for i in order.prefix(3) {
            let run = try scheduleRuns(c, adding: adding, plan: plan, schedule: plans[i], seeds: seeds, setting: settings(plans[i]))
            guard run.meetsSLODuringOperation else { continue }
            let held = try Replications(baseSeed: holdoutSeed, count: spec.confirmationReplications ?? 2 * spec.replications).seeds
            result.chosen = .init(plan: plans[i], run: run, holdout: try scheduleRuns(c, adding: adding, plan: plan, schedule: plans[i], seeds: held, setting: settings(plans[i])),
                                  holdoutSeed: holdoutSeed,
                                  blocks: plans[i].blocks(workers: c.workers, adding: adding),
                                  maxWorkerProcesses: Self.workerProcesses(base.citus.maxWorkerProcesses, executors: plans[i].maxExecutors, nodes: c.workers + adding))
            break
        }
        return result
    }

    func scheduleRuns(_ c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, schedule p: SchedulePlan, seeds: [UInt64], setting: OperationSetting) throws -> Advice.ScaleOutRun {
        let samples = try ParallelMap.map(count: seeds.count, threads: threads) { k in
            Result { try self.scheduleSample(c, adding: adding, plan: plan, schedule: p, seed: seeds[k]) }
        }.map { try $0.get() }
        return try summarize(samples, c, adding: adding, plan: plan, steady: nil, setting: setting, seed: seeds[0])
    }
}
