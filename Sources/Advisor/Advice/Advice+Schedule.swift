import SimCore
import Simulation
import Workload

extension Advice {
    /// The schedule optimiser's answer: the scale-out plan on the workload's clock that ends
    /// earliest while keeping every objective over its window, as a runbook with instants.
    public struct Schedule: Sendable {
        /// The chosen plan, its runs and its statements.
        public struct Chosen: Sendable {
            public var plan: Advisor.SchedulePlan
            /// `advisor.replications` seeds, then held-out seeds.
            public var run: ScaleOutRun
            public var holdout: ScaleOutRun
            public var holdoutSeed: UInt64
            /// Statements per curve instant, in order.
            public var blocks: [(at: SimDuration, note: String, sql: [String])]
            /// Background executors are background workers: at least this many (a restart setting).
            public var maxWorkerProcesses: Int
        }

        /// Plans simulated (one replication each) and those that kept every objective.
        public var considered: Int
        public var meetingInSearch: Int
        /// Busy above this rate, per second.
        public var threshold: Double
        public var window: AdvisorSpec.Schedule
        /// The workload's rate curve (today's load) the plans were judged on.
        public var curve: RateCurve
        public var chosen: Chosen?

        /// The plan, its expected end and what it keeps, in a few sentences.
        public var verdict: String {
            let range = "\(Advisor.clock(window.from))–\(Advisor.clock(window.to))"
            guard let c = chosen else {
                return "No scale-out plan starting in \(range) keeps every objective while it runs (\(considered) plans tried, \(meetingInSearch) kept them on one replication but not with confidence): widen the window or add capacity before the load needs it."
            }
            let r = c.run
            let held = c.holdout.meetsSLODuringOperation ? "held-out seeds confirm it" : "HELD-OUT SEEDS MISS: \(c.holdout.during?.missText ?? "not finished")"
            return "Schedule: \(c.plan.label)\(c.plan.switches.isEmpty ? "" : " (\(c.plan.switches.count) limit change\(c.plan.switches.count == 1 ? "" : "s") where the rate crosses \(SizingRules.fixed(threshold, 0))/s)"); "
                + "it takes \(r.durationText ?? "?") and keeps every objective while it runs"
                + (r.tightest.map { " (tightest: \($0.objective) \(SLOCheck.show($0.measured.upper, $0.unit)) of \($0.targetText))" } ?? "")
                + "; the earliest end of the \(considered) plans tried for starts in \(range); \(held). The runbook is runbook.sql."
        }

        /// runbook.sql: each block under a comment with its instant on the workload's clock.
        public func runbookSQL(scenario: String, candidate: String) -> String {
            guard let c = chosen else { return "" }
            // Names come from input: a line break would end the comment and start SQL.
            let oneLine = { (text: String) in String(text.map { $0.isNewline ? " " : $0 }) }
            var lines = ["-- citus-sim scale-out schedule for \(oneLine(scenario)) (\(oneLine(candidate)))",
                         "-- \(c.plan.label)",
                         "-- Expected duration \(c.run.durationText ?? "?"); objectives during it: " + (c.run.during?.checks.map { "\($0.objective) \(SLOCheck.show($0.measured.upper, $0.unit)) (target \($0.targetText))" }.joined(separator: ", ") ?? ""),
                         "-- Instants are on the workload's clock (the scenario's rate curve; 0 = its start). A block's `at` is also a timeline `at`.",
                         "-- Before: max_worker_processes >= \(c.maxWorkerProcesses) on the coordinator (a restart setting)."]
            for b in c.blocks {
                lines.append("")
                lines.append("-- at \(Advisor.clock(b.at)) (\(Advisor.clockTime(b.at)) on the workload's clock; \(b.note))")
                lines += b.sql
            }
            lines.append("")
            lines.append("-- then wait for the job: SELECT citus_rebalance_wait();  or watch SELECT * FROM citus_rebalance_status();")
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
