import SimCore
import Simulation

/// A configuration simulated with several replications: every summary figure with its
/// confidence interval, and the SLO checks on them.
public struct Evaluation: Sendable {
    public var intervals: [(name: String, interval: ConfidenceInterval)]
    public var checks: [SLOCheck]
    public var replications: Int
    public var seed: UInt64

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

    /// Every SLO met with confidence (upper ends within targets).
    public var meets: Bool { checks.allSatisfy(\.met) }
    public var misses: [SLOCheck] { checks.filter { !$0.met } }
    /// The largest upper-end / target ratio: the tightest objective (above 1 misses).
    public var worstRatio: Double { checks.map(\.ratio).max() ?? 0 }
    /// One line: what it misses, or "meets every SLO".
    public var missText: String { meets ? "meets every SLO" : "misses " + misses.map(\.missText).joined(separator: "; ") }
}
