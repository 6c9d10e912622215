import Calibration
import TextFormat

/// `Reports/validation/`: every replayed measurement against citus-sim's prediction
/// (`validation.csv`), the fitted costs (`costs.yaml`) and the page (`report.html`).
public struct ValidationReport {
    public var validation: ModelValidation

    public init(_ validation: ModelValidation) { self.validation = validation }

    public var files: [(name: String, contents: String)] {
        [("validation.csv", csv), ("costs.yaml", CostsFile.yaml(validation.fitted, files: validation.files)),
         ("report.html", ValidationReportPage(report: self).html)]
    }

    public var csv: String {
        var w = CSVWriter(columns: ["family", "experiment", "configuration", "metric", "unit", "half", "measured", "simulated", "ratio", "tolerance", "pass", "note"])
        for r in validation.rows {
            w.appendRow([.text(r.family), .text(r.experiment), .text(r.configuration), .text(r.metric), .text(r.unit), .text(r.heldOut ? "held-out" : "fit"),
                         .number(r.measured, digits: 4), r.simulated.map { .number($0, digits: 4) } ?? .text(""),
                         r.ratio.map { .number($0, digits: 3) } ?? .text(""), r.absoluteTolerance ? .text("±\(NumberFormat.fixed(r.tolerance, 2)) absolute") : .number(r.tolerance, digits: 2), .text(r.pass ? "yes" : "no"), .text(r.note)])
        }
        return w.text
    }

    /// One line per goal of issue 17, for the terminal and the page.
    public var goals: [(goal: String, result: String, met: Bool)] {
        let rows = validation.rows
        func tally(_ goal: String, _ selected: [ValidationRow]) -> (goal: String, result: String, met: Bool) {
            let passed = selected.filter(\.pass).count
            return (goal, "\(passed) of \(selected.count)", passed == selected.count && !selected.isEmpty)
        }
        let mae = validation.medianAbsoluteError
        let movement = ["moves", "drain_moves", "bytes_moved", "max_concurrent_tasks"]
        return [
            tally("every held-out timing within ±25%", validation.heldOutTimings),
            ("median absolute error of held-out timings ≤ 15%", mae.map { "\(NumberFormat.fixed($0 * 100, 1))%" } ?? "no timings", (mae ?? 1) <= 0.15),
            tally("the same moves, bytes (±5%) and most tasks at once as Citus in every rebalance and drain", rows.filter { movement.contains($0.metric) }),
            tally("connections opened exact for a single query", rows.filter { $0.family == "e" && $0.metric == "connections_opened" }),
            tally("connections opened per query within ±25% under pgbench (fan-outs and shared-pool runs)", rows.filter { $0.metric == "connections_opened_per_query" }),
            tally("pgbench: the fastest shared-pool setting the same as measured", rows.filter { $0.metric == "fastest_shared_pool_setting" }),
            tally("backend memory: every growth within ±25%", rows.filter { $0.family == "g" }),
            tally("cache: every share of block reads (shared_buffers, page cache, disk) within ±0.02", rows.filter { $0.family == "h" }),
            tally("fan-outs: the shard count with the lowest latency under load the same as measured", rows.filter { $0.metric == "shard_count_with_lowest_latency" }),
        ]
    }
}
