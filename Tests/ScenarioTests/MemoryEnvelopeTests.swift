import Advisor
import Scenario
import Simulation
import Workload
import XCTest

/// Issue 18, memory: each node's envelope (shared_buffers plus its backends' private memory,
/// `NodeMemory`) against the RAM the OS leaves; a worker refuses a connection that would not fit
/// ("out of memory") and the run and the preflight say so.
final class MemoryEnvelopeTests: XCTestCase {
    /// 2 workers with 8 shards of `events` each (16 in all), fan-outs from many sessions, worker
    /// RAM `memoryGiB` (shared_buffers a quarter of it), `backendMemory` YAML and a coordinator
    /// of `coordinatorGiB`.
    func scenario(memoryGiB: Double, backendMemory: String = "", coordinatorGiB: Double = 32) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 5, duration: 40s, warmup: 5s, replications: 1, sample_interval: 10s}
            cluster:
              coordinator: {cores: 16, memory_gib: \(coordinatorGiB)}
              workers: {count: 2, cores: 2, memory_gib: \(memoryGiB), max_connections: 1000}
              tls: false
            \(backendMemory)
            citus: {shard_count: 16, max_adaptive_executor_pool_size: 16}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 200, total_size_gib: 0.1}
            workload:
              arrivals: {rate_per_second: 60, sessions: 300}
              classes:
                - {name: report, kind: multi_shard, share: 1, table: events, worker_cpu: {distribution: exponential, mean: 20ms}}
            """
        return try RunFixture.cluster(yaml, file: "memory.yaml")
    }

    func metrics(_ s: ClusterScenario) throws -> [String: Double] { try RunFixture.metrics(s) }

    /// A worker backend that read the worker's 8 shards: 6 MiB fresh, the first query's part and
    /// 8 × the bytes per shard (the defaults, from family g). With 2 GiB of RAM (0.5 GiB
    /// shared_buffers, 1 GiB for the OS) 0.5 GiB / that many backends fit: the run never holds
    /// more, refuses the rest as out of memory, and its fan-outs fail; with 16 GiB nothing is
    /// refused. The envelope's peak is shared_buffers + peak connections × a backend.
    func testAWorkerPastItsMemoryRefusesConnections() throws {
        let m = BackendMemory()
        let backend = m.freshBytes + m.workerFirstQueryBytes + 8 * m.workerBytesPerShard
        let fit = Int((0.5 * 1_073_741_824 / backend).rounded(.down))
        let small = try metrics(try scenario(memoryGiB: 2))
        XCTAssertGreaterThan(small["worker-1.out_of_memory_refusals"] ?? 0, 0)
        XCTAssertLessThanOrEqual(small["worker-1.connections_peak"] ?? .infinity, Double(fit))
        XCTAssertEqual(small["worker-1.memory_limit_gib"] ?? 0, 1, accuracy: 1e-12)
        XCTAssertEqual(small["worker-1.memory_peak_gib"] ?? 0, (0.5 * 1_073_741_824 + (small["worker-1.connections_peak"] ?? 0) * backend) / 1_073_741_824,
                       accuracy: 1e-9)
        XCTAssertLessThanOrEqual(small["worker-1.memory_peak_gib"] ?? .infinity, 1)
        XCTAssertGreaterThan(small["report.errors"] ?? 0, 0, "a fan-out whose connection was refused fails")
        XCTAssertEqual(small["worker-1.connections_refused"] ?? -1, 0, "max_connections (1000) is not what refused them")

        let large = try metrics(try scenario(memoryGiB: 16))
        XCTAssertEqual(large["worker-1.out_of_memory_refusals"] ?? -1, 0)
        XCTAssertGreaterThan(large["worker-1.connections_peak"] ?? 0, Double(fit), "the load wants more backends than 2 GiB holds")
    }

    /// The envelope over time (timeseries_nodes.csv `memory_gib`, the report's memory chart):
    /// per interval, shared_buffers plus the interval's peak backends, so never below the
    /// backends at its end and never above the RAM the OS leaves; with 2 GiB some interval
    /// reaches the last backend that fits, and the run's peak is the highest interval's.
    func testTheEnvelopeOverTimeFollowsThePeakConnections() throws {
        let s = try scenario(memoryGiB: 2)
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: s.run.seed)
        let m = BackendMemory()
        let backend = (m.freshBytes + m.workerFirstQueryBytes + 8 * m.workerBytesPerShard) / 1_073_741_824
        let rows = r.measurements.series
        XCTAssertEqual(rows.count, 4, "samples at 10, 20, 30 and 40 s, after the 5 s warm-up")
        for row in rows {
            XCTAssertEqual(row.memoryGiB.count, 3, "coordinator and 2 workers")
            let session = (m.freshBytes + m.coordinatorGrowth(shards: 16)) / 1_073_741_824
            // The coordinator: shared_buffers, its 300 client sessions and the result
            // tuplestores of the fan-outs running at the interval's peak, each 16 tasks × the
            // default 1 KiB of rows (under work_mem, so held whole).
            let tuplestores = (row.memoryGiB[0] - (32.0 / 4 + 300 * session)) * 1_073_741_824 / (16 * 1_024)
            XCTAssertEqual(tuplestores, tuplestores.rounded(), accuracy: 1e-3, "a whole number of fan-outs' tuplestores")
            XCTAssertGreaterThanOrEqual(tuplestores.rounded(), 1, "fan-outs run in every interval")
            XCTAssertLessThanOrEqual(tuplestores.rounded(), 300, "at most one per session")
            for w in 0..<2 {
                XCTAssertGreaterThanOrEqual(row.memoryGiB[w + 1], 0.5 + Double(row.connections[w]) * backend - 1e-9)
                XCTAssertLessThanOrEqual(row.memoryGiB[w + 1], 1 + 1e-9)
            }
        }
        let peak = rows.map { $0.memoryGiB[1] }.max() ?? 0
        XCTAssertGreaterThan(peak, 1 - backend)
        XCTAssertEqual(peak, r.metrics.first { $0.name == "worker-1.memory_peak_gib" }?.value ?? 0, accuracy: 1e-9)
    }

    /// `cluster.backend_memory` replaces the defaults: 100 MiB per fresh backend leaves room for
    /// 5 backends in the same 0.5 GiB. The coordinator's 300 sessions then take 29.3 GiB: it gets
    /// 64 GiB, or it would fail every fan-out for its own memory before any reached a worker.
    func testBackendMemoryIsAScenarioKey() throws {
        let s = try scenario(memoryGiB: 2, backendMemory: "  backend_memory: {fresh_mib: 100, worker_first_query_kib: 0, worker_bytes_per_shard: 0}",
                             coordinatorGiB: 64)
        XCTAssertEqual(s.cluster.backendMemory.freshBytes, 100 * 1_048_576)
        let m = try metrics(s)
        XCTAssertLessThanOrEqual(m["worker-1.connections_peak"] ?? .infinity, 5)
        XCTAssertGreaterThan(m["worker-1.out_of_memory_refusals"] ?? 0, 0)
        XCTAssertEqual(m["coordinator.out_of_memory_errors"], 0)
        let tightCoordinator = try metrics(try scenario(memoryGiB: 2, backendMemory: "  backend_memory: {fresh_mib: 100}"))
        XCTAssertGreaterThan(tightCoordinator["coordinator.out_of_memory_errors"] ?? 0, 0, "300 sessions of 100 MiB and 8 GiB of shared_buffers exceed 31 GiB")
        let warning = try Preflight(try scenario(memoryGiB: 2, backendMemory: "  backend_memory: {fresh_mib: 100}")).warnings.filter { $0.hasPrefix("the coordinator:") }
        XCTAssertEqual(warning.count, 1)
        XCTAssertTrue(warning.first?.contains("every fan-out that gathers rows fails with out of memory") == true, "\(warning)")
        XCTAssertThrowsError(try scenario(memoryGiB: 2, backendMemory: "  backend_memory: {fresh_mib: -1}"))
    }

    /// The page cache is the RAM the OS leaves beyond shared_buffers and the backends that stay
    /// open (`NodeMemory.residentBackends`): each client session's cached connection and the
    /// maintenance daemon's, each a warm backend. With 300 sessions that is 301 backends; with
    /// `max_cached_conns_per_worker: 0` only the daemon's.
    func testThePageCacheIsWhatTheResidentBackendsLeave() throws {
        let s = try scenario(memoryGiB: 16)
        XCTAssertEqual(NodeMemory.residentBackends(s, worker: 0), 301)
        let m = BackendMemory()
        let backend = m.freshBytes + m.workerFirstQueryBytes + 8 * m.workerBytesPerShard
        let gib = 1_073_741_824.0
        let envelope = NodeMemory.envelope(scenario: s, layout: try ClusterRun.layout(for: s))
        XCTAssertEqual(envelope.workers[0].pageCacheBytes(backends: 301), 16 * gib - 1 * gib - 4 * gib - 301 * backend, accuracy: 1e-3)
        XCTAssertEqual(NodeMemory.cacheBytes(s, node: s.cluster.worker), 16 * gib - 1 * gib - 301 * backend, accuracy: 1e-3,
                       "shared_buffers and the page cache, each worker holding 8 of the 16 shards")
        var uncached = s
        uncached.citus.maxCachedConnsPerWorker = 0
        XCTAssertEqual(NodeMemory.residentBackends(uncached, worker: 0), 1)
    }

    /// More client sessions keep more backends open on every worker, so a worker whose data does
    /// not fit in its cache reads more from disk: 10 GiB of data per worker, 16 GiB of RAM, and
    /// 20 against 990 sessions (about 6 GiB of backends).
    func testMoreSessionsLeaveLessPageCache() throws {
        func hitRatio(sessions: Int) throws -> Double {
            var s = try scenario(memoryGiB: 16)
            s.workload.arrivals = .open(.constant(60), sessions: sessions)
            s.workload.tenants = try TenantPopulation(count: 200, totalBytes: 20 * 1_073_741_824, sizeExponent: 1.0, activityExponent: 1.0)
            let layout = try ClusterRun.layout(for: s)
            let hits = layout.tenantHitRatio[0]
            return hits.reduce(0, +) / Double(hits.count)
        }
        let few = try hitRatio(sessions: 20), many = try hitRatio(sessions: 990)
        XCTAssertLessThan(few, 1, "the data does not fit")
        XCTAssertLessThan(many, few - 0.01)
    }

    /// The preflight says it before the run: max_connections backends do not fit in 2 GiB, and
    /// from how many connections on they fail; 16 GiB hold them all.
    func testPreflightWarnsOfTheEnvelope() throws {
        let warnings = try Preflight(try scenario(memoryGiB: 2)).warnings.filter { $0.contains("out of memory") }
        XCTAssertEqual(warnings.count, 2, "\(warnings)")
        XCTAssertTrue(warnings[0].hasPrefix("worker-1: 997 backends (max_connections − 3)"), warnings[0])
        XCTAssertTrue(try Preflight(try scenario(memoryGiB: 16)).warnings.filter { $0.contains("out of memory") }.isEmpty)
    }
}
