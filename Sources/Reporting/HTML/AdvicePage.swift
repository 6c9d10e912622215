import Foundation
import Simulation
import SimCore
import Advisor
import Mustache
import TextFormat
import Workload

/// The advice section of report.html: the recommendation, ranked candidates, the Pareto
/// chart of cost vs the tightest SLO, the documented rules with pass/fail, growth, horizon,
/// scale-out and isolation. Text goes through Mustache escaping; the chart through `HTMLText`.
struct AdvicePage {
    let advice: Advice
    /// The recommended scenario's query classes (for what the memory figures count).
    var classes: [QueryClass] = []

    func f(_ v: Double, _ d: Int) -> String { NumberFormat.fixed(v, d) }

    static func render(_ template: String, _ context: [String: Any]) -> String {
        do {
            return try MustacheTemplate(string: template).render(context)
        } catch {
            preconditionFailure("advice template does not parse: \(error)")
        }
    }

    var fragment: String { Self.render(Self.template, context) }

    /// A page of its own when no configuration is recommended (nothing to report in full).
    var standalone: String {
        Self.render("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>citus-sim advice: {{name}}</title><style>{{{style}}}</style></head><body>
        <h1>{{name}}</h1>{{{fragment}}}</body></html>

        """, ["name": advice.scenarioName, "style": ClusterReportPage.style, "fragment": fragment])
    }

    var paretoChart: String {
        let a = advice
        let sims = a.outcomes.indices.filter { a.outcomes[$0].evaluation != nil }
        let point = { (i: Int) in (x: a.outcomes[i].candidate.costPerHour, y: a.outcomes[i].evaluation!.worstRatio) }
        let ratios = sims.map { point($0).y }.filter { $0 > 0 }
        let costs = sims.map { point($0).x }
        var series = [
            SVGLineChart.Series(name: "meets every SLO", points: sims.filter { a.outcomes[$0].evaluation!.meets }.map(point), dots: true),
            SVGLineChart.Series(name: "misses an SLO", points: sims.filter { !a.outcomes[$0].evaluation!.meets }.map(point), dots: true),
            SVGLineChart.Series(name: "Pareto frontier", points: a.pareto.map(point)),
        ]
        if let lo = costs.min(), let hi = costs.max() { series.append(SVGLineChart.Series(name: "SLO limit (ratio 1)", points: [(lo, 1), (hi, 1)])) }
        let spread = (ratios.max() ?? 1) / max(ratios.min() ?? 1, 1e-9)
        return SVGLineChart(title: "Cost vs the tightest SLO (measured upper end / target) per simulated candidate", xLabel: "cost per hour",
                            yLabel: "worst SLO ratio (≤ 1 meets)", series: series, logY: spread > 20).svg
    }

    /// Each finished scale-out setting as a point: its duration against its tightest objective
    /// during the operation (measured upper end / target; at most 1 meets).
    var operationsChart: String {
        let runs = advice.scaleOut.filter { $0.finished && $0.tightest != nil }
        guard !runs.isEmpty else { return "" }
        let point = { (r: Advice.ScaleOutRun) in (x: r.durationSeconds! / 60, y: r.tightest!.ratio) }
        let ratios = runs.map { point($0).y }.filter { $0 > 0 }
        let xs = runs.map { point($0).x }
        // Palette order: blue, red, green, purple.
        var series = [
            SVGLineChart.Series(name: "recommended", points: runs.filter(\.recommended).map(point), dots: true),
            SVGLineChart.Series(name: "breaks an objective", points: runs.filter { !$0.meetsSLODuringOperation }.map(point), dots: true),
            SVGLineChart.Series(name: "meets every objective", points: runs.filter { $0.meetsSLODuringOperation && !$0.recommended }.map(point), dots: true),
        ]
        if let lo = xs.min(), let hi = xs.max() { series.append(SVGLineChart.Series(name: "target (ratio 1)", points: [(lo, 1), (hi, 1)], dashed: true)) }
        let spread = (ratios.max() ?? 1) / max(ratios.min() ?? 1, 1e-9)
        return SVGLineChart(title: "Scale-out settings: duration against the tightest objective while the operation runs", xLabel: "duration (min)",
                            yLabel: "tightest objective: upper end / target (≤ 1 meets)", series: series, logY: spread > 20).svg
    }

    /// The rate curve over the schedule's window and the chosen plan's run (a band), with the
    /// busy threshold: when the load is low enough to go fast.
    var scheduleChart: String {
        guard let sc = advice.schedule else { return "" }
        let curve = sc.curve
        let end = sc.window.to.seconds + max(3_600, sc.chosen?.run.durationSeconds ?? 0)
        let step = max(60, (end - sc.window.from.seconds) / 200)
        var points: [(x: Double, y: Double)] = []
        for t in stride(from: sc.window.from.seconds, through: end, by: step) {
            points.append((x: t / 3_600, y: curve.rate(at: SimTime.zero + SimDuration(seconds: t))))
        }
        var chart = SVGLineChart(title: "Load over the schedule's window and the chosen scale-out", xLabel: "workload clock (h)", yLabel: "queries per second",
                                 series: [SVGLineChart.Series(name: "rate", points: points),
                                          SVGLineChart.Series(name: "busy above", points: [(points.first!.x, sc.threshold), (points.last!.x, sc.threshold)], dashed: true)])
        if let c = sc.chosen, let d = c.run.durationSeconds {
            chart.bands = [(from: c.plan.start.seconds / 3_600, to: (c.plan.start.seconds + d) / 3_600, label: "scale-out")]
        }
        return chart.svg
    }

    /// Each limit's use against time (1 = it breaks), from today's figures and the growth rates.
    var runwayChart: String {
        guard let w = advice.capacityRunway else { return "" }
        let series = w.limits.compactMap { l -> SVGLineChart.Series? in
            // Per-class growth: each month's use as computed.
            if let use = l.use { return SVGLineChart.Series(name: l.id, points: use.enumerated().map { (x: Double($0.offset), y: $0.element) }) }
            guard let f = l.factor, f > 0 else { return nil }
            let rate = l.driver == "traffic" ? w.trafficPerMonth : w.dataPerMonth
            let points = (0...w.months).map { m in (x: Double(m), y: pow(1 + rate, Double(m)) / f) }
            // The SLO line crosses 1 at the first month simulated to miss (without a simulated
            // break: the first traffic step that missed, its latest break).
            return SVGLineChart.Series(name: l.id == "slo" ? (w.sloBreak == nil ? "slo (latest break)" : "slo (simulated)") : l.id, points: points)
        } + [SVGLineChart.Series(name: "limit", points: [(0, 1), (Double(w.months), 1)], dashed: true)]
        return SVGLineChart(title: "Capacity runway: each limit's use over the months ahead (1 = it breaks)", xLabel: "months", yLabel: "use of the limit", series: series).svg
    }

    /// Each simulated coordinator setup: its price against its busiest coordinator's CPU,
    /// with the ceiling.
    var coordinatorChart: String {
        guard let c = advice.coordinatorStudy else { return "" }
        let runs = c.runs.filter { $0.busiestCPU != nil }
        guard !runs.isEmpty else { return "" }
        let point = { (r: Advice.CoordinatorStudy.Run) in (x: r.setup.costPerHour, y: r.busiestCPU!.mean * 100) }
        let xs = runs.map { point($0).x }
        // Palette order: blue, red, green, purple.
        var series = [
            SVGLineChart.Series(name: "recommended", points: runs.filter { $0.role == .recommended }.map(point), dots: true),
            SVGLineChart.Series(name: "misses an SLO", points: runs.filter { !$0.evaluation.meets && $0.role != .recommended }.map(point), dots: true),
            SVGLineChart.Series(name: "meets every SLO", points: runs.filter { $0.evaluation.meets && $0.role != .recommended }.map(point), dots: true),
        ]
        if let lo = xs.min(), let hi = xs.max(), c.cpuLimit < 1 {
            series.append(SVGLineChart.Series(name: "CPU ceiling", points: [(lo, c.cpuLimit * 100), (hi, c.cpuLimit * 100)], dashed: true))
        }
        return SVGLineChart(title: "Coordinator setups: price against the busiest coordinator's CPU (simulated)", xLabel: "coordinators' cost per hour",
                            yLabel: "busiest coordinator CPU (%)", series: series).svg
    }

    var operationsHoldout: String {
        guard let h = advice.operationsHoldout else { return "" }
        return "Held-out check of the scale-out (fresh seed \(h.seed), \(h.recommended.replications) replications not used for the choice): the recommended setting "
            + (h.recommendedMeets ? "keeps every objective (\(h.recommended.durationText ?? "not finished"))" : "misses: \(h.recommended.during?.missText ?? "not finished")")
            + (h.nextFasterMisses.map { $0 ? "; the next faster setting (\(h.nextFaster!.label)) breaks one: \(h.nextFaster!.during?.missText.dropFirst("misses ".count) ?? "not finished")." : "; the next faster setting (\(h.nextFaster!.label)) keeps them too." } ?? "; no studied setting is faster.")
    }

    var context: [String: Any] {
        let a = advice
        let ranked: [[String: String]] = a.ranking.prefix(15).enumerated().map { k, i in
            let o = a.outcomes[i]
            return ["rank": "\(k + 1)", "id": "\(o.id)", "label": o.candidate.label, "cost": f(o.candidate.costPerHour, 2),
                    "ratio": o.evaluation.map { f($0.worstRatio, 2) } ?? "", "verdict": o.verdict.rawValue,
                    "cls": o.verdict == .misses || o.verdict == .unconfirmed ? "bad" : "ok",
                    "reason": o.verdict == .recommended ? "cheapest configuration meeting every SLO, confirmed on fresh replications" : o.reason]
        }
        let evidence: [[String: String]] = a.recommended.flatMap { r in a.outcomes[r].evaluation.map { ($0, a.outcomes[r].confirmation) } }.map { e, c in
            e.checks.map { check in
                let confirmed = c?.checks.first { $0.metric == check.metric }
                return ["objective": check.objective, "target": check.targetText, "measured": check.measuredText, "confirmed": confirmed?.measuredText ?? "",
                        "met": check.met && confirmed?.met != false ? "met" : "NOT met", "cls": check.met && confirmed?.met != false ? "ok" : "bad"]
            }
        } ?? []
        let rules: [[String: String]] = a.rules.map { r in
            ["id": r.id, "rule": r.rule, "citation": r.citation, "verdict": r.verdict.rawValue, "detail": r.detail,
             "cls": r.verdict == .fail ? "bad" : r.verdict == .pass ? "ok" : "muted"]
        }
        let growth: [[String: String]] = a.growth.map { g in
            ["kind": g.kind.rawValue, "factor": "×\(f(g.factor, 2))", "level": g.kind == .traffic ? "\(f(g.level, 0)) queries/s" : "\(f(g.level, 0)) tenants",
             "verdict": g.evaluation.meets ? "meets" : "misses", "cls": g.evaluation.meets ? "ok" : "bad", "detail": g.evaluation.missText]
        }
        let horizon: String = a.horizon.map { h in
            let head = "At the planning horizon (traffic ×\(f(h.trafficGrowth, 2)), tenants ×\(f(h.tenantGrowth, 2))) the recommended cluster "
            if h.current.meets { return head + "still meets every SLO." }
            return head + h.current.missText + "; " + (h.workersNeeded.map { "\($0) workers of the same size meet every SLO there." } ?? "no worker count up to the shard count meets the SLOs there.")
        } ?? ""
        let scale: [[String: String]] = a.scaleOut.map { r in
            let checks = r.during?.checks ?? []
            return ["setting": r.label, "added": "\(r.addedWorkers)", "duration": r.durationOrLimitText,
                    "gib": f(r.bytesCopied / 1_073_741_824, 1), "blocked": f(r.writeBlockedGroupSeconds, 1),
                    "during": checks.map { "\($0.objective) \(SLOCheck.show($0.measured.upper, $0.unit)) / \($0.targetText)" }.joined(separator: "; "),
                    "worst": r.peakP99Ms.map { "\($0.className) \(f($0.before, 1)) → \(f($0.during, 1)) ms" }.joined(separator: "; "),
                    "runs": "\(r.replications)",
                    "verdict": r.recommended ? "recommended" : r.meetsSLODuringOperation ? "meets" : r.undecided ? "not shown to keep them"
                        : r.finished ? "breaks an objective" : r.stoppedAfter != nil ? "over the limit" : "not finished",
                    "cls": r.meetsSLODuringOperation ? "ok" : "bad", "error": r.error ?? ""]
        }
        let gib = 1_073_741_824.0
        let storage: [[String: String]] = a.recommended.flatMap { a.outcomes[$0].load }.map { l in
            l.workerDataBytes.indices.map { w in
                let need = l.diskNeeded(w, growth: a.spec.tenantGrowth), usable = l.usableDisk(w)
                return ["worker": ClusterSpec.workerName(w), "today": f(l.workerDataBytes[w] / gib, 1), "horizon": f(l.workerDataBytes[w] * a.spec.tenantGrowth / gib, 1),
                        "need": f(need / gib, 1), "usable": f(usable / gib, 1), "share": "\(f(need / usable * 100, 1))%", "cls": need <= usable ? "ok" : "bad"]
            }
        } ?? []
        let memory = MemoryAdvice(a)
        let isolation: [[String: String]] = a.isolation.map { t in
            ["rank": "\(t.rank)", "share": "\(f(t.activityShare * 100, 2))%", "gib": f(t.dataBytes / 1_073_741_824, 1), "multiple": f(t.shardLoadMultiple, 2),
             "verdict": t.deserves ? "isolate" : "no", "cls": t.deserves ? "bad" : "ok", "reason": t.reason]
        }
        let schemaPlacement = a.schemaPlacement.map { p in
            "\(SizingRules.grouped(p.schemas)) schemas, each one single-shard group placed whole on one worker by its colocation id (Citus's rule), not by its size. "
                + "The largest holds \(f(p.largestBytes / 1_073_741_824, 1)) GiB, the median \(f(p.medianBytes / 1_048_576, 1)) MiB; on the recommendation's "
                + "\(p.workerBytes.count) workers the fullest holds \(f(p.workerSkew, 2))x the mean data (\(p.workerBytes.map { f($0 / 1_073_741_824, 1) }.joined(separator: " / ")) GiB). "
                + "The rebalancer moves whole schemas; a schema too large for its worker's share is a candidate for a worker of its own (below)."
        } ?? ""
        let schemaRows: [[String: String]] = a.schemaPlacement?.largest.map { s in
            ["rank": "\(s.rank)", "schema": s.name, "colocation": "\(s.colocationID)", "gib": f(s.dataBytes / 1_073_741_824, 2),
             "share": "\(f(s.activityShare * 100, 2))%", "worker": ClusterSpec.workerName(s.worker - 1)]
        } ?? []
        let rejected: [[String: String]] = a.outcomes.filter { $0.verdict == .rejected }.map { o in
            ["id": "\(o.id)", "label": o.candidate.label, "cost": f(o.candidate.costPerHour, 2), "reason": o.reason]
        }
        let cheapest = a.cheapest
        let nothing = a.nothingSimulated.map { counts in
            "Nothing was simulated: every one of the \(a.outcomes.count) candidates was rejected before simulation (\(counts)). "
                + (cheapest.map { "The cheapest, \(a.outcomes[$0].candidate.label), was rejected because \(a.outcomes[$0].reason); its rules are below." } ?? "")
        } ?? ""
        return ["nothingSimulated": nothing, "hasSimulated": a.nothingSimulated == nil, "detailsOpen": a.nothingSimulated == nil ? "" : " open",
                "headline": a.headline, "headlineClass": a.recommended == nil ? "bad" : "ok", "ranked": ranked, "evidence": evidence,
                "hasEvidence": !evidence.isEmpty, "rules": rules, "growth": growth, "hasGrowth": !growth.isEmpty, "horizon": horizon,
                "ha": a.highAvailability.map { h in [false, true].map { standby -> [String: String] in
                    let e = standby ? h.withStandby : h.withoutStandby
                    return ["case": standby ? "streaming standby per worker (+\(f(h.standbyPricePerHour, 2))/h)" : "no standby",
                            "failed": e.interval("failed_queries").map { "\(f($0.mean, 0)) (\(f($0.lower, 0))–\(f($0.upper, 0)))" } ?? "",
                            "share": e.interval("timeout_or_error_rate").map { "\(f($0.mean * 100, 2))%" } ?? "",
                            "objectives": (e.checks.map { "\($0.objective) \(SLOCheck.show($0.measured.upper, $0.unit)) / \($0.targetText)" }
                                + e.unanswered.map { "\($0): no query answered" }).joined(separator: "; "),
                            "verdict": e.meets ? "meets" : "misses", "cls": e.meets ? "ok" : "bad"]
                } } ?? [], "hasHA": a.highAvailability != nil, "haVerdict": a.highAvailability?.verdict ?? "",
                "haWorker": a.highAvailability?.worker ?? "", "haMinutes": a.highAvailability.map { f($0.windowSeconds / 60, 0) } ?? "",
                "hasCoordinator": a.coordinatorStudy != nil, "coordinatorVerdict": a.coordinatorStudy?.verdict ?? "", "coordinatorChart": coordinatorChart,
                "coordinatorRuns": a.coordinatorStudy.map { c in c.runs.map { r -> [String: String] in
                    ["role": r.role.rawValue, "setup": r.setup.label, "cost": f(r.setup.costPerHour, 2), "analytic": "\(f(r.analyticCPU * 100, 1))%",
                     "cpu": r.busiestCPU.map { "\(f($0.mean * 100, 1))% (\(f($0.lower * 100, 1))–\(f($0.upper * 100, 1))%)" } ?? "",
                     "ratio": f(r.evaluation.worstRatio, 2), "verdict": r.evaluation.meets ? "meets" : "misses", "cls": r.evaluation.meets ? "ok" : "bad",
                     "detail": r.evaluation.missText]
                } } ?? [],
                "hasSchedule": a.schedule != nil, "scheduleVerdict": a.schedule?.verdict ?? "", "scheduleChart": scheduleChart,
                "scheduleRunbook": a.schedule.flatMap { sc in a.recommended.map { sc.runbookSQL(scenario: a.scenarioName, candidate: a.outcomes[$0].candidate.label) } } ?? "",
                "hasRunway": a.capacityRunway != nil, "runwayVerdict": a.capacityRunway?.verdict ?? "", "runwayChart": runwayChart,
                "runwayLimits": a.capacityRunway.map { w in w.limits.map { l -> [String: String] in
                    ["limit": l.id, "driver": l.driver, "when": l.months.map { w.date($0) } ?? "beyond \(w.months) months", "detail": l.detail,
                     "cls": l.months.map { $0 <= 12 ? "bad" : "ok" } ?? "ok"]
                } } ?? [],
                "runwayRemedies": a.capacityRunway.map { w in w.remedies.map { r -> [String: String] in
                    ["remedy": r.name, "duration": r.durationSeconds.map { "\(f($0 / 60, 1)) min" } ?? "not simulated",
                     "slo": r.meetsSLODuringOperation.map { $0 ? "kept" : "broken" } ?? "", "detail": r.detail]
                } } ?? [],
                "storage": storage, "hasStorage": !storage.isEmpty, "growthFactor": f(a.spec.tenantGrowth, 2),
                "workMem": ClusterReportPage.workMemSentence(classes),
                "hasMemory": memory != nil, "memoryVerdict": memory?.detail ?? "", "memoryExplained": memory?.explanation ?? "",
                "memoryNodes": (memory?.nodes ?? []).map { n in
                    ["node": n.name, "peak": "\(f(n.peak.mean, 2)) (\(f(n.peak.lower, 2))–\(f(n.peak.upper, 2)))", "limit": f(n.limitGiB, 2),
                     "oom": f(n.outOfMemory, 0), "oomErrors": f(n.outOfMemoryErrors, 0),
                     "cls": n.peak.upper <= n.limitGiB && n.outOfMemory == 0 && n.outOfMemoryErrors == 0 ? "ok" : "bad"]
                },
                "memoryShards": (memory?.shardCounts ?? []).map { s in
                    ["shards": String(s.shardCount), "verdict": s.recommended ? "recommended" : s.verdict, "tightest": MemoryAdvice.percent(s.tightest),
                     "coordinator": MemoryAdvice.percent(s.coordinatorCPU), "worker": MemoryAdvice.percent(s.workerCPU), "memory": f(s.workerMemoryGiB, 2),
                     "cls": s.tightest <= 1 ? "ok" : "bad"]
                },
                "storageVerdict": a.recommended.flatMap { a.outcomes[$0].rules.first { $0.id == "disk-space" }?.detail } ?? "",
                "scale": scale, "hasScale": !scale.isEmpty, "snapshotVerdict": a.snapshotVerdict ?? "", "operationsVerdict": a.operationsVerdict ?? "",
                "operationsChart": operationsChart, "hasRunbook": a.recommendedOperation != nil,
                "runbook": a.recommendedOperation.map { a.scaleOut[$0].runbook.joined(separator: "\n") } ?? "",
                "recommendedSettings": a.recommendedOperation.map { a.scaleOut[$0].settings.joined(separator: "; ") } ?? "",
                "added": "\(a.scaleOut.first?.addedWorkers ?? 0)", "addedPlural": a.scaleOut.first?.addedWorkers == 1 ? "" : "s", "operationsHoldout": operationsHoldout, "scaleReplications": "\(a.spec.replications)", "scaleLimit": "\(a.spec.maxOperationReplications)", "isolation": isolation, "hasIsolation": !isolation.isEmpty,
                "isolationTitle": a.schemaPlacement == nil ? "Tenant isolation" : "Schemas for a worker of their own", "isolationUnit": a.schemaPlacement == nil ? "shard" : "schema",
                "hasSchemaPlacement": a.schemaPlacement != nil, "schemaPlacement": schemaPlacement, "schemaRows": schemaRows,
                "rejected": rejected, "rejectedCount": "\(rejected.count)", "total": "\(a.outcomes.count)",
                "simulated": "\(a.outcomes.count - rejected.count)", "replications": "\(a.replications)", "paretoChart": paretoChart,
                "coordinator": "\(a.coordinator.name) (\(a.coordinator.cores) cores, \(f(a.coordinator.memoryGiB, 0)) GiB)",
                "holdout": a.holdout.map { h in
                    "Held-out check (fresh seed \(h.seed), \(h.recommended.replications) replications not used for the choice): the recommendation "
                        + (h.recommendedMeets ? "meets every objective" : "misses: \(h.recommended.missText)")
                        + (h.nextCheaperMisses.map { $0 ? "; the next-cheaper candidate misses: \(h.nextCheaper!.missText.dropFirst("misses ".count))." : "; the next-cheaper candidate meets them too." } ?? ".")
                } ?? "",
                "nextCheaper": a.nextCheaper.map { "Next cheaper candidate (simulated or rejected by a documented rule): \(a.outcomes[$0].candidate.label), \(f(a.outcomes[$0].candidate.costPerHour, 2))/h: \(a.outcomes[$0].reason)." } ?? ""]
    }

    static let template = """
    <h2>Sizing advice</h2>
    <p class="verdict {{headlineClass}}">{{headline}}</p>
    <p class="muted">{{total}} candidates: {{simulated}} simulated with {{replications}} replications each on common random numbers (the same requests for every candidate), {{rejectedCount}} rejected by the budget, the documented rules or analytic bounds. Coordinator: {{coordinator}}. A candidate meets an SLO when the upper end of its confidence interval is within the target.</p>
    {{#hasEvidence}}<table><tr><th>objective</th><th>target</th><th>search (mean, upper end)</th><th>confirmation replications (mean, upper end)</th><th>verdict</th></tr>
    {{#evidence}}<tr><td>{{objective}}</td><td class="num">{{target}}</td><td class="num">{{measured}}</td><td class="num">{{confirmed}}</td><td class="{{cls}}">{{met}}</td></tr>{{/evidence}}</table>{{/hasEvidence}}
    <p>{{nextCheaper}}</p>
    <p>{{holdout}}</p>
    <h3>Ranked candidates</h3>
    <table><tr><th>rank</th><th>#</th><th>configuration</th><th>cost/h</th><th>worst SLO ratio</th><th>verdict</th><th>why</th></tr>
    {{#ranked}}<tr><td class="num">{{rank}}</td><td class="num">{{id}}</td><td>{{label}}</td><td class="num">{{cost}}</td><td class="num">{{ratio}}</td><td class="{{cls}}">{{verdict}}</td><td>{{reason}}</td></tr>{{/ranked}}</table>
    {{#hasSimulated}}{{{paretoChart}}}{{/hasSimulated}}
    {{^hasSimulated}}<p class="verdict bad">{{nothingSimulated}}</p>{{/hasSimulated}}
    <h3>Rules from the Citus documentation</h3>
    <table><tr><th>rule</th><th>source</th><th>verdict</th><th>figures</th></tr>
    {{#rules}}<tr><td>{{rule}}</td><td class="muted">{{citation}}</td><td class="{{cls}}">{{verdict}}</td><td>{{detail}}</td></tr>{{/rules}}</table>
    <p class="muted">GB here is the docs' decimal unit (10<sup>9</sup> bytes); sizes elsewhere in this report are binary GiB (2<sup>30</sup> bytes).</p>
    {{#hasGrowth}}<h3>Growth</h3>
    <table><tr><th>grows</th><th>factor</th><th>load</th><th>verdict</th><th>figures</th></tr>
    {{#growth}}<tr><td>{{kind}}</td><td class="num">{{factor}}</td><td class="num">{{level}}</td><td class="{{cls}}">{{verdict}}</td><td>{{detail}}</td></tr>{{/growth}}</table>{{/hasGrowth}}
    <p>{{horizon}}</p>
    {{#hasStorage}}<h3>Storage</h3>
    <p>{{storageVerdict}}.</p>
    <table><tr><th>worker</th><th>data today (GiB)</th><th>at the horizon (×{{growthFactor}})</th><th>+ the largest shard group's move or split</th><th>usable disk (10% kept free)</th><th>used</th></tr>
    {{#storage}}<tr><td>{{worker}}</td><td class="num">{{today}}</td><td class="num">{{horizon}}</td><td class="num">{{need}}</td><td class="num">{{usable}}</td><td class="num {{cls}}">{{share}}</td></tr>{{/storage}}</table>
    <p class="muted">Data only (tables and their indexes as the scenario sizes them): WAL, temporary files and bloat come on top. Citus refuses a move that would leave the target with less than citus.desired_percent_disk_available_after_move (10%) free; a split writes the new shards beside the old ones until it ends. Candidates that run out are rejected before simulation (rule disk-space).</p>{{/hasStorage}}
    {{#hasMemory}}<h3>Memory and shard count</h3>
    <p>{{memoryVerdict}}.</p>
    <table><tr><th>node</th><th>memory peak GiB (95% CI)</th><th>RAM − OS GiB</th><th>refused: out of memory</th><th>queries failed: out of memory</th></tr>
    {{#memoryNodes}}<tr><td>{{node}}</td><td class="num {{cls}}">{{peak}}</td><td class="num">{{limit}}</td><td class="num">{{oom}}</td><td class="num">{{oomErrors}}</td></tr>{{/memoryNodes}}</table>
    <p>{{memoryExplained}}.</p>
    <table><tr><th>shards</th><th>verdict</th><th>tightest objective (upper end / target)</th><th>coordinator CPU</th><th>busiest worker CPU</th><th>busiest worker memory GiB</th></tr>
    {{#memoryShards}}<tr><td class="num">{{shards}}</td><td>{{verdict}}</td><td class="num {{cls}}">{{tightest}}</td><td class="num">{{coordinator}}</td><td class="num">{{worker}}</td><td class="num">{{memory}}</td></tr>{{/memoryShards}}</table>
    <p class="muted">Each shard count simulated on the recommended hardware. More shards split a fan-out into more, smaller tasks (more parallelism) but add planning, dispatch and merging on the coordinator per task and make each backend's caches larger (a worker backend keeps the shards it read open); fewer shards leave cores idle in a fan-out. Memory: shared_buffers and the backends at the peak connection count, each with its private memory (cluster.backend_memory, fitted in the lab); {{workMem}}</p>{{/hasMemory}}
    {{#hasRunway}}<h3>Capacity runway</h3>
    <p class="verdict">{{runwayVerdict}}</p>
    {{{runwayChart}}}
    <table><tr><th>limit</th><th>grows with</th><th>breaks</th><th>figures today</th></tr>
    {{#runwayLimits}}<tr><td>{{limit}}</td><td>{{driver}}</td><td class="{{cls}}">{{when}}</td><td>{{detail}}</td></tr>{{/runwayLimits}}</table>
    <table><tr><th>remedy (best first)</th><th>duration</th><th>objectives while it runs</th><th>figures</th></tr>
    {{#runwayRemedies}}<tr><td>{{remedy}}</td><td class="num">{{duration}}</td><td>{{slo}}</td><td>{{detail}}</td></tr>{{/runwayRemedies}}</table>{{/hasRunway}}
    {{#hasSchedule}}<h3>Scale-out schedule</h3>
    <p class="verdict">{{scheduleVerdict}}</p>
    {{{scheduleChart}}}
    <pre style="white-space: pre-wrap">{{scheduleRunbook}}</pre>{{/hasSchedule}}
    {{#hasCoordinator}}<h3>Coordinator</h3>
    <p class="verdict">{{coordinatorVerdict}}</p>
    {{{coordinatorChart}}}
    <table><tr><th>setup</th><th>coordinators</th><th>cost/h</th><th>CPU each (analytic)</th><th>busiest coordinator CPU (95% CI)</th><th>tightest objective (upper end / target)</th><th>verdict</th><th>figures</th></tr>
    {{#coordinatorRuns}}<tr><td>{{role}}</td><td>{{setup}}</td><td class="num">{{cost}}</td><td class="num">{{analytic}}</td><td class="num">{{cpu}}</td><td class="num">{{ratio}}</td><td class="{{cls}}">{{verdict}}</td><td>{{detail}}</td></tr>{{/coordinatorRuns}}</table>
    <p class="muted">Each setup simulated at the search's load with its seeds and replications (the same requests). Clients are spread evenly over several coordinators (the application's load balancer or pool); each plans and merges its share on its own cores and keeps its own connection pools, and DDL and rebalancing go through the first.</p>{{/hasCoordinator}}
    {{#hasHA}}<h3>High availability: the busiest worker fails</h3>
    <p>{{haVerdict}}</p>
    <table><tr><th>{{haWorker}} fails</th><th>queries failed in {{haMinutes}} min (95% CI)</th><th>share failed</th><th>objectives from the failure on (upper end / target)</th><th>verdict</th></tr>
    {{#ha}}<tr><td>{{case}}</td><td class="num">{{failed}}</td><td class="num">{{share}}</td><td>{{objectives}}</td><td class="{{cls}}">{{verdict}}</td></tr>{{/ha}}</table>{{/hasHA}}
    {{#hasScale}}<h3>Scale-out: which setting keeps the objectives while it runs</h3>
    <p class="verdict">{{operationsVerdict}}</p>
    <p class="muted">Each setting simulated {{scaleReplications}} times under today's load, from the first statement to the end of the rebalance, and {{scaleReplications}} more at a time (up to {{scaleLimit}}, the runs column) while an objective's confidence interval still held its target; a setting still undecided there is not shown to keep the objectives. An objective is judged over the operation's window (every query answered while it ran) and met when the upper end of its confidence interval is within the target; the CPU ceiling is not judged (it is steady-state headroom, which an operation spends). The worst sample interval's p99 is shown beside.</p>
    {{{operationsChart}}}
    <table><tr><th>setting</th><th>runs</th><th>duration (95% CI)</th><th>GiB copied</th><th>write-blocked group·s</th><th>objectives during the operation (upper end / target)</th><th>verdict</th><th>p99 before → worst interval</th><th>error</th></tr>
    {{#scale}}<tr><td>{{setting}}</td><td class="num">{{runs}}</td><td class="num">{{duration}}</td><td class="num">{{gib}}</td><td class="num">{{blocked}}</td><td>{{during}}</td><td class="{{cls}}">{{verdict}}</td><td>{{worst}}</td><td>{{error}}</td></tr>{{/scale}}</table>
    {{#hasRunbook}}<p>The recommended setting's runbook (adds {{added}} worker{{addedPlural}}; the settings it changes: <code>{{recommendedSettings}}</code>):</p>
    <pre>{{runbook}}</pre>{{/hasRunbook}}
    <p>{{operationsHoldout}}</p>
    <p>{{snapshotVerdict}}</p>{{/hasScale}}
    {{#hasSchemaPlacement}}<h3>Schema placement</h3>
    <p>{{schemaPlacement}}</p>
    <table><tr><th>rank</th><th>schema</th><th>colocation id</th><th>data GiB</th><th>share of queries</th><th>worker</th></tr>
    {{#schemaRows}}<tr><td class="num">{{rank}}</td><td>{{schema}}</td><td class="num">{{colocation}}</td><td class="num">{{gib}}</td><td class="num">{{share}}</td><td>{{worker}}</td></tr>{{/schemaRows}}</table>
    {{/hasSchemaPlacement}}{{#hasIsolation}}<h3>{{isolationTitle}}</h3>
    <table><tr><th>rank</th><th>share of queries</th><th>data GiB</th><th>× average {{isolationUnit}} load</th><th>verdict</th><th>why</th></tr>
    {{#isolation}}<tr><td class="num">{{rank}}</td><td class="num">{{share}}</td><td class="num">{{gib}}</td><td class="num">{{multiple}}</td><td class="{{cls}}">{{verdict}}</td><td>{{reason}}</td></tr>{{/isolation}}</table>{{/hasIsolation}}
    <details{{detailsOpen}}><summary>{{rejectedCount}} candidates rejected before simulation</summary>
    <table><tr><th>#</th><th>configuration</th><th>cost/h</th><th>why</th></tr>
    {{#rejected}}<tr><td class="num">{{id}}</td><td>{{label}}</td><td class="num">{{cost}}</td><td>{{reason}}</td></tr>{{/rejected}}</table></details>
    """
}
