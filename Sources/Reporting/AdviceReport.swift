import Advisor
import Experiments
import Scenario
import SimCore
import Simulation
import TextFormat

/// The outputs of `citus-sim recommend`: recommendations.csv (every candidate), advice.json,
/// report.html (the advice, then the recommended cluster's full report) and a terminal table.
public struct AdviceReport {
    /// The search, studies and recommended run this report formats.
    public var experiment: AdviceExperiment

    public init(_ experiment: AdviceExperiment) { self.experiment = experiment }

    public var advice: Advice { experiment.advice }
    /// The recommended configuration run again like `citus-sim run` (nil when none).
    public var recommended: ClusterReport? { experiment.recommended.map(ClusterReport.init) }

    public var files: [(name: String, contents: String)] {
        [("recommendations.csv", recommendationsCSV), ("advice.json", json), ("report.html", html)] + (runbookSQL.map { [("runbook.sql", $0)] } ?? [])
    }

    /// The schedule's runbook (nil without a chosen schedule).
    var runbookSQL: String? {
        guard let s = advice.schedule, s.chosen != nil, let r = advice.recommended else { return nil }
        return s.runbookSQL(scenario: advice.scenarioName, candidate: advice.outcomes[r].candidate.label)
    }

    // MARK: CSV

    /// The SLO metrics, in the scenario's order (the same columns for every candidate).
    var sloMetrics: [String] { advice.slo.checks { _ in ConfidenceInterval.placeholder }.map(\.column) }

    var recommendationsCSV: String {
        let metrics = sloMetrics
        var w = CSVWriter(columns: ["candidate", "verdict", "rank", "pareto", "instance", "workers", "worker_cores", "worker_memory_gib", "shard_count",
                                    "pool_size", "shared_pool_size", "max_connections", "cost_per_hour", "analytic_busiest_worker_cpu",
                                    "analytic_coordinator_cpu", "throughput_per_second"]
                                   + metrics.flatMap { ["\($0)_mean", "\($0)_ci_high"] } + ["worst_slo_ratio", "confirmation_worst_slo_ratio", "reason"])
        let rankOf = Dictionary(uniqueKeysWithValues: advice.ranking.enumerated().map { ($1, $0 + 1) })  // lookup only
        for (i, o) in advice.outcomes.enumerated() {
            let c = o.candidate
            var row: [CSVWriter.Cell] = [.integer(Int64(o.id)), .text(o.verdict.rawValue), rankOf[i].map { .integer(Int64($0)) } ?? .text(""),
                                         .text(advice.pareto.contains(i) ? "yes" : ""), .text(c.instance.name), .integer(Int64(c.workers)),
                                         .integer(Int64(c.instance.cores)), .number(c.instance.memoryGiB, digits: 1), .integer(Int64(c.shardCount)),
                                         .integer(Int64(c.poolSize)), .integer(Int64(c.sharedPoolSize)), .integer(Int64(c.maxConnections)),
                                         .number(c.costPerHour, digits: 3)]
            row.append(o.load.map { .number($0.workerCPU.max() ?? 0, digits: 4) } ?? .text(""))
            row.append(o.load.map { .number($0.coordinatorCPU, digits: 4) } ?? .text(""))
            let e = o.evaluation
            row.append(e?.interval("throughput_per_second").map { .number($0.mean, digits: 2) } ?? .text(""))
            for m in metrics {
                let check = e?.checks.first { $0.column == m }
                row.append(check.map { .number($0.measured.mean, digits: 4) } ?? .text(""))
                row.append(check.map { .number($0.measured.upper, digits: 4) } ?? .text(""))
            }
            row.append(e.map { .number($0.worstRatio, digits: 4) } ?? .text(""))
            row.append(o.confirmation.map { .number($0.worstRatio, digits: 4) } ?? .text(""))
            row.append(.text(o.verdict == .recommended ? "cheapest configuration meeting every SLO, confirmed on fresh replications" : o.reason))
            w.appendRow(row)
        }
        return w.text
    }

    // MARK: JSON

