import Advisor
import Experiments
import Reporting
import Scenario
import SimCore
import Simulation
import XCTest

/// Issue 20, item 1: the scale-out advice judges every studied setting by the objectives over
/// the operation's window and recommends the fastest one that keeps them all; the faster ones
/// are named with what they break; held-out seeds confirm the choice.
final class OperationsAdviceTests: XCTestCase {
    /// Two workers, a write-heavy class, and objectives a logical (`auto`) rebalance keeps while
    /// a `block_writes` one (faster) breaks them: writes wait for the copy of their shard group.
    static func yaml(scaleOut: String = "{add_workers: 1, executors_per_node: [1], snapshot: false, run_for: 30m}", slo: String = "p99_ms: {lookup: 30, update: 400}") -> String {
        """
        version: 1
        kind: cluster
        run: {seed: 11, duration: 20s, warmup: 5s, replications: 3}
        cluster:
          coordinator: {cores: 4, memory_gib: 8}
          workers: {count: 2, cores: 4, memory_gib: 16}
        tables:
          - {name: events, type: distributed}
        tenants: {count: 2000, total_size_gib: 8, size_zipf: 0.8, activity_zipf: 0.9}
        workload:
          arrivals: {rate_per_second: 400, sessions: 40}
          classes:
            - {name: lookup, kind: router, share: 0.8, table: events, worker_cpu: {distribution: exponential, mean: 2ms}, bytes_read_kib: 16}
            - {name: update, kind: router, command: update, share: 0.2, table: events, worker_cpu: {distribution: exponential, mean: 1ms}, write_bytes_kib: 2}
        slo:
          \(slo)
        advisor:
          catalog:
            - {name: small-4, family: general, cores: 4, memory_gib: 16, price_per_hour: 0.2}
          coordinator: small-4
          min_workers: 2
          max_workers: 2
          search: {shard_counts: [16]}
          growth_steps: [1.5]
          scale_out: \(scaleOut)
        """
    }

