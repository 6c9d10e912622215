import Experiments
import Reporting
import Scenario
import Simulation
import TextFormat
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
        let report = ClusterReport(try ClusterExperiment.run(s, threads: 1))
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

    func testStationPageComparesWithTheClosedForm() throws {
        let (loaded, _) = try ScenarioLoader.load(text: """
            version: 1
            kind: station
            run: {seed: 7, replications: 4}
            station:
              discipline: ps
              servers: 2
              arrival_rate_per_second: 100
              service: {distribution: exponential, mean: 10ms}
              customers: 20_000
              warmup_customers: 1_000
            """, file: "s.yaml", name: "<b>station</b>")
        guard case .station(let s) = loaded else { return XCTFail("not a station scenario") }
        let report = StationReport(try StationExperiment.run(s, threads: 1))
        let html = report.html
        XCTAssertTrue(html.contains("&lt;b&gt;station&lt;/b&gt;"), "the name is escaped")
        XCTAssertFalse(html.contains("<b>station"))
        XCTAssertTrue(html.contains("<meta name=\"citus-sim-charts\" content=\"1\">"))
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 1)
        // The M/M/2-PS mean response has a closed form: the page shows it and says where it lies.
        let exact = try XCTUnwrap(report.exact("response_latency_mean_ms"))
        XCTAssertTrue(html.contains(NumberFormat.fixed(exact, 4)))
        XCTAssertTrue(html.contains("within the interval") || html.contains("outside the interval"))
    }
}
