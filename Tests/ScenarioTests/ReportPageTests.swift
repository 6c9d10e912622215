import Reporting
import Scenario
import Simulation
import XCTest

/// report.html as a user gets it: self-contained, every scenario string escaped, charts present.
final class ReportPageTests: XCTestCase {
    func page(_ tableName: String) throws -> String {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 2, duration: 40s, warmup: 0s, replications: 2, sample_interval: 5s}
            cluster:
              coordinator: {cores: 4, memory_gib: 16}
              workers: {count: 2, cores: 4, memory_gib: 16}
            citus: {shard_count: 4}
            tables:
              - {name: "\(tableName)", type: distributed}
            tenants: {count: 50, total_size_gib: 1}
            workload:
              arrivals: {rate_per_second: 100, sessions: 10}
              classes:
                - {name: "\(tableName)", kind: router, share: 1, worker_cpu: {distribution: exponential, mean: 1ms}}
            timeline:
              - {at: 10s, sql: "SELECT citus_add_node('w3', 5432);"}
              - {at: 12s, sql: "SELECT rebalance_table_shards(shard_transfer_mode := 'block_writes');"}
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "r.yaml", name: "r")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        let report = try ClusterReport.run(s, threads: 1)
        return try XCTUnwrap(report.files.first { $0.name == "report.html" }?.contents)
    }

    func testScenarioStringsAreEscaped() throws {
        let html = try page("<script>alert(1)</script>")
        XCTAssertFalse(html.contains("<script"), "no script element, ever")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    func testSelfContainedWithCharts() throws {
        let html = try page("events")
        XCTAssertFalse(html.contains(" src="), "no external resources")
        XCTAssertFalse(html.contains(" href="), "no links to fetch")
        XCTAssertFalse(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"), "no network addresses")
        let charts = html.components(separatedBy: "<svg ").count - 1
        XCTAssertGreaterThanOrEqual(charts, 6, "latency, throughput, CPU, connections, Gantt, tenants")
        XCTAssertTrue(html.contains("<polyline"), "lines drawn")
        XCTAssertTrue(html.contains("class=\"band\""), "operation windows shaded")
        XCTAssertTrue(html.contains("rebalance_table_shards"))
    }
}