    /// The whole advice (one candidate: two small-4 workers, 16 shards).
    static func advise(_ yaml: String) throws -> AdviceReport {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: yaml, file: "ops.yaml", name: "ops")
        return AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
    }

    func testFastestSettingThatKeepsTheObjectivesIsRecommendedAndFasterOnesBreakThem() throws {
        let report = try Self.advise(Self.yaml())
        let advice = report.advice
        let runs = advice.scaleOut
        XCTAssertEqual(runs.map(\.transferMode), ["auto", "auto", "block_writes", "block_writes"])
        let r = try XCTUnwrap(advice.recommendedOperation, advice.operationsVerdict ?? "")
        XCTAssertEqual(runs.filter(\.recommended).count, 1)
        let chosen = runs[r]
        XCTAssertTrue(chosen.meetsSLODuringOperation)
        XCTAssertEqual(chosen.transferMode, "auto")
        // Every studied setting that kept the objectives is at least as slow.
        for s in runs where s.meetsSLODuringOperation { XCTAssertGreaterThanOrEqual(s.durationSeconds!, chosen.durationSeconds!) }
        // The faster ones exist here (block_writes copies without a catch-up) and break an objective.
        let faster = Advice.faster(than: r, in: runs)
        XCTAssertFalse(faster.isEmpty, "block_writes should be faster: \(runs.map { ($0.label, $0.durationSeconds ?? -1) })")
        for i in faster {
            XCTAssertFalse(runs[i].meetsSLODuringOperation)
            XCTAssertEqual(runs[i].transferMode, "block_writes")
            XCTAssertTrue(runs[i].during!.misses.contains { $0.objective == "update p99" }, runs[i].during!.missText)
        }
        // The verdict names the choice and what the next faster setting breaks.
        let verdict = try XCTUnwrap(advice.operationsVerdict)
        XCTAssertTrue(verdict.hasPrefix("Scale out with \(chosen.label): "), verdict)
        XCTAssertTrue(verdict.contains("\(runs[faster[0]].label) ("), verdict)
        // The window's p99 is judged, with replications: the interval is a real one.
        XCTAssertEqual(chosen.during?.replications, chosen.replications)
        // Each setting ran advisor.replications seeds, 3 more at a time while undecided: none
        // stopped undecided before the limit.
        for s in runs {
            XCTAssertEqual(s.replications % 3, 0, s.label)
            XCTAssertTrue((3...advice.spec.maxOperationReplications).contains(s.replications), s.label)
            XCTAssertTrue(!s.undecided || s.replications == advice.spec.maxOperationReplications, s.label)
        }
        XCTAssertGreaterThan(chosen.duration!.halfWidth + chosen.during!.interval("update.latency_p99_ms")!.halfWidth, 0)
        // Held-out seeds: the choice keeps the objectives, the next faster setting does not.
        let h = try XCTUnwrap(advice.operationsHoldout)
        XCTAssertNotEqual(h.seed, advice.seed)
        XCTAssertEqual(h.recommended.label, chosen.label)
        XCTAssertGreaterThanOrEqual(h.recommended.replications, 6)
        XCTAssertTrue(h.recommendedMeets, h.recommended.during?.missText ?? "")
        XCTAssertEqual(h.nextFaster?.label, runs[faster[0]].label)
        XCTAssertEqual(h.nextFasterMisses, true)
        // advice.json lists every setting, one recommended, with its objectives during the operation.
        let json = try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(report.files.first { $0.name == "advice.json" }).contents.utf8)) as! [String: Any]
        let ops = try XCTUnwrap(json["operations"] as? [[String: Any]])
        XCTAssertEqual(ops.count, runs.count)
        XCTAssertEqual(ops.compactMap { $0["recommended"] as? Bool }.filter { $0 }.count, 1)
        XCTAssertEqual(ops[r]["meets_slo_during_operation"] as? Bool, true)
        XCTAssertEqual((ops[r]["slo_during_operation"] as? [[String: Any]])?.map { $0["objective"] as? String }, ["lookup p99", "update p99"])
        XCTAssertTrue((ops[faster[0]]["runbook"] as? [String] ?? []).contains { $0.contains("shard_transfer_mode := 'block_writes'") })
    }

    /// With objectives no setting keeps, nothing is recommended and the least harmful is named.
    func testNothingIsRecommendedWhenEverySettingBreaksAnObjective() throws {
        // Steady state misses too, so the search recommends nothing: study the candidate directly.
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: Self.yaml(slo: "p99_ms: {lookup: 30, update: 5}"), file: "ops.yaml", name: "ops")
        let advisor = try Advisor(base: s, spec: spec, threads: 2)
        let advice = try advisor.studies(of: try XCTUnwrap(advisor.candidates().first))
        XCTAssertNil(advice.recommendedOperation)
        XCTAssertNil(advice.operationsHoldout)
        XCTAssertTrue(advice.scaleOut.allSatisfy { !$0.meetsSLODuringOperation })
        let verdict = try XCTUnwrap(advice.operationsVerdict)
        XCTAssertTrue(verdict.hasPrefix("No studied setting keeps every objective while the scale-out runs; the least harmful is "), verdict)
    }

    /// With `max_duration`, a setting still running there is stopped: over the limit, never
    /// recommended, with the data it had copied by then; a setting that finishes in time runs
    /// exactly as without the limit (the same seeds, the same events).
    func testRunsStopAtMaxDuration() throws {
        let free = try Self.advise(Self.yaml()).advice.scaleOut
        let d = free.compactMap(\.duration)
        XCTAssertEqual(d.count, free.count)
        let fastest = d.map(\.upper).min()!, slowest = d.map(\.lower).max()!
        XCTAssertGreaterThan(slowest - fastest, 4, "the settings' durations should differ: \(d.map(\.mean))")
        let limit = ((fastest + slowest) / 2).rounded()
        let limited = try Self.advise(Self.yaml(scaleOut: "{add_workers: 1, executors_per_node: [1], snapshot: false, run_for: 30m, max_duration: \(Int(limit))s}")).advice
        XCTAssertEqual(limited.scaleOut.map(\.label), free.map(\.label))
        var stopped = 0
        for (a, b) in zip(free, limited.scaleOut) {
            if a.duration!.upper <= fastest {
                XCTAssertEqual(b.durationSeconds, a.durationSeconds, a.label)
                XCTAssertEqual(b.withinLimit, true, a.label)
                XCTAssertNil(b.stoppedAfter, a.label)
            } else if a.duration!.lower >= slowest {
                stopped += 1
                XCTAssertNil(b.duration, a.label)
                XCTAssertEqual(b.stoppedAfter, limit, a.label)
                XCTAssertEqual(b.withinLimit, false, a.label)
                XCTAssertFalse(b.recommended, a.label)
                XCTAssertGreaterThan(b.bytesCopied, 0, a.label)
                XCTAssertLessThan(b.bytesCopied, a.bytesCopied, a.label)
                XCTAssertEqual(b.durationOrLimitText, "over \(SizingRules.fixed(limit / 60, 0)) min")
            }
        }
        XCTAssertGreaterThan(stopped, 0)
    }

    /// A verdict is undecided while an objective's interval holds its target and none lies wholly
    /// above it (then more replications can settle it); met and missed-beyond-doubt are decided.
    func testUndecidedMeansAnIntervalHoldsItsTarget() throws {
        func evaluation(_ samples: [[Double]], unanswered: [String] = []) throws -> Evaluation {
            let checks = try samples.enumerated().map { k, v in
                SLOCheck(objective: "c\(k) p99", metric: "c\(k).latency_p99_ms", target: 50, unit: "ms", measured: try ConfidenceInterval(samples: v))
            }
            var e = Evaluation(intervals: checks.map { ($0.metric, $0.measured) }, checks: checks, replications: samples[0].count, seed: 1)
            e.unansweredObjectives = unanswered
            return e
        }
        let met = [40.0, 41, 42], straddles = [30.0, 50, 70], above = [60.0, 61, 62]
        XCTAssertFalse(try evaluation([met]).undecided)
        XCTAssertTrue(try evaluation([straddles]).undecided)
        XCTAssertTrue(try evaluation([met, straddles]).undecided)
        XCTAssertFalse(try evaluation([above]).undecided)
        // One objective missed beyond doubt decides the verdict, whatever the others' intervals.
        XCTAssertFalse(try evaluation([straddles, above]).undecided)
        // So does a class with an objective and no query answered.
        XCTAssertFalse(try evaluation([straddles], unanswered: ["c0"]).undecided)
    }

    /// The rule itself, on made-up runs: an unfinished or objective-breaking run is never picked,
    /// however fast; ties go to the first studied.
    func testRuleNeverPicksASettingThatBreaksAnObjective() throws {
        func run(_ seconds: Double?, p99: Double, error: String? = nil) throws -> Advice.ScaleOutRun {
            var r = Advice.ScaleOutRun(method: "regular", executorsPerNode: 1, parallelColocated: false, addedWorkers: 1, bytesCopied: 0,
                                       writeBlockedGroupSeconds: 0, peakP99Ms: [], error: error, withinLimit: nil)
            r.duration = try seconds.map { try ConfidenceInterval(samples: [$0, $0 + 2]) }
            let measured = try ConfidenceInterval(samples: [p99, p99 + 1])
            r.during = Evaluation(intervals: [("a.latency_p99_ms", measured)],
                                  checks: [SLOCheck(objective: "a p99", metric: "a.latency_p99_ms", target: 50, unit: "ms", measured: measured)],
                                  replications: 2, seed: 1)
            return r
        }
        let runs = [try run(300, p99: 20), try run(100, p99: 80), try run(50, p99: 10, error: "canceled"), try run(nil, p99: 10),
                    try run(200, p99: 20), try run(200, p99: 30)]
        XCTAssertEqual(Advice.fastestSafe(runs), 4)
        XCTAssertEqual(Advice.faster(than: 4, in: runs), [1])
        XCTAssertNil(Advice.fastestSafe([try run(10, p99: 90)]))
        // Just inside: the upper end (not the mean) is judged.
        XCTAssertNil(Advice.fastestSafe([try run(10, p99: 49.5)]))
    }

    /// The studied settings: every combination asked for, parallel reference transfers only
    /// when there are reference tables, snapshot-based addition last unless turned off.
    func testStudiedSettingsAndTheirReader() throws {
        let (_, spec, _) = try ScenarioLoader.loadForAdvice(
            text: Self.yaml(scaleOut: "{executors_per_node: [2, 1], parallel_colocated: [true], parallel_reference: [false, true], transfer_modes: [block_writes, force_logical]}"),
            file: "ops.yaml", name: "ops")
        let plan = try XCTUnwrap(spec.scaleOut)
        XCTAssertEqual(plan.transferModes, ["force_logical", "block_writes"])
        let with = Advisor.operationSettings(plan, hasReferenceTables: true)
        XCTAssertEqual(with.count, 2 * 2 * 2 + 1)
        XCTAssertEqual(with.last?.method, "snapshot")
        XCTAssertEqual(with.first, Advisor.OperationSetting(method: "regular", executors: 1, parallelColocated: true, parallelReference: false, mode: "force_logical"))
        let without = Advisor.operationSettings(plan, hasReferenceTables: false)
        XCTAssertEqual(without.count, 2 * 2 + 1)
        XCTAssertFalse(without.contains { $0.parallelReference })
        var off = plan
        off.snapshot = false
        XCTAssertFalse(Advisor.operationSettings(off, hasReferenceTables: false).contains { $0.method == "snapshot" })

        XCTAssertThrowsError(try ScenarioLoader.loadForAdvice(text: Self.yaml(scaleOut: "{transfer_modes: [auto, fast]}"), file: "ops.yaml", name: "ops")) { e in
            let text = "\(e)"
            XCTAssertTrue(text.contains("ops.yaml:"), text)
            XCTAssertTrue(text.contains("`advisor.scale_out.transfer_modes` must be a list of shard_transfer_mode values to compare: auto, force_logical, block_writes"), text)
        }
        XCTAssertThrowsError(try ScenarioLoader.loadForAdvice(text: Self.yaml(scaleOut: "{snapshot: maybe}"), file: "ops.yaml", name: "ops")) { e in
            XCTAssertTrue("\(e)".contains("`advisor.scale_out.snapshot` must be true or false"), "\(e)")
        }
    }
}
