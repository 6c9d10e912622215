import Diagnostics
import Reporting
import Scenario
import XCTest

final class ScenarioLoaderTests: XCTestCase {
    private func findings(_ yaml: String) -> [String] {
        do {
            _ = try ScenarioLoader.load(text: yaml, file: "s.yaml", name: "s")
            return []
        } catch let error as InputError {
            return error.findings.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    func testValidStationScenario() throws {
        let (loaded, warnings) = try ScenarioLoader.load(text: """
            version: 1
            kind: station
            run: {seed: 7, replications: 4}
            station:
              discipline: fcfs
              servers: 4
              arrival_rate_per_second: 320
              service: {distribution: lognormal, mean: 10ms, cv: 2}
              customers: 1_000
              warmup_customers: 100
            """, file: "s.yaml", name: "s")
        XCTAssertTrue(warnings.isEmpty)
        guard case .station(let s) = loaded else { return XCTFail() }
        XCTAssertEqual(s.run.seed, 7)
        XCTAssertEqual(s.run.replications, 4)
        XCTAssertEqual(s.station.servers, 4)
        XCTAssertEqual(s.station.service.mean, 0.01, accuracy: 1e-12)
        XCTAssertEqual(s.station.service.cv, 2, accuracy: 1e-9)
        XCTAssertEqual(s.station.customers, 1_000)
    }

    func testAllErrorsReportedWithLineAndColumn() {
        let f = findings("""
            version: 1
            kind: station
            run:
              replicatons: 3
            station:
              discipline: lifo
              servers: 0
              arrival_rate_per_second: nan
              service: {distribution: gamma, mean: 5, cv: 0}
              customers: 10
              warmup_customers: 10
            """)
        XCTAssertEqual(f, [
            "s.yaml:4:3: error: unknown key `run.replicatons`; valid keys here: `seed`, `replications`, `confidence`",
            "s.yaml:6:15: error: `station.discipline` is `lifo`; expected one of fcfs, ps, loss",
            "s.yaml:7:12: error: `station.servers` is 0; expected an integer in 1...1000000",
            "s.yaml:8:28: error: `station.arrival_rate_per_second` must be a number > 0 and <= 1000000000, got `nan`",
            "s.yaml:9:40: error: `station.service.mean` must be a duration with a unit (us, ms, s, m, h), such as 250ms or 30s; got `5`",
            "s.yaml:9:47: error: `station.service.cv` is 0; expected a number > 0 and <= 100",
            "s.yaml:11:21: error: `station.warmup_customers` (10) must be less than `station.customers` (10)",
        ])
    }

    func testVersionKindAndSyntaxErrors() {
        XCTAssertEqual(findings("version: 9\nkind: station\n"), [
            "s.yaml:1:10: error: scenario version 9 is not supported by this build; supported: 1...1",
        ])
        XCTAssertEqual(findings("kind: galaxy\n"), [
            "s.yaml:1:1: error: missing key `version`: expected an integer in 1...9223372036854775807",
            "s.yaml:1:7: error: `kind` is `galaxy`; expected one of cluster, station",
        ])
        XCTAssertEqual(findings("version: 1\nkind: [station\n").first?.hasPrefix("s.yaml:3:1: error: not valid YAML"), true)
        XCTAssertEqual(findings(""), ["s.yaml: error: the file is empty; expected a mapping with a `version` key"])
        XCTAssertEqual(findings("- 1\n- 2\n"), ["s.yaml:1:1: error: `document` must be a mapping of keys to values"])
        XCTAssertEqual(findings("version: 1\nkind: station\nrun:\n  seed: 1\n  seed: 2\n").first,
                       "s.yaml:4:3: error: duplicate key `seed` in the mapping that starts here; each key may appear once")
    }

    func testOverloadIsRefusedAndHeavyLoadWarned() throws {
        let base = "version: 1\nkind: station\nstation: {discipline: ps, servers: 1, service: {distribution: exponential, mean: 10ms}, customers: 100, arrival_rate_per_second: "
        XCTAssertEqual(findings(base + "100}\n").first?.contains("offered load per server is 1.0"), true)
        let (_, warnings) = try ScenarioLoader.load(text: base + "97}\n", file: "s.yaml", name: "s")
        XCTAssertEqual(warnings.map(\.severity), [.warning])
    }

    func testDurations() {
        XCTAssertEqual(DurationText.seconds("250ms"), 0.25)
        XCTAssertEqual(DurationText.seconds("500us"), 0.0005)
        XCTAssertEqual(DurationText.seconds("30m"), 1_800)
        XCTAssertEqual(DurationText.seconds("2h"), 7_200)
        XCTAssertEqual(DurationText.seconds("1_500 s"), 1_500)
        XCTAssertNil(DurationText.seconds("5"))
        XCTAssertNil(DurationText.seconds("-1s"))
        XCTAssertNil(DurationText.seconds("fast"))
    }
}
