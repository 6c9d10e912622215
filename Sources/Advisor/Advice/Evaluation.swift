import SimCore
import Simulation

/// A configuration simulated with several replications: every summary figure with its
/// confidence interval, and the SLO checks on them.
public struct Evaluation: Sendable {
    public var intervals: [(name: String, interval: ConfidenceInterval)]
    public var checks: [SLOCheck]
    public var replications: Int
    public var seed: UInt64
    /// Classes with no query answered in some replication (every one failed or timed out):
    /// their latency is undefined there, so it is not measured (an operation's window). Those
    /// with a latency objective miss it.
    public var unanswered: [String] = []
    public var unansweredObjectives: [String] = []

    public init(intervals: [(name: String, interval: ConfidenceInterval)], slo: SLOSpec, replications: Int, seed: UInt64) {
        self.intervals = intervals
        self.replications = replications
        self.seed = seed
        // A run of several coordinators reports the busiest one's CPU: the objective reads it.
        checks = slo.checks({ name in intervals.first { $0.name == name }?.interval },
                            severalCoordinators: intervals.contains { $0.name == "coordinator_cpu_utilization_max" })
    }

    /// An evaluation judged by `checks` already made (e.g. `SLOSpec.operationChecks`).
    public init(intervals: [(name: String, interval: ConfidenceInterval)], checks: [SLOCheck], replications: Int, seed: UInt64) {
        self.intervals = intervals
        self.checks = checks
        self.replications = replications
        self.seed = seed
    }

    public func interval(_ name: String) -> ConfidenceInterval? { intervals.first { $0.name == name }?.interval }

    /// Every SLO met with confidence (upper ends within targets), and every class with a
    /// latency objective answered.
    public var meets: Bool { checks.allSatisfy(\.met) && unansweredObjectives.isEmpty }
    public var misses: [SLOCheck] { checks.filter { !$0.met } }
    /// Neither met nor missed beyond doubt: no objective's interval lies wholly above its target
    /// (and every class with an objective answered), yet some interval holds its target. More
    /// replications narrow the intervals and can settle the verdict either way.
    public var undecided: Bool {
        !meets && unansweredObjectives.isEmpty && !checks.contains(where: \.missedBeyondDoubt)
    }
    /// The largest upper-end / target ratio: the tightest objective (above 1 misses).
    public var worstRatio: Double { unansweredObjectives.isEmpty ? checks.map(\.ratio).max() ?? 0 : .infinity }
    /// One line: what it misses, or "meets every SLO".
    public var missText: String {
        let missed = misses.map(\.missText) + unansweredObjectives.map { "\($0) p99: no query answered" }
        let unjudged = unanswered.filter { !unansweredObjectives.contains($0) }.map { "; no \($0) query answered" }.joined()
        return (missed.isEmpty ? "meets every SLO" : "misses " + missed.joined(separator: "; ")) + unjudged
    }
}