    static func candidateJSON(_ o: CandidateOutcome) -> JSONValue {
        let c = o.candidate
        var fields: [(String, JSONValue)] = [
            ("id", .integer(Int64(o.id))), ("label", .string(c.label)), ("verdict", .string(o.verdict.rawValue)),
            ("instance", .string(c.instance.name)), ("workers", .integer(Int64(c.workers))), ("shard_count", .integer(Int64(c.shardCount))),
            ("pool_size", .integer(Int64(c.poolSize))), ("shared_pool_size", .integer(Int64(c.sharedPoolSize))),
            ("max_connections", .integer(Int64(c.maxConnections))), ("cost_per_hour", .number(c.costPerHour, digits: 3)),
        ]
        if let r = o.rejection { fields.append(("rejected_because", .string(r))) }
        if let e = o.evaluation {
            fields.append(("slo", .array(e.checks.map(ClusterReport.sloJSON))))
            fields.append(("worst_slo_ratio", .number(e.worstRatio, digits: 4)))
        }
        if let e = o.confirmation {
            fields.append(("confirmation", .array(e.checks.map(ClusterReport.sloJSON))))
            fields.append(("confirmation_worst_slo_ratio", .number(e.worstRatio, digits: 4)))
        }
        return .object(fields)
    }

    static func rulesJSON(_ rules: [RuleCheck]) -> JSONValue {
        .array(rules.map { r in
            .object([("id", .string(r.id)), ("rule", .string(r.rule)), ("citation", .string(r.citation)), ("verdict", .string(r.verdict.rawValue)),
                     ("detail", .string(r.detail)), ("prunes", .bool(r.prunes))])
        })
    }

    /// The advisor's coordinator, and the recommendation's with the study's runs.
    static func coordinatorJSON(_ a: Advice) -> JSONValue {
        var fields: [(String, JSONValue)] = [("advisor_coordinator", .string(a.coordinator.name))]
        guard let c = a.coordinatorStudy else { return .object(fields + [("study", .null)]) }
        let setup = { (s: CoordinatorSetup) -> [(String, JSONValue)] in
            [("instance", .string(s.instance.name)), ("count", .integer(Int64(s.count))), ("cost_per_hour", .number(s.costPerHour, digits: 4))]
        }
        fields += [
            ("recommended", .object(setup(c.recommended.setup))), ("sized_by_search", .bool(c.sizedBySearch)), ("pinned", .bool(c.pinned)),
            ("planning_cores", .number(c.demandCores, digits: 3)), ("cpu_ceiling", .number(c.cpuLimit, digits: 3)),
            ("single_coordinator_is_bottleneck", .bool(c.singleIsBottleneck)), ("verdict", .string(c.verdict)),
            ("runs", .array(c.runs.map { r in
                .object([("role", .string(r.role.rawValue))] + setup(r.setup) + [
                    ("analytic_cpu", .number(r.analyticCPU, digits: 4)),
                    ("busiest_coordinator_cpu", r.busiestCPU.map(ClusterReport.ciJSON) ?? .null),
                    ("meets", .bool(r.evaluation.meets)), ("worst_ratio", .number(r.evaluation.worstRatio, digits: 4)),
                    ("slo", .array(r.evaluation.checks.map(ClusterReport.sloJSON))),
                ])
            })),
        ]
        return .object(fields)
    }

    /// The runway's tenant classes (nothing without any, so scenarios without classes keep their files).
    static func runwayClassesJSON(_ classes: [AdvisorSpec.RunwaySpec.TenantClass]) -> [(String, JSONValue)] {
        guard !classes.isEmpty else { return [] }
        let items: [JSONValue] = classes.map { c in
            .object([("first_rank", .integer(Int64(c.first))), ("last_rank", .integer(Int64(c.last))),
                     ("traffic_per_month", .number(c.trafficPerMonth, digits: 4)), ("data_per_month", .number(c.dataPerMonth, digits: 4))])
        }
        return [("classes", .array(items))]
    }

    /// The runway's simulated SLO break: the months either side with their objectives.
    static func sloBreakJSON(_ b: Advice.Runway.SimulatedBreak, runway w: Advice.Runway) -> JSONValue {
        func side(_ x: (month: Int, evaluation: Evaluation)?) -> JSONValue {
            guard let x else { return .null }
            let fields: [(String, JSONValue)] = [("month", .integer(Int64(x.month))), ("date", .string(w.date(x.month))), ("meets", .bool(x.evaluation.meets)),
                                                 ("slo", .array(x.evaluation.checks.map(ClusterReport.sloJSON)))]
            return .object(fields)
        }
        let simulated: [JSONValue] = b.simulated.map { .integer(Int64($0)) }
        return .object([("last_meeting", side(b.lastMeeting)), ("first_missing", side(b.firstMissing)), ("months_simulated", .array(simulated))])
    }

