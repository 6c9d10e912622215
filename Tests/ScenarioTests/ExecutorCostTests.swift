import Scenario
import SimCore
import Simulation
import XCTest

/// The executor's costs that sit in one coordinator backend or in a cold worker backend
/// (issue 18): per shard task and the client side of each new connection, one job at a time
/// in the query's backend, and a shard task on a backend opened for this query. Each defaults
/// to the lab's fit; here the others are 0 and each is set alone on a free cluster.
final class ExecutorCostTests: XCTestCase {
    /// One client, `think` between queries, no network or executor cost but `extra`.
    func scenario(kind: String = "multi_shard", shards: Int = 2, workers: Int = 2, pool: Int = 16, think: String = "5s", duration: String = "7s", extra: String) throws -> ClusterScenario {
        let zeroed = ["task_coordinator_cpu", "cold_task_worker_cpu"].filter { !extra.contains($0) }.map { "  \($0): 0us" }.joined(separator: "\n")
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 3, duration: \(duration), warmup: 0s, replications: 1, sample_interval: 1s}
            cluster:
              coordinator: {cores: 4, memory_gib: 8}
              workers: {count: \(workers), cores: 4, memory_gib: 8}
              network_latency: 0us
              tls: false
              connection_setup_cpu: 0us
            \(zeroed)
            \(extra)
            citus: {shard_count: \(shards), max_adaptive_executor_pool_size: \(pool)}
            tables:
              - {name: t, type: distributed}
            tenants: {count: 100, total_size_gib: 0.01}
            workload:
              clients: {count: 1, think_time: {distribution: constant, value: \(think)}}
              classes:
                - {name: q, kind: \(kind), share: 1, table: t, coordinator_cpu: {distribution: constant, value: 2ms}, worker_cpu: {distribution: constant, value: 1ms}}
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "executor.yaml", name: "executor")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    func meanLatencyMs(_ s: ClusterScenario) throws -> Double {
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1)
        return try XCTUnwrap(r.metrics.first { $0.name == "q.latency_mean_ms" }?.value)
    }

    /// task_coordinator_cpu: the backend builds each shard task before it goes out. Over one
    /// connection (pool size 1) a lone fan-out runs 32 tasks in turn, each 1 ms on the
    /// coordinator then 1 ms on the worker: 1 + 32 × 2 + 1 ms instead of 1 + 32 + 1. A router
    /// query is not charged.
    func testPerTaskCoordinatorCostGrowsAFanOutWithItsShards() throws {
        // (Each task also takes one 1 µs step of the simulator's clock on its way back: 32 µs.)
        let base = try meanLatencyMs(try scenario(shards: 32, workers: 1, pool: 1, extra: ""))
        XCTAssertEqual(base, 34 + 0.032, accuracy: 0.001)
        XCTAssertEqual(try meanLatencyMs(try scenario(shards: 32, workers: 1, pool: 1, extra: "  task_coordinator_cpu: 1ms")) - base, 32, accuracy: 0.001)
        // Two connections to each of two workers share the one backend: its 32 ms are the floor.
        XCTAssertGreaterThanOrEqual(try meanLatencyMs(try scenario(shards: 32, extra: "  task_coordinator_cpu: 1ms")), 1 + 32 + 1 + 1 - 0.01)
        let router = try meanLatencyMs(try scenario(kind: "router", shards: 32, extra: ""))
        XCTAssertEqual(try meanLatencyMs(try scenario(kind: "router", shards: 32, extra: "  task_coordinator_cpu: 1ms")), router, accuracy: 1e-9)
    }

    /// connection_setup_coordinator_cpu: the first fan-out of a session opens one connection
    /// per worker at once; the backend does its part of each in turn, so with 4 cores free the
    /// second worker's connection is ready 50 ms after the first, not with it.
    func testClientSideSetUpsRunOneAtATimeInTheBackend() throws {
        let one = try meanLatencyMs(try scenario(shards: 1, workers: 1, extra: "  connection_setup_coordinator_cpu: 50ms"))
        let two = try meanLatencyMs(try scenario(shards: 2, workers: 2, extra: "  connection_setup_coordinator_cpu: 50ms"))
        // 2 ms planning (half the coordinator CPU: 1 ms), set-ups, 1 ms task, 1 ms merge.
        XCTAssertEqual(one, 1 + 50 + 1 + 1, accuracy: 0.01)
        XCTAssertEqual(two, 1 + 50 + 50 + 1 + 1, accuracy: 0.01)
    }

    /// cold_task_worker_cpu: a task on a connection opened for this query pays it; the next
    /// query reuses the session's cached connection and does not. Two queries 5 s apart:
    /// the mean rises by half the cost.
    func testATaskOnANewBackendPaysTheColdCost() throws {
        let warm = try meanLatencyMs(try scenario(kind: "router", shards: 1, workers: 1, duration: "12s", extra: ""))
        let cold = try meanLatencyMs(try scenario(kind: "router", shards: 1, workers: 1, duration: "12s", extra: "  cold_task_worker_cpu: 20ms"))
        XCTAssertEqual(cold - warm, 20 / 2, accuracy: 0.01)
    }
}
