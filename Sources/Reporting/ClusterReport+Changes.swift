import Runbook
import SimCore
import Simulation
import TextFormat
import Workload

/// What a reader of a run's headline figures must know about time: what changed during the
/// run (the arrival rate, nodes added or failing, tenants joining), and what each timeline
/// operation did to latency before, during and after it. Read from the first replication's
/// time series and operation log, like the report's charts.
extension ClusterReport {
    /// One change during the run, at `seconds` since the start.
    struct RunChange {
        var seconds: Double
        var text: String
        /// The arrival rate changes here (the run's averages then mix phases).
        var changesRate = false
    }

    /// Changes during the run in time order: the arrival curve's steps and ramps, the timeline's
    /// rate multipliers, node and tenant events, and nodes added or removed by its SQL.
    var runChanges: [RunChange] {
        var out: [RunChange] = []
        let f = NumberFormat.fixed
        if case .open(let curve, _) = scenario.workload.arrivals {
            switch curve {
            case .constant: break
            case .step(let a, let b, let at):
                out.append(RunChange(seconds: at.seconds, text: "arrival rate \(f(a, 0)) → \(f(b, 0)) queries/s (arrivals.step)", changesRate: true))
            case .ramp(let a, let b, let start, let end):
                out.append(RunChange(seconds: start.seconds, text: "arrival rate ramps \(f(a, 0)) → \(f(b, 0)) queries/s until \(f(end.seconds, 0)) s (arrivals.ramp)", changesRate: true))
            case .diurnal(let m, let a, let p, _):
                out.append(RunChange(seconds: 0, text: "arrival rate follows a daily curve: \(f(m, 0)) queries/s ± \(f(a * 100, 0))% over \(f(p.seconds / 3_600, 1)) h (arrivals.diurnal)", changesRate: true))
            }
        }
        for e in scenario.timeline {
            switch e.action {
            case .sql: continue
            case .rateMultiplier(let x):
                let rate = offeredRate(at: .zero + e.at)
                out.append(RunChange(seconds: e.at.seconds, text: "arrival rate ×\(f(x, 2)) of the schedule (timeline): \(f(rate, 0)) queries/s from here", changesRate: true))
            default:
                out.append(RunChange(seconds: e.at.seconds, text: e.label + " (timeline)"))
            }
        }
        // Workers added or removed by the timeline's SQL, when the statement returned.
        for op in operationLog?.operations ?? [] where op.workerChange != 0 {
            guard let end = op.end else { continue }
            let n = workerCount(at: end)
            out.append(RunChange(seconds: end.seconds, text: "\(op.summary(60)) returned: \(n) worker\(n == 1 ? "" : "s") now"))
        }
        return out.enumerated().sorted { ($0.element.seconds, $0.offset) < ($1.element.seconds, $1.offset) }.map(\.element)
    }

    /// Workers holding a place in the cluster at `t`: the scenario's, plus those the timeline
    /// added (and less those it removed) by then.
    func workerCount(at t: SimTime) -> Int {
        scenario.cluster.workerCount + (operationLog?.operations ?? []).reduce(0) { n, op in
            op.end.map { $0 <= t } == true ? n + op.workerChange : n
        }
    }

    /// The open-loop arrival rate the scenario offers at `t` (the curve times the timeline's
    /// multiplier in force then), queries per second; 0 for closed-loop clients.
    func offeredRate(at t: SimTime) -> Double {
        guard case .open(let curve, _) = scenario.workload.arrivals else { return 0 }
        var multiplier = 1.0
        for e in scenario.timeline where .zero + e.at <= t { if case .rateMultiplier(let x) = e.action { multiplier = x } }
        return curve.rate(at: t) * multiplier
    }

    /// The highest open-loop rate offered during the run, timeline multipliers included
    /// (the curve sampled each second and at every change).
    var peakOfferedRate: Double {
        let end = scenario.run.duration.seconds
        var instants = stride(from: 0.0, through: end, by: max(1, end / 20_000)).map { SimTime.zero + SimDuration(seconds: $0) }
        for e in scenario.timeline { instants.append(.zero + e.at) }
        return instants.map(offeredRate(at:)).max() ?? 0
    }