    var json: String {
        let a = advice
        var fields: [(String, JSONValue)] = [
            ("scenario", .string(a.scenarioName)), ("seed", .string(String(a.seed))), ("replications_per_candidate", .integer(Int64(a.replications))),
            ("headline", .string(a.headline)), ("coordinator", Self.coordinatorJSON(a)),
            ("candidates_total", .integer(Int64(a.outcomes.count))),
            ("candidates_simulated", .integer(Int64(a.outcomes.filter { $0.evaluation != nil }.count))),
            ("recommended", a.recommended.map { Self.candidateJSON(a.outcomes[$0]) } ?? .null),
            ("next_cheaper", a.nextCheaper.map { Self.candidateJSON(a.outcomes[$0]) } ?? .null),
            ("closest", .array(a.closest.map { Self.candidateJSON(a.outcomes[$0]) })),
            ("rules", Self.rulesJSON(a.rules)),
            ("ranking", .array(a.ranking.prefix(20).map { Self.candidateJSON(a.outcomes[$0]) })),
            ("pareto", .array(a.pareto.map { Self.candidateJSON(a.outcomes[$0]) })),
            ("growth", .array(a.growth.map { g in
                .object([("kind", .string(g.kind.rawValue)), ("factor", .number(g.factor, digits: 3)), ("level", .number(g.level, digits: 1)),
                         ("meets", .bool(g.evaluation.meets)), ("detail", .string(g.evaluation.missText))])
            })),
        ]
        if let h = a.holdout {
            fields.append(("holdout", .object([
                ("seed", .string(String(h.seed))), ("recommended_meets", .bool(h.recommendedMeets)),
                ("recommended", .array(h.recommended.checks.map(ClusterReport.sloJSON))),
                ("next_cheaper_misses", h.nextCheaperMisses.map { .bool($0) } ?? .null),
                ("next_cheaper", h.nextCheaper.map { .array($0.checks.map(ClusterReport.sloJSON)) } ?? .null),
            ])))
        }
        if let h = a.horizon {
            fields.append(("horizon", .object([
                ("traffic_growth", .number(h.trafficGrowth, digits: 3)), ("tenant_growth", .number(h.tenantGrowth, digits: 3)),
                ("recommended_meets_at_horizon", .bool(h.current.meets)), ("recommended_at_horizon", .string(h.current.missText)),
                ("workers_needed", h.workersNeeded.map { .integer(Int64($0)) } ?? .null),
            ])))
        }
        fields.append(("storage", a.recommended.flatMap { Self.storageJSON(a.outcomes[$0], growth: a.spec.tenantGrowth) } ?? .null))
        fields.append(("memory", MemoryAdvice(a)?.json ?? .null))
        fields.append(("ha", a.highAvailability.map { h in
            let side = { (e: Evaluation) -> JSONValue in
                .object([("failed_queries", e.interval("failed_queries").map(ClusterReport.ciJSON) ?? .null),
                         ("timeout_or_error_rate", e.interval("timeout_or_error_rate").map(ClusterReport.ciJSON) ?? .null),
                         ("meets_slo_during_failover", .bool(e.meets)), ("slo_during_failover", .array(e.checks.map(ClusterReport.sloJSON))),
                         ("unanswered_classes", .array(e.unanswered.map { .string($0) }))])
            }
            return .object([("failed_worker", .string(h.worker)), ("window_seconds", .number(h.windowSeconds, digits: 1)),
                             ("standby_price_per_hour", .number(h.standbyPricePerHour, digits: 4)), ("standby_takes_over_after_seconds", .number(h.promotionSeconds, digits: 1)),
                             ("without_standby", side(h.withoutStandby)), ("with_standby", side(h.withStandby)), ("verdict", .string(h.verdict))])
        } ?? .null))
        fields.append(("schedule", a.schedule.map { sc in
            .object([("from", .string(Advisor.clock(sc.window.from))), ("to", .string(Advisor.clock(sc.window.to))), ("step", .string(Advisor.clock(sc.window.step))),
                     ("busy_above_rate_per_second", .number(sc.threshold, digits: 2)), ("plans_considered", .integer(Int64(sc.considered))),
                     ("plans_meeting_in_search", .integer(Int64(sc.meetingInSearch))), ("verdict", .string(sc.verdict)),
                     ("chosen", sc.chosen.map { c in
                        .object([("plan", .string(c.plan.label)), ("start", .string(Advisor.clock(c.plan.start))), ("shard_transfer_mode", .string(c.plan.mode)),
                                 ("parallel_transfer_colocated_shards", .bool(c.plan.parallelColocated)),
                                 ("executors_per_node_quiet", .integer(Int64(c.plan.quietExecutors))), ("executors_per_node_busy", .integer(Int64(c.plan.busyExecutors))),
                                 ("max_worker_processes", .integer(Int64(c.maxWorkerProcesses))),
                                 ("statements", .array(c.blocks.map { b in .object([("at", .string(Advisor.clock(b.at))), ("note", .string(b.note)), ("sql", .array(b.sql.map { .string($0) }))]) })),
                                 ("run", Self.operationJSON(c.run)), ("holdout_seed", .string(String(c.holdoutSeed))),
                                 ("holdout_meets_during_operation", .bool(c.holdout.meetsSLODuringOperation)), ("holdout", Self.operationJSON(c.holdout))])
                     } ?? .null)])
        } ?? .null))
        fields.append(("runway", a.capacityRunway.map { w in
            .object([("traffic_growth_per_month", .number(w.trafficPerMonth, digits: 4)), ("data_growth_per_month", .number(w.dataPerMonth, digits: 4)),
                     ("months", .integer(Int64(w.months))), ("verdict", .string(w.verdict)),
                     ("slo_break", w.sloBreak.map { Self.sloBreakJSON($0, runway: w) } ?? .null),
                     ] + Self.runwayClassesJSON(a.spec.runway?.classes ?? []) + [
                     ("limits", .array(w.limits.map { l in
                        .object([("limit", .string(l.id)), ("driver", .string(l.driver)), ("breaks_at_growth", l.factor.map { .number($0, digits: 3) } ?? .null),
                                 ("meets_up_to_growth", l.lowerFactor.map { .number($0, digits: 3) } ?? .null),
                                 ("months", l.months.map { .integer(Int64($0)) } ?? .null), ("date", l.months.map { .string(w.date($0)) } ?? .null),
                                 ("detail", .string(l.detail))])
                     })),
                     ("remedies", .array(w.remedies.map { r in
                        .object([("remedy", .string(r.name)), ("duration_seconds", r.durationSeconds.map { .number($0, digits: 1) } ?? .null),
                                 ("meets_slo_during_operation", r.meetsSLODuringOperation.map { .bool($0) } ?? .null), ("detail", .string(r.detail)),
                                 ("start_by", w.first.map { .string(w.date(max(0, $0.months! - 1))) } ?? .null)])
                     }))])
        } ?? .null))
        fields.append(("operations", .array(a.scaleOut.map(Self.operationJSON))))
        fields.append(("operations_verdict", a.operationsVerdict.map { .string($0) } ?? .null))
        fields.append(("operations_holdout", a.operationsHoldout.map { h in
            .object([("seed", .string(String(h.seed))), ("recommended_meets_during_operation", .bool(h.recommendedMeets)),
                     ("recommended", Self.operationJSON(h.recommended)),
                     ("next_faster_misses_during_operation", h.nextFasterMisses.map { .bool($0) } ?? .null),
                     ("next_faster", h.nextFaster.map(Self.operationJSON) ?? .null)])
        } ?? .null))
        fields.append(("snapshot_verdict", a.snapshotVerdict.map { .string($0) } ?? .null))
        fields.append(("isolation", .array(a.isolation.map { t in
            .object([("rank", .integer(Int64(t.rank))), ("activity_share", .number(t.activityShare, digits: 5)), ("data_bytes", .number(t.dataBytes, digits: 0)),
                     ("shard_load_multiple", .number(t.shardLoadMultiple, digits: 3)), ("deserves_isolation", .bool(t.deserves)), ("reason", .string(t.reason))])
        })))
        if let p = a.schemaPlacement {
            fields.append(("schema_placement", .object([
                ("schemas", .integer(Int64(p.schemas))), ("largest_schema_bytes", .number(p.largestBytes, digits: 0)),
                ("median_schema_bytes", .number(p.medianBytes, digits: 0)), ("worker_bytes", .array(p.workerBytes.map { .number($0, digits: 0) })),
                ("worker_skew", .number(p.workerSkew, digits: 3)),
                ("largest", .array(p.largest.map { s in
                    .object([("rank", .integer(Int64(s.rank))), ("schema", .string(s.name)), ("colocation_id", .integer(Int64(s.colocationID))),
                             ("data_bytes", .number(s.dataBytes, digits: 0)), ("activity_share", .number(s.activityShare, digits: 5)),
                             ("worker", .string(ClusterSpec.workerName(s.worker - 1)))])
                }))])))
        }
        fields.append(("candidates", .array(a.outcomes.map(Self.candidateJSON))))
        return JSONValue.object(fields).render()
    }

