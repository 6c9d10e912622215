import QueueingModels
import SimCore
import Simulation
import Workload
import XCTest

final class ClusterQueueingTests: XCTestCase {
    func replicate(_ scenario: ClusterScenario, _ metric: String) throws -> ConfidenceInterval {
        let layout = try ClusterRun.layout(for: scenario)
        let reps = try Replications(baseSeed: scenario.run.seed, count: scenario.run.replications)
        let values = reps.run(threads: 2) { _, seed in (try? ClusterRun.run(scenario, layout: layout, seed: seed).value(metric)) ?? .nan }
        return try ConfidenceInterval(samples: values)
    }

    /// One worker with 4 cores, Poisson arrivals at ρ = 0.8, router queries with exponential
    /// CPU and every other cost zero: the cluster is an M/M/4 processor-sharing queue.
    func testRouterQueriesOnOneWorkerAreMMcProcessorSharing() throws {
        let scenario = try ScenarioBuilder.scenario(
            classes: [ScenarioBuilder.router(cpu: .exponential(mean: 0.01))],
            arrivals: .open(.constant(320), sessions: 500), duration: .seconds(220), warmup: .seconds(20), replications: 10)
        let exact = QueueingFormulas.mmcMeanResponse(servers: 4, arrivalRate: 320, meanService: 0.01) * 1e3
        let ci = try replicate(scenario, "lookup.latency_mean_ms")
        print("cluster M/M/4-PS: \(ci.mean) ± \(ci.halfWidth) ms, exact \(exact)")
        XCTAssertLessThan(ci.halfWidth, 0.03 * exact)
        XCTAssertEqual(ci.mean, exact, accuracy: 0.03 * exact)
    }
}
