import Calibration
import Mustache
import TextFormat

/// `Reports/validation/report.html`: measured against simulated for every lab experiment, the
/// costs fitted on the fit half, the goals, and the one-machine caveat. Self-contained.
struct ValidationReportPage {
    let report: ValidationReport

    func f(_ v: Double, _ d: Int) -> String { NumberFormat.fixed(v, d) }

    static let familyNames: [(String, String)] = [
        ("a", "single shard moves"), ("b", "background rebalances"), ("c", "drains and many small shard groups"),
        ("d", "fan-out latency against the shard count"), ("e", "connections of one query"), ("f", "pgbench and the shared pool"),
        ("g", "backend memory against shards touched"), ("h", "the two-level cache"),
        ("j", "reads across tenant schemas against the schemas read"), ("k", "distributing and undistributing a schema"),
    ]

    /// Measured (x) against simulated (y) for the family's rows of one unit, with the y = x line.
    func chart(_ rows: [ValidationRow], unit: String, title: String) -> String {
        let fit = rows.filter { !$0.heldOut }.compactMap { r in r.simulated.map { (x: r.measured, y: $0) } }
        let held = rows.filter(\.heldOut).compactMap { r in r.simulated.map { (x: r.measured, y: $0) } }
        let all = (fit + held).flatMap { [$0.x, $0.y] }.filter { $0 > 0 }
        guard let lo = all.min(), let hi = all.max() else { return "" }
        return SVGLineChart(title: title, xLabel: "measured (\(unit))", yLabel: "simulated (\(unit))",
                            series: [.init(name: "held-out", points: held, dots: true), .init(name: "fit half", points: fit, dots: true),
                                     .init(name: "simulated = measured", points: [(lo, lo), (hi, hi)], dashed: true)],
                            logX: true, logY: true).svg
    }

    var html: String {
        let v = report.validation
        var families: [[String: Any]] = []
        var charts = 0
        for (id, name) in Self.familyNames {
            let rows = v.rows.filter { $0.family == id }
            guard !rows.isEmpty else { continue }
            // The family's timings (seconds, milliseconds or transactions per second), in their unit.
            let unit = rows.first { ["s", "ms", "tps"].contains($0.unit) }?.unit
            let timings = rows.filter { $0.unit == unit }
            let svg = unit.map { chart(timings, unit: $0, title: "Family \(id): measured and simulated \($0) (log scales)") } ?? ""
            if !svg.isEmpty { charts += 1 }
            // A note shared by several rows (how a metric is measured) is said once, under the chart.
            var seen: [String] = []
            for r in rows where !r.note.isEmpty && !seen.contains(r.note) { seen.append(r.note) }
            let shared = seen.filter { note in
                let metric = rows.first { $0.note == note }!.metric
                return rows.filter { $0.note == note }.count >= 3 && rows.allSatisfy { $0.metric != metric || $0.note == note }
            }
            families.append([
                "id": id, "name": name, "chart": svg,
                "hasNotes": !shared.isEmpty,
                "notes": shared.map { note in ["metric": rows.first { $0.note == note }!.metric, "note": note] },
                "pass": rows.filter(\.pass).count, "count": rows.count,
                "rows": rows.map { r -> [String: String] in
                    ["experiment": r.experiment, "configuration": r.configuration, "metric": r.metric, "unit": r.unit,
                     "half": r.heldOut ? "held-out" : "fit", "measured": f(r.measured, 3), "simulated": r.simulated.map { f($0, 3) } ?? "not modelled",
                     "ratio": r.ratio.map { f($0, 2) } ?? "", "tolerance": r.tolerance == 0 ? "exact" : "±\(f(r.tolerance * 100, 0))%",
                     "verdict": r.pass ? "pass" : "fail", "cls": r.pass ? "ok" : "bad", "note": shared.contains(r.note) ? "" : r.note]
                },
            ])
        }
        let context: [String: Any] = [
            "style": ClusterReportPage.style, "charts": String(charts), "families": families,
            "fit": v.split.fitHalf, "held": v.split.heldOutHalf, "files": v.files.map { ["file": $0] },
            "goals": report.goals.map { ["goal": $0.goal, "result": $0.result, "verdict": $0.met ? "met" : "not met", "cls": $0.met ? "ok" : "bad"] },
            "costs": v.fitted.parameters.map { p -> [String: String] in
                // The cluster section is a search over the replays: no interval; durations in ms.
                let searched = p.section == "cluster"
                return ["key": p.key, "section": p.section == "measured" ? "measured (not used by the model yet)" : searched ? "cluster (the lab host's, for the query replays)" : p.section,
                 "value": searched ? CostsFile.number(p.value * 1000) : CostsFile.number(p.value),
                 "interval": searched ? "(a search)" : "\(CostsFile.number(p.low)) … \(CostsFile.number(p.high))", "unit": searched ? "ms" : p.unit,
                 "n": String(p.samples), "source": p.source]
            },
        ]
        do {
            return try MustacheTemplate(string: Self.template).render(context)
        } catch {
            preconditionFailure("validation template does not parse: \(error)")
        }
    }

