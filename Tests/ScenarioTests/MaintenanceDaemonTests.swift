import Scenario
import Simulation
import XCTest

/// The maintenance daemon's connections (deadlock detection) towards workers the timeline adds.
final class MaintenanceDaemonTests: XCTestCase {
    /// A worker added at 20 s gets the daemon's connection once it is in the metadata: it holds
    /// one backend there from then on (no query goes to it: it has no shards), and none with
    /// deadlock detection off.
    func testAnAddedWorkerHoldsTheDaemonsConnection() throws {
        func added(factor: Int) throws -> (peak: Double, mean: Double, first: Double) {
            let yaml = """
                version: 1
                kind: cluster
                run: {seed: 3, duration: 40s, warmup: 0s, replications: 1, sample_interval: 10s}
                cluster:
                  coordinator: {cores: 8, memory_gib: 32}
                  workers: {count: 2, cores: 8, memory_gib: 64}
                citus: {shard_count: 8, distributed_deadlock_detection_factor: \(factor)}
                tables:
                  - {name: events, type: distributed}
                tenants: {count: 50, total_size_gib: 1}
                workload:
                  arrivals: {rate_per_second: 50}
                  classes:
                    - {name: lookup, kind: router, share: 1, worker_cpu: {distribution: constant, value: 1ms}}
                timeline:
                  - {at: 20s, sql: "SELECT citus_add_node('worker-3', 5432);"}
                """
            let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "daemon.yaml", name: "daemon")
            guard case .cluster(let cluster) = loaded else { throw XCTSkip("not a cluster scenario") }
            let r = try ClusterRun.run(cluster, layout: try ClusterRun.layout(for: cluster), seed: 1)
            return (r.value("worker-3.connections_peak"), r.value("worker-3.connections_mean"), r.value("worker-1.connections_peak"))
        }
        let on = try added(factor: 2), off = try added(factor: -1)
        XCTAssertEqual(on.peak, 1)
        XCTAssertEqual(on.mean, 0.5, accuracy: 0.01, "held for the last 20 of 40 s")
        XCTAssertEqual(off.peak, 0)
        XCTAssertEqual(on.first, off.first + 1, "an initial worker holds it from the start")
    }
}