    /// The recommended cluster's disks: per worker, data today and at the horizon, the room the
    /// largest shard group's move or split takes, and the usable disk (Citus keeps 10% free).
    static func storageJSON(_ o: CandidateOutcome, growth: Double) -> JSONValue? {
        guard let l = o.load, !l.workerDataBytes.isEmpty, let rule = o.rules.first(where: { $0.id == "disk-space" }) else { return nil }
        let keep = SizingRules.desiredPercentDiskAvailableAfterMove / 100
        return .object([
            ("verdict", .string(rule.verdict.rawValue)), ("detail", .string(rule.detail)), ("data_growth", .number(growth, digits: 3)),
            ("largest_shard_group_bytes", .number(l.largestGroupBytes, digits: 0)),
            ("desired_percent_disk_available_after_move", .number(keep * 100, digits: 1)),
            ("workers", .array(l.workerDataBytes.indices.map { w in
                .object([("worker", .string(ClusterSpec.workerName(w))), ("data_bytes", .number(l.workerDataBytes[w], digits: 0)),
                         ("data_bytes_at_horizon", .number(l.workerDataBytes[w] * growth, digits: 0)),
                         ("needed_bytes_with_largest_group", .number(l.diskNeeded(w, growth: growth), digits: 0)), ("disk_bytes", .number(l.workerDiskBytes[w], digits: 0)),
                         ("usable_bytes", .number(l.usableDisk(w), digits: 0))])
            })),
        ])
    }

