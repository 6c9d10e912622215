import ClusterModel
import Runbook
import SQL
import Scenario
import SimCore
import Simulation
import XCTest

/// Schema-based sharding over time (issue 22): moving a tenant schema moves all its tables and
/// only them, blocks writes to it as the transfer mode says and leaves other schemas alone; a
/// rebalance after adding a worker moves schema groups exactly as `apply` plans them.
final class SchemaTimelineTests: XCTestCase {
    /// 300 tenant schemas (`tenant_1`...) with `orders` and `items`, 3 workers; tenant 1's
    /// schema is in colocation group 2 (the reference tables have 1), so on worker-3.
    func scenario(sessions: Int = 400, timeline: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 4, duration: 150s, warmup: 0s, replications: 3, sample_interval: 10s, watch_tenants: [1, 2]}
            cluster:
              coordinator: {cores: 8, memory_gib: 32, max_connections: 1000}
              workers: {count: 3, cores: 8, memory_gib: 32, disk_mb_per_second: 500, max_connections: 1000}
            citus: {enable_schema_based_sharding: true, max_shared_pool_size: 900}
            tables:
              - {name: plans, type: reference, size_mib: 5}
              - {name: orders, type: distributed, data_share: 0.7}
              - {name: items, type: distributed, data_share: 0.3}
            tenants: {count: 300, total_size_gib: 30, size_zipf: 1.0, activity_zipf: 0.8}
            workload:
              arrivals: {rate_per_second: 500, sessions: \(sessions)}
              classes:
                - {name: lookup, kind: router, share: 0.8, table: orders, worker_cpu: {distribution: exponential, mean: 1ms}}
                - {name: update, kind: router, share: 0.2, table: orders, command: update, worker_cpu: {distribution: exponential, mean: 1ms}, write_bytes_kib: 8}
            timeline:
            \(timeline)
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "schemas.yaml", name: "schemas")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    func run(_ s: ClusterScenario) throws -> ClusterRunResult { try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 5) }

    /// Node name of each table of `schema` in `state`.
    func nodes(of schema: String, in state: ClusterState) -> [String] {
        ["orders", "items"].compactMap { t in state.shards(of: "\(schema).\(t)").first.flatMap { state.placements(of: $0.id).first }.flatMap { state.node($0.node)?.name } }
    }

    func testMovingASchemaMovesAllItsTablesAndBlocksOnlyItsWrites() throws {
        let s = try scenario(timeline: """
              - {at: 20s, sql: "SELECT citus_schema_move('tenant_1', 'worker-1', 5432, 'block_writes');"}
            """)
        let before = try ClusterRun.layout(for: s).state
        XCTAssertEqual(nodes(of: "tenant_1", in: before), ["worker-3", "worker-3"])
        let sizes = ["orders", "items"].compactMap { before.shards(of: "tenant_1.\($0)").first?.sizeBytes }
        XCTAssertEqual(Double(sizes.reduce(0, +)), s.workload.tenants.sizeBytes[0], accuracy: 2, "the metadata holds the schema's size (by_disk_size sees it)")
        let r = try run(s)
        let log = try XCTUnwrap(r.operations)
        XCTAssertEqual(log.operations.map(\.status), ["done"])
        let move = try XCTUnwrap(log.transfers.first)
        XCTAssertEqual(log.transfers.count, 1)
        XCTAssertEqual([move.source, move.target, move.mode], ["worker-3", "worker-1", "block_writes"])
        XCTAssertEqual(move.bytes, s.workload.tenants.sizeBytes[0], accuracy: 1, "both tables: all of tenant 1's data")
        let after = try XCTUnwrap(r.metadataAfter)
        XCTAssertEqual(nodes(of: "tenant_1", in: after), ["worker-1", "worker-1"])
        for r in 2...300 {
            XCTAssertEqual(nodes(of: "tenant_\(r)", in: after), nodes(of: "tenant_\(r)", in: before), "tenant \(r) stays")
        }
        // block_writes: tenant 1's writes wait for the whole copy; tenant 2 (another schema on
        // another worker) never waits.
        XCTAssertEqual(move.blockStart, move.start)
        XCTAssertGreaterThan(move.writesDelayed, 20)
        let blocked = try XCTUnwrap(move.end) - move.start
        XCTAssertGreaterThan(try XCTUnwrap(r.value("tenant1.latency_max_ms")), blocked.seconds * 1_000 * 0.5, "a write waited through most of the block")
        XCTAssertLessThan(try XCTUnwrap(r.value("tenant2.latency_max_ms")), 200)
    }

    /// A logical move of a schema blocks its writes only for the final catch-up.
    func testLogicalSchemaMoveBlocksOnlyAtTheEnd() throws {
        let s = try scenario(timeline: """
              - {at: 20s, sql: "SELECT citus_schema_move('tenant_1', 'worker-1', 5432, 'force_logical');"}
            """)
        let move = try XCTUnwrap(try run(s).operations?.transfers.first)
        XCTAssertEqual(move.status, "done")
        XCTAssertLessThanOrEqual(try XCTUnwrap(move.end) - XCTUnwrap(move.blockStart), .seconds(2))
        XCTAssertGreaterThan(try XCTUnwrap(move.blockStart), try XCTUnwrap(move.copyEnd))
    }

    /// After `citus_add_node`, a rebalance in the timeline leaves the metadata `apply` computes
    /// for the same statements (the same planner on the same state); each schema's tables stay
    /// together and the new worker gets schemas.
    func testRebalanceAfterAddingAWorkerMatchesApply() throws {
        let statements = [
            "SELECT citus_add_node('worker-4', 5432);",
            "SELECT rebalance_table_shards(rebalance_strategy := 'by_shard_count', shard_transfer_mode := 'block_writes');",
        ]
        let s = try scenario(timeline: """
              - {at: 10s, sql: "\(statements[0])"}
              - {at: 20s, sql: "\(statements[1])"}
            """)
        let r = try run(s)
        let log = try XCTUnwrap(r.operations)
        XCTAssertEqual(log.operations.map(\.status), ["done", "done"])
        let after = try XCTUnwrap(r.metadataAfter)

        var runner = RunbookRunner(state: try ClusterRun.layout(for: s).state, file: "r.sql")
        try runner.run(try SQLRunbookParser.parse(statements.joined(separator: "\n"), file: "r.sql"))
        func placement(_ state: ClusterState) -> [String] {
            (1...300).map { nodes(of: "tenant_\($0)", in: state).joined(separator: "+") }
        }
        XCTAssertEqual(placement(after), placement(runner.state))
        XCTAssertEqual(log.transfers.filter { $0.kind == "move" }.count, runner.messages.filter { $0.contains("Moving shard") }.count)
        let perWorker = ["worker-1", "worker-2", "worker-3", "worker-4"].map { w in placement(after).filter { $0 == "\(w)+\(w)" }.count }
        XCTAssertEqual(perWorker.reduce(0, +), 300, "every schema's two tables on one node")
        XCTAssertEqual(perWorker, [75, 75, 75, 75], "by_shard_count: 300 schema groups over 4 workers")
    }

    /// `new_tenants` under schema-based sharding creates each new tenant's schema when it joins:
    /// the next colocation ids, placed by Citus's rule among the workers of that instant (4 after
    /// `citus_add_node`, where the start had 3), and their queries go there.
    func testNewSchemasArePlacedWhenTheyJoin() throws {
        let s = try scenario(timeline: """
              - {at: 10s, sql: "SELECT citus_add_node('worker-4', 5432);"}
              - {at: 30s, event: new_tenants, count: 4, size_mib: 100, activity_factor: 5}
            """)
        XCTAssertNil(try ClusterRun.layout(for: s).state.tenantSchema(named: "tenant_301"), "not there at the start")
        let r = try run(s)
        XCTAssertEqual(r.operations?.operations.map(\.status), ["done", "done"])
        let after = try XCTUnwrap(r.metadataAfter)
        let workers = ["worker-1", "worker-2", "worker-3", "worker-4"]
        for rank in 301...304 {
            let schema = try XCTUnwrap(after.tenantSchema(named: "tenant_\(rank)"))
            // The reference tables' group is 1 and schemas 1...300 took 2...301.
            XCTAssertEqual(schema.colocationID.rawValue, Int32(rank + 1))
            let expected = workers[Int(schema.colocationID.rawValue) % 4]
            XCTAssertEqual(nodes(of: "tenant_\(rank)", in: after), [expected, expected], "tenant_\(rank)")
            XCTAssertGreaterThan(r.measurements.tenantCounts[rank - 1].queries, 0)
            let bytes = ["orders", "items"].compactMap { after.shards(of: "tenant_\(rank).\($0)").first?.sizeBytes }.reduce(0, +)
            XCTAssertEqual(Double(bytes), 100 * 1_048_576, accuracy: 2, "its size is in the metadata")
        }
        XCTAssertEqual(r.value("error_rate"), 0)
    }
}
