import Advisor
import Diagnostics
import Scenario
import XCTest

/// Bad `advisor` sections are validation errors with locations, all reported at once.
final class AdvisorInputTests: XCTestCase {
    func errors(_ advisor: String, slo: String = "slo: {p99_ms: {lookup: 10}}") -> [String] {
        findings(text(advisor, slo: slo))
    }

    func text(_ advisor: String, slo: String = "slo: {p99_ms: {lookup: 10}}") -> String {
         AdvisorSearchTests.yaml().components(separatedBy: "advisor:\n")[0]
            .replacingOccurrences(of: "slo:\n  " + AdvisorSearchTests.defaultSLO + "\n", with: slo + "\n") + "advisor:\n" + advisor
    }

    func findings(_ text: String) -> [String] {
        do {
            _ = try ScenarioLoader.loadForAdvice(text: text, file: "a.yaml", name: "a")
            return []
        } catch let e as InputError {
            return e.findings.filter { $0.severity == .error }.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    /// The advisor sizes workers: shards on the coordinator are refused, by the loader and the library.
    func testShardsOnTheCoordinatorAreRefused() throws {
        let t = text("  min_workers: 2\n").replacingOccurrences(of: "cluster:\n", with: "cluster:\n  coordinator_has_shards: true\n")
        let e = findings(t)
        XCTAssertEqual(e.count, 1, "\(e)")
        XCTAssertTrue(e.first?.contains("set `cluster.coordinator_has_shards` to false") ?? false, "\(e)")
        let (base, _) = try ScenarioLoader.load(text: t, file: "a.yaml", name: "a")
        guard case .cluster(let s) = base else { return XCTFail("not a cluster scenario") }
        XCTAssertThrowsError(try Advisor(base: s, spec: AdvisorSpec(), threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("cluster.coordinator_has_shards"), "\(error)")
        }
        let groups = text("  min_workers: 2\n").replacingOccurrences(of: "  workers: {count: 2, cores: 2, memory_gib: 8}\n",
                                                                       with: "  workers:\n    - {count: 1, cores: 2, memory_gib: 8}\n    - {count: 1, cores: 4, memory_gib: 8}\n")
        XCTAssertTrue(findings(groups).first?.contains("give `cluster.workers` as one group") ?? false, "\(findings(groups))")
    }

    func testEmptyCatalogIsAnErrorWithLocation() {
        let t = text("  catalog: []\n")
        let e = findings(t)
        let line = t.components(separatedBy: "\n").firstIndex { $0.hasPrefix("  catalog: []") }! + 1
        XCTAssertEqual(e.count, 1, "\(e)")
        XCTAssertTrue(e[0].hasPrefix("a.yaml:\(line):12: error: "), e[0])
        XCTAssertTrue(e[0].contains("`advisor.catalog` must be a non-empty list"), e[0])
    }

    func testContradictionsAreReportedTogether() {
        let e = errors("""
          catalog:
            - {name: a, cores: 2, memory_gib: 8, price_per_hour: 1}
            - {name: a, cores: 4, memory_gib: 16, price_per_hour: 2}
          min_workers: 8
          max_workers: 4
          coordinator: nope
          search: {instances: [b]}
          single_node: {cores: 8, memory_gib: 32, latency_ms: 100}

        """)
        XCTAssertTrue(e.contains { $0.contains("lists `a` twice") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("`advisor.max_workers` (4) is below `advisor.min_workers` (8)") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("`advisor.coordinator` must name an instance of the catalog") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("names `b`, which is not in the catalog") }, "\(e)")
        XCTAssertTrue(e.contains { $0.contains("needs both `latency_ms` and `target_latency_ms`") }, "\(e)")
        XCTAssertTrue(e.allSatisfy { $0.range(of: #"^a\.yaml:\d+:\d+: error: "#, options: .regularExpression) != nil }, "\(e)")
    }

    func testUnknownKeyAndMissingSLO() {
        XCTAssertTrue(errors("  min_worker: 2\n").contains { $0.contains("unknown key `advisor.min_worker`") })
        let none = errors("  min_workers: 2\n", slo: "")
        XCTAssertTrue(none.contains { $0.contains("`recommend` needs objectives") }, "\(none)")
    }

    func testSLOSectionReadsCPUAndTimeoutObjectives() throws {
        let (s, _, _) = try ScenarioLoader.loadForAdvice(text: AdvisorSearchTests.yaml(slo: "p99_ms: {lookup: 12}\n  max_cpu_utilization: 0.6\n  max_timeout_rate: 0.01"),
                                                         file: "a.yaml", name: "a")
        XCTAssertEqual(s.slo.maxCPUUtilization, 0.6)
        XCTAssertEqual(s.slo.maxTimeoutRate, 0.01)
        XCTAssertEqual(errors("  min_workers: 2\n", slo: "slo: {max_cpu_utilization: 1.5}").count, 1)
    }
}