    /// One studied scale-out setting: what it is, how long it took and what the objectives
    /// measured over its window (`slo_during_operation`), with the worst sample interval beside.
    static func operationJSON(_ r: Advice.ScaleOutRun) -> JSONValue {
        let during = r.during
        return .object([
            ("method", .string(r.method)), ("setting", .string(r.label)), ("executors_per_node", .integer(Int64(r.executorsPerNode))),
            ("parallel_transfer_colocated_shards", .bool(r.parallelColocated)), ("parallel_transfer_reference_tables", .bool(r.parallelReference)),
            ("shard_transfer_mode", .string(r.transferMode)), ("added_workers", .integer(Int64(r.addedWorkers))), ("replications", .integer(Int64(r.replications))),
            ("duration_seconds", r.duration.map(ClusterReport.ciJSON) ?? .null),
            ("stopped_after_seconds", r.stoppedAfter.map { .number($0, digits: 0) } ?? .null),
            ("bytes_copied", .number(r.bytesCopied, digits: 0)), ("write_blocked_group_seconds", .number(r.writeBlockedGroupSeconds, digits: 3)),
            ("within_limit", r.withinLimit.map { .bool($0) } ?? .null), ("error", r.error.map { .string($0) } ?? .null),
            ("meets_slo_during_operation", .bool(r.meetsSLODuringOperation)), ("recommended", .bool(r.recommended)),
            ("slo_during_operation", during.map { .array($0.checks.map(ClusterReport.sloJSON)) } ?? .null),
            ("error_rate_during_operation", during?.interval("error_rate").map(ClusterReport.ciJSON) ?? .null),
            ("settings", .array(r.settings.map { .string($0) })), ("runbook", .array(r.runbook.map { .string($0) })),
            ("worst_interval_p99_ms", .array(r.peakP99Ms.map { .object([("class", .string($0.className)), ("during", .number($0.during, digits: 2)), ("before", .number($0.before, digits: 2))]) })),
        ])
    }

    // MARK: Terminal

