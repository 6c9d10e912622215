import Scenario
import SimCore
import Simulation
import XCTest

/// What several scenario tests share: a cluster scenario from YAML text, one run's metrics
/// (metrics.csv) by name, and a run's model at its end (for its accounting).
enum RunFixture {
    /// The cluster scenario in `yaml`, as if read from `file` (errors name it, with line and column).
    static func cluster(_ yaml: String, file: String) throws -> ClusterScenario {
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: file, name: String(file.prefix { $0 != "." }))
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    /// One run of `s` with its own seed: each metric by name.
    static func metrics(_ s: ClusterScenario) throws -> [String: Double] {
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: s.run.seed)
        return Dictionary(r.metrics.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// `s` run with `seed` for its whole duration, warm-up included: the model at the end.
    static func runToEnd(_ s: ClusterScenario, seed: UInt64) throws -> ClusterSimulation {
        var engine = Engine(model: try ClusterSimulation(scenario: s, layout: try ClusterRun.layout(for: s), seed: seed))
        engine.model.start(&engine.scheduler)
        _ = engine.run(until: .zero + s.run.duration)
        return engine.model
    }
}
