import ClusterModel
import Scenario
import SimCore
import Simulation
import XCTest

/// Schema-based sharding (`citus.enable_schema_based_sharding`): every tenant is a schema
/// whose tables are single-shard tables colocated within it; each schema's group goes to
/// sorted shard node colocationId mod W (FACTS A.5), and its queries are router queries.
final class SchemaBasedShardingTests: XCTestCase {
    func scenario(tenants: Int = 30, rate: Double = 2_000, items: String = "", classes: String? = nil, extra: String = "") throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 4, duration: 60s, warmup: 5s, replications: 1}
            cluster:
              coordinator: {cores: 8, memory_gib: 32}
              workers: {count: 3, cores: 4, memory_gib: 32}
            citus: {enable_schema_based_sharding: true}
            tables:
              - {name: plans, type: reference, size_mib: 5}
              - {name: orders, type: distributed, data_share: 0.7}
              - {name: items, type: distributed, data_share: 0.3\(items)}
            tenants: {count: \(tenants), total_size_gib: 3, size_zipf: 1.0, activity_zipf: 0.8}
            workload:
              arrivals: {rate_per_second: \(rate), sessions: 40}
              classes:
            \(classes ?? "    - {name: lookup, kind: router, share: 1, table: orders, worker_cpu: {distribution: exponential, mean: 1ms}}")
            \(extra)
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "schemas.yaml", name: "schemas")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    /// Each schema's tables share one node, the one Citus's rule gives its colocation group;
    /// consecutive schemas rotate over the sorted workers.
    func testSchemasArePlacedByTheirColocationGroup() throws {
        let layout = try ClusterRun.layout(for: try scenario())
        let workers = layout.workerIDs
        for r in 1...30 {
            let group = try XCTUnwrap(layout.state.table("tenant_\(r).orders")).colocationID
            XCTAssertEqual(layout.state.table("tenant_\(r).items")?.colocationID, group, "colocated within the schema")
            let expected = WorkerIndex(Int(group.rawValue) % workers.count)
            XCTAssertEqual(layout.tenantShard[1][r - 1], ShardIndex(r - 1))
            XCTAssertEqual(layout.shardWorker[1][r - 1], expected, "tenant \(r)")
            XCTAssertEqual(layout.shardWorker[2][r - 1], expected, "tenant \(r)")
            if r > 1 { XCTAssertNotEqual(layout.shardWorker[1][r - 1], layout.shardWorker[1][r - 2]) }
        }
        XCTAssertEqual(layout.workerBytes.reduce(0, +), 3 * 1_073_741_824 + 3 * 5 * 1_048_576, accuracy: 1e3, "every tenant's data, plus a reference replica per worker")
    }

    /// Each worker's CPU is the offered load of the schemas it holds: λ × their activity
    /// share × 1 ms over 4 cores (within 5%).
    func testQueriesGoToTheirSchemasWorker() throws {
        let s = try scenario()
        let layout = try ClusterRun.layout(for: s)
        let r = try ClusterRun.run(s, layout: layout, seed: 2)
        let activity = s.workload.tenants.activity, total = activity.reduce(0, +)
        for w in 0..<3 {
            let share = (0..<30).filter { layout.shardWorker[1][$0] == WorkerIndex(w) }.reduce(0.0) { $0 + activity[$1] } / total
            XCTAssertEqual(r.value("worker-\(w + 1).cpu_utilization"), 2_000 * share * 0.001 / 4, accuracy: 2_000 * share * 0.001 / 4 * 0.05, "worker \(w + 1)")
        }
        XCTAssertEqual(r.value("error_rate"), 0)
    }

    /// What is not simulated is refused with the setting's location, all at once; a timeline
    /// is not among it (SchemaTimelineTests).
    func testFanOutsAndShardCountsAreRefused() throws {
        let fanOut = "    - {name: report, kind: multi_shard, share: 1, table: orders, worker_cpu: {distribution: exponential, mean: 1ms}}"
        XCTAssertThrowsError(try scenario(classes: fanOut, extra: "timeline:\n  - {at: 10s, event: rate_multiplier, factor: 2}")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("schemas.yaml:7:39: error: schema-based sharding: class `report` (multi_shard) would query every tenant's schema"), text)
            XCTAssertEqual(text.components(separatedBy: "error:").count, 2, "one error, the fan-out: \(text)")
        }
        XCTAssertThrowsError(try scenario(items: ", shard_count: 4")) { error in
            XCTAssertTrue("\(error)".contains("error: schema-based sharding: table `items` has one shard in each tenant's schema"), "\(error)")
        }
        XCTAssertThrowsError(try scenario(tenants: 1_000_001)) { error in
            XCTAssertTrue("\(error)".contains("this build places up to 1,000,000 schemas"), "\(error)")
        }
    }
}