    /// Per class, an operation's interval p99 before it (mean of up to six intervals), the worst
    /// interval while it ran (waiting requests' age included) and after it (mean of up to six;
    /// nil when it did not finish or nothing followed), ms. Intervals without a completed query
    /// are left out of the means.
    public func latencyAround(_ op: OperationLog.Operation) -> [(className: String, before: Double?, during: Double?, after: Double?)] {
        let series = first.measurements.series
        let step = scenario.run.sampleInterval.seconds
        let start = op.start.seconds, end = op.end?.seconds
        func mean(_ rows: ArraySlice<SeriesRow>, _ c: Int) -> Double? {
            let values = rows.filter { $0.completed[c] > 0 }.map { $0.p99Ms[c] }
            return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        }
        return scenario.workload.classes.enumerated().map { c, cls in
            let before = series.filter { $0.timeSeconds <= start + 1e-9 }.suffix(6)
            let during = series.filter { $0.timeSeconds > start && $0.timeSeconds - step < (end ?? .infinity) }
            let after = end.map { e in series.filter { $0.timeSeconds - step >= e - 1e-9 }.prefix(6) } ?? []
            return (cls.name, mean(before, c), during.map { $0.worstLatencyMs(c) }.max(), mean(after, c))
        }
    }

    /// The terminal's operations block: each operation's status and duration, latency before,
    /// during and after the long ones, a warning for each one that did not finish, and the
    /// changes that make the headline figures an average of phases.
    var operationsSummary: [String] {
        var lines: [String] = []
        let f = NumberFormat.fixed
        let ops = operationLog?.operations ?? []
        let step = scenario.run.sampleInterval.seconds
        if !ops.isEmpty {
            let rows = ops.enumerated().map { i, op -> [String] in
                let d = interval("op\(i + 1).duration_seconds")
                let duration = op.end == nil ? "≥ " + f((SimTime.zero + scenario.run.duration - op.start).seconds, 1)
                    : d.map { $0.count > 1 && $0.halfWidth > 0 ? "\(f($0.mean, 1)) ± \(f($0.halfWidth, 1))" : f($0.mean, 3) } ?? ""
                return ["op\(i + 1)", op.summary(48), op.end == nil ? "did not finish" : op.status, f(op.start.seconds, 1), duration]
            }
            lines.append(TextTable.render(header: ["op", "statement or event", "status", "start_s", "duration_s"], rows: rows).trimmingTrailingNewline)
            for (i, op) in ops.enumerated() where op.end == nil || (op.end! - op.start).seconds >= step {
                let around = latencyAround(op)
                let text = around.map { a in
                    "\(a.className) \(a.before.map { f($0, 1) } ?? "–") → \(a.during.map { f($0, 1) } ?? "–") → \(a.after.map { f($0, 1) } ?? "–")"
                }.joined(separator: "; ")
                lines.append("op\(i + 1) p99 ms before → worst interval during → after: \(text)")
            }
            for (i, op) in ops.enumerated() where op.end == nil {
                lines.append("warning: op\(i + 1) (\(op.summary(48))) did not finish within the run: still \(op.status) at \(f(scenario.run.duration.seconds, 0)) s, so its duration is only a lower bound; lengthen run.duration (run --duration) to see it end")
            }
        }
        let changes = runChanges
        if !changes.isEmpty {
            lines.append("changes during the run: " + changes.map { "+\(f($0.seconds, 1)) s \($0.text)" }.joined(separator: "; "))
        }
        if changes.contains(where: \.changesRate) {
            lines.append("note: the arrival rate changes during the run, so the figures above average its phases; per-interval figures are in timeseries_classes.csv and the operations' before/during/after above")
        }
        return lines
    }
}
