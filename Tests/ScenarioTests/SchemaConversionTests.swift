import ClusterModel
import Runbook
import SQL
import Scenario
import SimCore
import Simulation
import XCTest

/// `citus_schema_undistribute` and `citus_schema_distribute` in a timeline: each copies the
/// schema's data (to the coordinator's local tables, or back into a new single-shard group on
/// the node Citus's rule picks), the schema's writes wait for the whole copy while its reads go
/// on, and once the metadata switches its queries run where the data now is.
final class SchemaConversionTests: XCTestCase {
    /// 200 tenant schemas on 4 workers; constant 1 ms queries at a light load, so a query's
    /// latency is 0.2 ms planning + 1 ms + the 0.5 ms round trip (none on the coordinator).
    func scenario(coordinator: String = "", timeline: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 4, duration: 180s, warmup: 0s, replications: 1, sample_interval: 5s, watch_tenants: [1]}
            cluster:
              coordinator: {cores: 8, memory_gib: 32, max_connections: 1000}
              workers: {count: 4, cores: 8, memory_gib: 32, max_connections: 1000}\(coordinator)
            citus: {enable_schema_based_sharding: true, max_shared_pool_size: 900}
            tables:
              - {name: orders, type: distributed, data_share: 0.7, secondary_indexes: 2}
              - {name: items, type: distributed, data_share: 0.3}
            tenants: {count: 200, total_size_gib: 6, size_zipf: 1.0, activity_zipf: 0.8}
            workload:
              arrivals: {rate_per_second: 200, sessions: 400}
              classes:
                - {name: lookup, kind: router, share: 0.8, table: orders, worker_cpu: {distribution: constant, value: 1ms}}
                - {name: update, kind: router, command: update, share: 0.2, table: orders, worker_cpu: {distribution: constant, value: 1ms}, write_bytes_kib: 4}
            timeline:
            \(timeline)
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "conversion.yaml", name: "conversion")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    func nodes(of schema: String, in state: ClusterState) -> [String] {
        ["orders", "items"].compactMap { t in state.shards(of: "\(schema).\(t)").first.flatMap { state.placements(of: $0.id).first }.flatMap { state.node($0.node)?.name } }
    }

    func testUndistributeThenDistributeCopiesTheSchemaBothWays() throws {
        let statements = ["SELECT citus_schema_undistribute('tenant_1');", "SELECT citus_schema_distribute('tenant_1');"]
        let s = try scenario(timeline: """
              - {at: 10s, sql: "\(statements[0])"}
              - {at: 90s, sql: "\(statements[1])"}
            """)
        let before = try ClusterRun.layout(for: s).state
        let home = try XCTUnwrap(nodes(of: "tenant_1", in: before).first)
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 5)
        let log = try XCTUnwrap(r.operations)
        XCTAssertEqual(log.operations.map(\.status), ["done", "done"])
        XCTAssertEqual(log.transfers.map(\.kind), ["schema_undistribute", "schema_distribute"])
        let (out, back) = (log.transfers[0], log.transfers[1])
        let after = try XCTUnwrap(r.metadataAfter)
        let schema = try XCTUnwrap(after.tenantSchema(named: "tenant_1"), "distributed again")
        let workers = ["worker-1", "worker-2", "worker-3", "worker-4"]
        let newHome = workers[Int(schema.colocationID.rawValue) % 4]
        XCTAssertEqual(schema.colocationID.rawValue, 201, "a new colocation group: schemas 1...200 took ids 1...200")
        XCTAssertEqual(nodes(of: "tenant_1", in: after), [newHome, newHome])
        XCTAssertEqual([out.source, out.target, back.source, back.target], [home, "coordinator", "coordinator", newHome])
        for t in [out, back] {
            XCTAssertEqual(t.bytes, s.workload.tenants.sizeBytes[0], accuracy: 1, "both tables: all of tenant 1's data")
            XCTAssertEqual(t.blockStart, t.start, "writes wait from the start (ExclusiveLock)")
            XCTAssertGreaterThan(t.writesDelayed, 10)
            XCTAssertGreaterThan(try XCTUnwrap(t.copyEnd) - XCTUnwrap(t.copyStart), .seconds(5))
        }
        for rank in 2...200 { XCTAssertEqual(nodes(of: "tenant_\(rank)", in: after), nodes(of: "tenant_\(rank)", in: before), "tenant \(rank) stays") }

        // The same statements through `apply`: the same metadata for the schema.
        var runner = RunbookRunner(state: before, file: "r.sql")
        try runner.run(try SQLRunbookParser.parse(statements.joined(separator: "\n"), file: "r.sql"))
        XCTAssertEqual(runner.state.tenantSchema(named: "tenant_1")?.colocationID, schema.colocationID)
        XCTAssertEqual(nodes(of: "tenant_1", in: runner.state), [newHome, newHome])

        // Tenant 1's median latency per interval: 1.7 ms on its worker; 1.2 ms on the coordinator
        // (no round trip) between the two statements; reads go on through both copies.
        let outEnd = try XCTUnwrap(out.end).seconds, backEnd = try XCTUnwrap(back.end).seconds
        func p50(from a: Double, to b: Double) -> [Double] {
            r.measurements.series.filter { $0.timeSeconds - 5 >= a && $0.timeSeconds <= b && !$0.watchP50Ms.isEmpty }.map { $0.watchP50Ms[0] }
        }
        for (range, expected) in [((0.0, 10.0), 1.7), ((15, outEnd - 5), 1.7), ((outEnd + 5, 90), 1.2), ((95, backEnd - 5), 1.2), ((backEnd + 5, 180), 1.7)] {
            let values = p50(from: range.0, to: range.1)
            XCTAssertFalse(values.isEmpty, "\(range)")
            for v in values { XCTAssertEqual(v, expected, accuracy: 0.01, "interval in \(range)") }
        }
        XCTAssertEqual(r.value("error_rate"), 0)
    }

    /// A coordinator that holds shards is not where citus-sim keeps local tables: refused with why.
    func testRefusedWhenTheCoordinatorHoldsShards() throws {
        let s = try scenario(coordinator: "\n  coordinator_has_shards: true", timeline: """
              - {at: 10s, sql: "SELECT citus_schema_undistribute('tenant_1');"}
            """)
        let log = try XCTUnwrap(try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 5).operations)
        XCTAssertEqual(log.operations.map(\.status), ["error"])
        XCTAssertTrue(log.operations[0].error?.contains("citus-sim times citus_schema_undistribute with one coordinator that holds no shards") == true, "\(log.operations[0].error ?? "")")
    }
}
