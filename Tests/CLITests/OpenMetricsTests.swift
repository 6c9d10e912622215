import Foundation
import XCTest

/// `run --metrics-out`: the time series as OpenMetrics, read back by a real parser.
final class OpenMetricsTests: XCTestCase {
    func testMetricsOutParsesAndMatchesTheTimeSeries() throws {
        let dir = try CLI.temporaryDirectory(self)
        let metrics = dir.appendingPathComponent("run.om")
        let r = try CLI.run(["run", "Scenarios/multi-tenant-saas.yaml", "--out", dir.appendingPathComponent("out").path, "--duration", "40s",
                             "--set", "run.warmup=10s", "--replications", "1", "--metrics-out", metrics.path, "--metrics-start", "2026-12-05T09:00:00Z"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // prometheus_client's OpenMetrics parser (strict: families grouped, # EOF, escapes) gives
        // every sample back; print the p99 of tenant_lookup per timestamp.
        let script = """
        import sys
        from prometheus_client.openmetrics.parser import text_string_to_metric_families
        families = list(text_string_to_metric_families(open(sys.argv[1]).read()))
        print(len(families))
        for f in families:
            for s in f.samples:
                if s.name == 'citus_sim_class_latency_p99_seconds' and s.labels['class'] == 'tenant_lookup':
                    print('%.3f %.6f' % (float(s.timestamp), s.value))
        """
        let parsed = try TemporaryPostgres.run("/usr/bin/env", ["python3", "-c", script, metrics.path])
        let lines = parsed.split(separator: "\n")
        XCTAssertEqual(lines.first, "12", "families: \(parsed)")
        let csv = try String(contentsOf: dir.appendingPathComponent("out/timeseries_classes.csv"), encoding: .utf8)
        let expected = csv.split(separator: "\n").filter { $0.contains(",tenant_lookup,") }.map { row -> String in
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            return String(format: "%.3f %.6f", 1_796_461_200 + Double(f[0])!, Double(f[4])! / 1_000)
        }
        XCTAssertEqual(expected.count, 3)
        XCTAssertEqual(Array(lines.dropFirst()).map(String.init), expected)
    }
}
