import ParallelRuns
import QueueingModels
import Scenario
import SimCore

/// The replications of a `kind: station` scenario: each metric's confidence interval.
public struct StationExperiment {
    public var scenario: StationScenario
    /// Each metric's interval, in the model's metric order.
    public var intervals: [(name: String, interval: ConfidenceInterval)]
    /// Events handled in all replications together.
    public var events: UInt64

    public init(scenario: StationScenario, intervals: [(name: String, interval: ConfidenceInterval)], events: UInt64) {
        self.scenario = scenario
        self.intervals = intervals
        self.events = events
    }

    /// Runs every replication of `scenario` on `threads` threads; results do not depend on `threads`.
    public static func run(_ scenario: StationScenario, threads: Int) throws -> StationExperiment {
        let reps = try Replications(baseSeed: scenario.run.seed, count: scenario.run.replications)
        let config = scenario.station
        let results = reps.run(threads: threads) { _, seed in Result { try StationRun.run(config, seed: seed) } }
        let runs = try results.map { try $0.get() }
        let intervals = try Replications.summarize(runs.map(\.metrics), level: scenario.run.confidence)
        return StationExperiment(scenario: scenario, intervals: intervals, events: runs.reduce(0) { $0 + $1.events })
    }
}
