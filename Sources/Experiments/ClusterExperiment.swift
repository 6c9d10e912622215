import ParallelRuns
import Scenario
import SimCore
import Simulation
import Workload

/// The replications of a `kind: cluster` scenario: every summary figure with a confidence
/// interval over the replications; time series, tenants and statements from the first.
public struct ClusterExperiment {
    public var scenario: ClusterScenario
    public var intervals: [(name: String, interval: ConfidenceInterval)]
    public var first: ClusterRunResult
    /// Events handled in all replications together.
    public var events: UInt64
    public var layout: SimulationLayout

    /// Runs every replication on `threads` threads; results do not depend on `threads`.
    /// With `replay`, every replication replays that trace; with `recordTrace`, the first
    /// replication's requests are kept in `first.trace`.
    public static func run(_ scenario: ClusterScenario, threads: Int, replay: RequestTrace? = nil, recordTrace: Bool = false,
                           progress: (@Sendable (Int) -> Void)? = nil) throws -> ClusterExperiment {
        let layout = try ClusterRun.layout(for: scenario)
        let reps = try Replications(baseSeed: scenario.run.seed, count: scenario.run.replications)
        let results = reps.run(threads: threads, finished: progress) { i, seed in
            Result { try ClusterRun.run(scenario, layout: layout, seed: seed, replay: replay, record: recordTrace && i == 0) }
        }
        let runs = try results.map { try $0.get() }
        return ClusterExperiment(scenario: scenario, intervals: try Replications.summarize(runs.map(\.metrics), level: scenario.run.confidence),
                                 first: runs[0], events: runs.reduce(0) { $0 + $1.events }, layout: layout)
    }
}