    /// Headline, the ten best candidates, rules, growth and scale-out in aligned tables.
    public func terminalSummary(color: Bool) -> String {
        let a = advice
        let paint = { (text: String, code: String) in color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var lines = [paint(a.headline, a.recommended == nil ? "1;31" : "1;32")]
        let f = NumberFormat.fixed
        let rows = a.ranking.prefix(10).enumerated().map { k, i -> [String] in
            let o = a.outcomes[i]
            return ["\(k + 1)", "\(o.id)", o.candidate.label, f(o.candidate.costPerHour, 2), o.evaluation.map { f($0.worstRatio, 2) } ?? "", o.verdict.rawValue]
        }
        lines.append(TextTable.render(header: ["rank", "id", "configuration", "cost_per_h", "worst_slo_ratio", "verdict"], rows: rows).trimmingTrailingNewline)
        let rejected = a.outcomes.filter { $0.verdict == .rejected }.count
        lines.append("\(a.outcomes.count) candidates: \(a.outcomes.count - rejected) simulated x \(a.replications) replications, \(rejected) rejected before simulation (reasons in recommendations.csv)")
        if let n = a.nextCheaper { lines.append("next cheaper: \(a.outcomes[n].candidate.label): \(a.outcomes[n].reason)") }
        if let h = a.holdout {
            lines.append("held-out replications (seed \(h.seed)): recommendation \(h.recommendedMeets ? "meets every SLO" : "MISSES: " + h.recommended.missText)"
                         + (h.nextCheaperMisses.map { $0 ? "; next cheaper misses (\(h.nextCheaper!.missText))" : "; next cheaper ALSO MEETS" } ?? ""))
        }
        if !a.rules.isEmpty {
            lines.append(TextTable.render(header: ["rule", "verdict", "detail"], rows: a.rules.map { [$0.id, $0.verdict.rawValue, $0.detail] }).trimmingTrailingNewline)
        }
        for g in a.growth { lines.append("growth: \(g.kind.rawValue) x\(f(g.factor, 2)): \(g.evaluation.missText)") }
        if let h = a.horizon {
            lines.append("horizon (traffic x\(f(h.trafficGrowth, 2)), tenants x\(f(h.tenantGrowth, 2))): " + (h.current.meets ? "the recommendation still meets every SLO"
                : h.workersNeeded.map { "needs \($0) workers" } ?? "no worker count up to the shard count meets the SLOs"))
        }
        for r in a.scaleOut {
            let outcome = r.durationText.map { d in "\(d); during it: " + (r.during?.missText ?? "") } ?? r.durationOrLimitText + (r.error.map { ": \($0)" } ?? "")
            lines.append("scale-out +\(r.addedWorkers) (\(r.label)): \(outcome)\(r.recommended ? "  <- recommended" : "")")
        }
        if let v = a.operationsVerdict { lines.append(v) }
        if let h = a.operationsHoldout {
            lines.append("held-out replications of the scale-out (seed \(h.seed)): recommended setting \(h.recommendedMeets ? "meets every objective" : "MISSES: " + (h.recommended.during?.missText ?? "not finished"))"
                         + (h.nextFasterMisses.map { $0 ? "; next faster misses (\(h.nextFaster!.during?.missText ?? "not finished"))" : "; next faster ALSO MEETS" } ?? ""))
        }
        if let v = a.snapshotVerdict { lines.append(v) }
        if let c = a.coordinatorStudy { lines.append(c.verdict) }
        if let h = a.highAvailability { lines.append(h.verdict) }
        if let sc = a.schedule { lines.append(sc.verdict) }
        if let w = a.capacityRunway { lines.append(w.verdict) }
        if let n = a.nothingSimulated { lines.append("nothing was simulated: every candidate was rejected before simulation (\(n)); the reasons are in recommendations.csv") }
        if let p = a.schemaPlacement {
            lines.append("schema placement: \(p.schemas) schemas, the largest \(SizingRules.fixed(p.largestBytes / 1_073_741_824, 1)) GiB (median \(SizingRules.fixed(p.medianBytes / 1_048_576, 1)) MiB); the fullest worker holds \(SizingRules.fixed(p.workerSkew, 2))x the mean")
        }
        for t in a.isolation where t.deserves {
            lines.append(a.schemaPlacement != nil ? "move schema \(SimulationLayout.tenantSchema(rank: t.rank)) to a dedicated worker: \(t.reason)" : "isolate tenant \(t.rank): \(t.reason)")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: HTML

    var html: String {
        let fragment = AdvicePage(advice: advice, classes: experiment.recommended?.scenario.workload.classes ?? []).fragment
        if let recommended { return ClusterReportPage(report: recommended, advice: fragment).html }
        return AdvicePage(advice: advice).standalone
    }
}

extension ConfidenceInterval {
    /// Any interval: for listing the metrics an SLO reads.
    static var placeholder: ConfidenceInterval { try! ConfidenceInterval(samples: [0]) }
}
