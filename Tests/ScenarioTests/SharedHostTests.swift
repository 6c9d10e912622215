import Scenario
import Simulation
import XCTest

/// `cluster.shared_host_cores`: every node's work shares one host's CPU, as the lab's nodes share
/// one machine (Lab/README.md).
final class SharedHostTests: XCTestCase {
    /// 8 clients running a 32-shard fan-out of 2 ms per shard task back to back, on a
    /// coordinator and 3 workers of 2 cores each, or on one 2-core host.
    func scenario(sharedHost: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 5, duration: 30s, warmup: 5s, replications: 1, sample_interval: 5s}
            cluster:
              coordinator: {cores: 2, memory_gib: 8}
              workers: {count: 3, cores: 2, memory_gib: 8}
            \(sharedHost)
            citus: {shard_count: 32}
            tables:
              - {name: t, type: distributed}
            tenants: {count: 1000, total_size_gib: 0.01, size_zipf: 0, activity_zipf: 0}
            workload:
              clients: {count: 8, think_time: {distribution: constant, value: 0ms}}
              classes:
                - {name: q, kind: multi_shard, share: 1, table: t, worker_cpu: {distribution: constant, value: 2ms}, coordinator_cpu: {distribution: constant, value: 0.2ms}}
            """
        return try RunFixture.cluster(yaml, file: "shared-host.yaml")
    }

    func metrics(_ s: ClusterScenario) throws -> [String: Double] { try RunFixture.metrics(s) }

    func testNodesOnOneHostShareItsCores() throws {
        let alone = try metrics(try scenario(sharedHost: ""))
        let shared = try metrics(try scenario(sharedHost: "  shared_host_cores: 2"))
        // A query needs 32 × 2 ms on the workers and 0.2 ms (plus connection set-up) on the
        // coordinator: one 2-core host runs at most 2 / 0.0642 ≈ 31 of them a second.
        let bound = 2 / (32 * 0.002 + 0.0002)
        let sharedRate = try XCTUnwrap(shared["throughput_per_second"]), aloneRate = try XCTUnwrap(alone["throughput_per_second"])
        XCTAssertLessThanOrEqual(sharedRate, bound * 1.01)
        XCTAssertGreaterThan(aloneRate, 2 * sharedRate, "6 worker cores of their own run more than twice as many")
        // Every node reports the host's CPU.
        let host = try XCTUnwrap(shared["worker-1.cpu_utilization"])
        XCTAssertGreaterThan(host, 0.9, "8 clients keep the host busy")
        XCTAssertEqual(shared["worker-3.cpu_utilization"], host)
        XCTAssertEqual(shared["coordinator.cpu_utilization"], host)
        XCTAssertLessThan(try XCTUnwrap(alone["coordinator.cpu_utilization"]), 0.5)
    }

    func testRefusesAHostWithoutCores() throws {
        XCTAssertThrowsError(try scenario(sharedHost: "  shared_host_cores: 0")) { error in
            XCTAssertTrue("\(error)".contains("shared_host_cores"), "\(error)")
        }
    }
}
