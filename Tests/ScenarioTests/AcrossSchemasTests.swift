import ClusterModel
import Scenario
import SimCore
import Simulation
import Workload
import XCTest

/// Queries that read across tenant schemas (`kind: across_schemas`): Citus plans each schema's
/// part as a subplan (each schema is its own colocation group, so the router planner refuses
/// the query) and runs the subplans one after another, each a one-task query on its schema's
/// node, then the outer query on the coordinator.
final class AcrossSchemasTests: XCTestCase {
    func scenario(rate: Double = 50, schemas: Int = 10, classes: String? = nil, citus: String = "{enable_schema_based_sharding: true}",
                  run: String = "{seed: 4, duration: 60s, warmup: 5s, replications: 1}", extra: String = "") throws -> ClusterScenario {
        let rollup = "    - {name: rollup, kind: across_schemas, schemas: \(schemas), share: 1, table: orders, worker_cpu: {distribution: constant, value: 2ms}, coordinator_cpu: {distribution: constant, value: 1ms}, result_bytes_kib: 0}"
        let yaml = """
            version: 1
            kind: cluster
            run: \(run)
            cluster:
              coordinator: {cores: 8, memory_gib: 32}
              workers: {count: 4, cores: 8, memory_gib: 32}
            citus: \(citus)
            tables:
              - {name: orders, type: distributed}
            tenants: {count: 200, total_size_gib: 3, size_zipf: 1.0, activity_zipf: 0.8}
            workload:
              arrivals: {rate_per_second: \(rate), sessions: 20}
              classes:
            \(classes ?? rollup)
            \(extra)
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "across.yaml", name: "across")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    /// On an idle cluster with constant demands, a query over K schemas takes its planning and
    /// outer query on the coordinator plus K round trips each with its subplan's worker CPU and
    /// its coordinator CPU (planning the subplan, and its one shard task's):
    /// one after another, not in parallel (a fan-out would take about one round trip).
    func testSubplansRunOneAfterAnother() throws {
        for k in [2, 10] {
            let s = try scenario(schemas: k)
            let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1)
            let roundTrip = 2 * s.cluster.networkLatency.seconds * 1_000
            let perSubplan = (s.cluster.subplanCoordinatorCPU + s.cluster.taskCoordinatorCPU).seconds * 1_000
            let expected = 1 + Double(k) * (2 + roundTrip + perSubplan)
            XCTAssertEqual(r.value("rollup.latency_p50_ms"), expected, accuracy: 0.02, "\(k) schemas")
            XCTAssertEqual(r.value("rollup.latency_mean_ms"), expected, accuracy: expected * 0.02, "\(k) schemas")
            XCTAssertEqual(r.value("error_rate"), 0)
        }
    }

    /// Each subplan runs on its schema's worker, the schemas drawn by the tenants' activity:
    /// worker w's CPU is λ × K × (activity share of its schemas) × 2 ms over 8 cores (within 5%).
    func testSubplansRunOnTheirSchemasWorkers() throws {
        let s = try scenario(rate: 400, schemas: 5)
        let layout = try ClusterRun.layout(for: s)
        let r = try ClusterRun.run(s, layout: layout, seed: 2)
        let activity = s.workload.tenants.activity, total = activity.reduce(0, +)
        for w in 0..<4 {
            let share = (0..<200).filter { layout.worker(table: 0, tenant: TenantIndex($0)) == WorkerIndex(w) }.reduce(0.0) { $0 + activity[$1] } / total
            let expected = 400 * 5 * share * 0.002 / 8
            XCTAssertEqual(r.value("worker-\(w + 1).cpu_utilization"), expected, accuracy: expected * 0.05, "worker \(w + 1)")
        }
    }

    /// Subplans use the session's cached connection to each worker: sequential subplans never
    /// need a second one, so no worker ever holds more connections than there are sessions
    /// (plus the maintenance daemon's one).
    func testSubplansReuseTheSessionsConnections() throws {
        let s = try scenario(rate: 200, schemas: 20)
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 3)
        for w in 1...4 {
            XCTAssertGreaterThan(r.value("worker-\(w).connections_peak"), 0)
            XCTAssertLessThanOrEqual(r.value("worker-\(w).connections_peak"), 20 + 1, "worker \(w)")
        }
    }

    /// A statement_timeout shorter than the subplans stops the query: the client gets a
    /// timeout, no further subplan starts, and the run goes on.
    func testTimeoutStopsFurtherSubplans() throws {
        let s = try scenario(rate: 20, schemas: 10, citus: "{enable_schema_based_sharding: true, statement_timeout: 10ms}")
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 4)
        XCTAssertEqual(r.value("timeout_rate"), 1, "every query needs about 26 ms")
        XCTAssertEqual(r.value("rollup.errors"), 0)
        // Worker CPU per query, in subplans: 3 of the 10 end within 10 ms (1 ms planning, then
        // 2.5 ms each) and the fourth is cancelled on the worker's CPU.
        let perQuery = (1...4).map { r.value("worker-\($0).cpu_utilization") }.reduce(0, +) * 8 / (20 * 0.002)
        XCTAssertLessThan(perQuery, 5, "subplans started per query")
        XCTAssertGreaterThan(perQuery, 3, "subplans started per query")
    }

    /// Moving a schema (block_writes) while queries read across schemas: reads are not blocked,
    /// every query completes.
    func testSchemaMoveDoesNotStopReadsAcrossSchemas() throws {
        let s = try scenario(rate: 50, schemas: 10, extra: """
            timeline:
              - at: 10s
                sql: |
                  SELECT citus_schema_move('tenant_1', 'worker-2', 5432, 'block_writes');
            """)
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 5)
        XCTAssertEqual(r.value("error_rate"), 0)
        XCTAssertEqual(r.value("timeout_rate"), 0)
        XCTAssertEqual(r.value("rollup.throughput_per_second"), 50, accuracy: 5)
    }

    /// What an across_schemas class cannot be is refused at its line, with what would be valid.
    func testInvalidClassesAreRefused() throws {
        func refused(_ text: String, _ build: () throws -> ClusterScenario, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try build(), file: file, line: line) { error in
                XCTAssertTrue("\(error)".contains(text), "\(error)", file: file, line: line)
            }
        }
        refused("across.yaml:14:28: error: class `rollup` is across_schemas, which reads tenant schemas: set `citus.enable_schema_based_sharding: true`") {
            try scenario(citus: "{}")
        }
        refused("`workload.classes[0].schemas` is 500; there are 200 tenant schemas") { try scenario(schemas: 500) }
        refused("error: `workload.classes[0].schemas` is 1; expected an integer in 2...100000") { try scenario(schemas: 1) }
        let update = "    - {name: rollup, kind: across_schemas, schemas: 3, command: update, share: 1, table: orders, worker_cpu: {distribution: constant, value: 2ms}}"
        refused("an across_schemas class reads (Citus plans each schema's part as a read-only subplan)") { try scenario(classes: update) }
        let work = "    - {name: rollup, kind: across_schemas, schemas: 3, fan_out_work: split, share: 1, table: orders, worker_cpu: {distribution: constant, value: 2ms}}"
        refused("an across_schemas query runs one subplan per schema it reads") { try scenario(classes: work) }
        let router = "    - {name: lookup, kind: router, schemas: 3, share: 1, table: orders, worker_cpu: {distribution: constant, value: 2ms}}"
        refused("`workload.classes[0].schemas` is for `kind: across_schemas`") { try scenario(classes: router) }
    }
}
