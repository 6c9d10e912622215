import Mustache
import SimCore
import TextFormat

/// `report.html` for a `kind: station` scenario: the station, every metric with its interval and
/// the closed-form value where queueing theory has one (with whether the interval contains it),
/// and the response-time percentiles as a chart. Self-contained like the cluster report.
struct StationReportPage {
    let report: StationReport

    func f(_ v: Double, _ d: Int) -> String { NumberFormat.fixed(v, d) }

    /// Percentiles on a "nines" axis, −log10(1 − p): p90 = 1, p99 = 2, p99.9 = 3, so the tail spreads out.
    static let percentiles: [(x: Double, name: String)] = [(0.301, "p50"), (1.301, "p95"), (2, "p99"), (3, "p99_9")]

    var percentileChart: String {
        let points: [(x: Double, y: Double)] = Self.percentiles.compactMap { x, name in
            report.intervals.first { $0.name == "response_latency_\(name)_ms" }.map { (x, $0.interval.mean) }
        }
        let upper: [(x: Double, y: Double)] = Self.percentiles.compactMap { x, name in
            report.intervals.first { $0.name == "response_latency_\(name)_ms" }.map { (x, $0.interval.upper) }
        }
        return SVGLineChart(title: "Response time by percentile (mean over replications, and the interval's upper end)", xLabel: "percentile as nines: 0.3 = p50, 1.3 = p95, 2 = p99, 3 = p99.9",
                            yLabel: "response time (ms)", series: [.init(name: "mean", points: points, dots: false), .init(name: "upper end", points: upper)],
                            logY: true).svg
    }

    var html: String {
        let s = report.scenario.station
        let rows: [[String: String]] = report.intervals.map { name, ci in
            let exact = report.exact(name)
            return ["name": name, "mean": f(ci.mean, 4), "interval": "\(f(ci.lower, 4)) … \(f(ci.upper, 4))", "exact": exact.map { f($0, 4) } ?? "",
                    "verdict": exact.map { ci.contains($0) ? "within the interval" : "outside the interval" } ?? "",
                    "cls": exact.map { ci.contains($0) ? "ok" : "bad" } ?? ""]
        }
        let context: [String: Any] = [
            "name": report.scenario.name, "style": ClusterReportPage.style, "chart": percentileChart, "charts": "1", "rows": rows,
            "station": "\(s.discipline.rawValue) station, \(s.servers) server(s), \(f(s.arrivalRatePerSecond, 3)) arrivals/s, mean service \(f(s.service.mean * 1e3, 3)) ms (cv \(f(s.service.cv, 3))), offered load \(f(s.utilization, 3)) per server",
            "run": "\(report.scenario.run.replications) replications of \(s.customers) customers (\(s.warmupCustomers) warm-up), seed \(report.scenario.run.seed), \(Int(report.scenario.run.confidence * 100))% intervals",
        ]
        do {
            return try MustacheTemplate(string: Self.template).render(context)
        } catch {
            preconditionFailure("station template does not parse: \(error)")
        }
    }

    static let template = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="citus-sim-charts" content="{{charts}}">
    <title>citus-sim: {{name}}</title><style>{{{style}}}</style></head><body>
    <h1>{{name}}</h1>
    <p class="muted">citus-sim station report: the simulation kernel against queueing theory.</p>
    <table><tr><th>Station</th><td>{{station}}</td></tr><tr><th>Run</th><td>{{run}}</td></tr></table>
    <h2>Metrics</h2>
    <table><tr><th>metric</th><th>mean</th><th>confidence interval</th><th>closed form</th><th>closed form vs interval</th></tr>
    {{#rows}}<tr><td>{{name}}</td><td class="num">{{mean}}</td><td class="num">{{interval}}</td><td class="num">{{exact}}</td><td class="{{cls}}">{{verdict}}</td></tr>{{/rows}}</table>
    {{{chart}}}
    </body></html>

    """
}