    static let template = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="citus-sim-charts" content="{{charts}}">
    <title>citus-sim: model validation against a real Citus</title><style>{{{style}}}</style></head><body>
    <h1>Model validation: citus-sim against a real Citus 13.2</h1>
    <p class="muted">Written by <code>citus-sim validate-model Lab/measured --out Reports/validation</code> from the committed measurements; no Citus is needed to regenerate it.</p>
    <p><strong>One machine.</strong> The lab's coordinator and 3 workers run on one 2-core machine and share its cores and disk over loopback.
    The replays say so (<code>cluster.shared_host_cores: 2</code>: every simulated node's work shares one 2-core CPU and one disk), so the simulation competes for the same capacity the lab had; the network is still modelled per node.
    Figures from this lab describe this machine, not production hardware: run the experiments on your own test cluster to calibrate for it.</p>
    <h2>Goals (held-out predictions only)</h2>
    <table><tr><th>goal</th><th>result</th><th></th></tr>
    {{#goals}}<tr><td>{{goal}}</td><td class="num">{{result}}</td><td class="{{cls}}">{{verdict}}</td></tr>{{/goals}}</table>
    <h2>How the model was tested</h2>
    <table><tr><th>Costs fitted on</th><td>{{fit}}</td></tr><tr><th>Predicted (held out)</th><td>{{held}}</td></tr>
    <tr><th>Measurements</th><td>{{#files}}<code>{{file}}</code> {{/files}}</td></tr></table>
    <h2>Costs fitted on the fit half</h2>
    <table><tr><th>parameter</th><th>section</th><th>value</th><th>95% interval</th><th>unit</th><th>samples</th><th>fitted from</th></tr>
    {{#costs}}<tr><td><code>{{key}}</code></td><td>{{section}}</td><td class="num">{{value}}</td><td class="num">{{interval}}</td><td>{{unit}}</td><td class="num">{{n}}</td><td>{{source}}</td></tr>{{/costs}}</table>
    {{#families}}
    <h2 id="family-{{id}}">Family {{id}}: {{name}} ({{pass}} of {{count}} rows pass)</h2>
    {{{chart}}}
    {{#hasNotes}}<ul>{{#notes}}<li><code>{{metric}}</code>: {{note}}</li>{{/notes}}</ul>{{/hasNotes}}
    <table><tr><th>experiment</th><th>configuration</th><th>metric</th><th>half</th><th>measured</th><th>simulated</th><th>unit</th><th>ratio</th><th>tolerance</th><th></th><th>note</th></tr>
    {{#rows}}<tr><td>{{experiment}}</td><td>{{configuration}}</td><td>{{metric}}</td><td>{{half}}</td><td class="num">{{measured}}</td><td class="num">{{simulated}}</td><td>{{unit}}</td><td class="num">{{ratio}}</td><td>{{tolerance}}</td><td class="{{cls}}">{{verdict}}</td><td class="muted">{{note}}</td></tr>{{/rows}}</table>
    {{/families}}
    </body></html>
    """
}
