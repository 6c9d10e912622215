import Advisor
import Experiments
import Reporting
import Scenario
import Simulation
import XCTest

/// The search on a small scenario: the choice is the cheapest that meets the SLOs, held-out
/// replications confirm it (and that the next-cheaper candidate misses), the output does not
/// depend on the thread count, and impossible objectives yield the closest candidates.
final class AdvisorSearchTests: XCTestCase {
    /// The objectives of `yaml()`: the next-cheaper candidate misses them clearly (worst ratio 1.17).
    static let defaultSLO = "p99_ms: {lookup: 12.5, dashboard: 140}\n  max_cpu_utilization: 0.8"

    static func yaml(slo: String = defaultSLO, advisor: String = "") -> String {
        """
        version: 1
        kind: cluster
        run: {seed: 11, duration: 20s, warmup: 5s, replications: 3}
        cluster:
          coordinator: {cores: 4, memory_gib: 8}
          workers: {count: 2, cores: 2, memory_gib: 8}
        tables:
          - {name: events, type: distributed}
        tenants: {count: 2000, total_size_gib: 2, size_zipf: 0.8, activity_zipf: 0.9}
        workload:
          arrivals: {rate_per_second: 400, sessions: 40}
          classes:
            - {name: lookup, kind: router, share: 0.98, table: events, worker_cpu: {distribution: exponential, mean: 2ms}, bytes_read_kib: 16}
            - {name: dashboard, kind: multi_shard, share: 0.02, table: events, worker_cpu: {distribution: exponential, mean: 2ms}, coordinator_cpu: {distribution: exponential, mean: 1ms}}
        slo:
          \(slo)
        advisor:
          catalog:
            - {name: small-2, family: general, cores: 2, memory_gib: 8, price_per_hour: 0.1}
            - {name: small-4, family: general, cores: 4, memory_gib: 16, price_per_hour: 0.2}
            - {name: comp-2, family: compute, cores: 2, memory_gib: 4, price_per_hour: 0.08}
          coordinator: comp-2
          min_workers: 1
          max_workers: 4
          growth_steps: [1.5]
          scale_out: false
        \(advisor)
        """
    }

    static func load(_ text: String) throws -> (ClusterScenario, AdvisorSpec) {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: text, file: "t.yaml", name: "t")
        return (s, spec)
    }

    func testChoiceIsCheapestMeetingAndHeldOutReplicationsConfirmIt() throws {
        let (s, spec) = try Self.load(Self.yaml())
        let advice = try Advisor(base: s, spec: spec, threads: 2).recommend()
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        let chosen = advice.outcomes[r]
        XCTAssertEqual(chosen.verdict, .recommended)
        // Confirmed on fresh replications; cheaper candidates that met only in the search are marked.
        XCTAssertEqual(chosen.confirmation?.meets, true)
        for o in advice.outcomes where o.verdict == .unconfirmed {
            XCTAssertLessThanOrEqual(o.candidate.costPerHour, chosen.candidate.costPerHour)
            XCTAssertEqual(o.confirmation?.meets, false)
        }
        // Every cheaper simulated candidate misses an SLO; every rejected cheaper one says why.
        for o in advice.outcomes where o.candidate.costPerHour < chosen.candidate.costPerHour {
            if let e = o.evaluation { XCTAssertFalse(e.meets, o.candidate.label) } else { XCTAssertNotNil(o.rejection) }
        }
        let h = try XCTUnwrap(advice.holdout)
        XCTAssertNotEqual(h.seed, s.run.seed)
        XCTAssertTrue(h.recommendedMeets, "held-out: \(h.recommended.missText)")
        let next = try XCTUnwrap(advice.nextCheaper, "a cheaper simulated candidate exists in this space")
        XCTAssertLessThan(advice.outcomes[next].candidate.costPerHour, chosen.candidate.costPerHour)
        XCTAssertEqual(h.nextCheaperMisses, true, "held-out next cheaper: \(h.nextCheaper?.missText ?? "")")
        // The rules the recommendation satisfies are part of the advice, with citations.
        XCTAssertTrue(advice.rules.contains { $0.id == "shard-count-multi-tenant" && $0.verdict == .pass && $0.citation.contains("Shard Count") })
        // Pareto frontier: cost rises and the worst ratio falls along it.
        let front = advice.pareto.map { (advice.outcomes[$0].candidate.costPerHour, advice.outcomes[$0].evaluation!.worstRatio) }
        XCTAssertFalse(front.isEmpty)
        for (a, b) in zip(front, front.dropFirst()) { XCTAssertLessThanOrEqual(a.0, b.0); XCTAssertGreaterThan(a.1, b.1) }
        // Growth stops at the first step that misses or after the last.
        XCTAssertFalse(advice.growth.isEmpty)
    }

    func testAdviceDoesNotDependOnThreadCount() throws {
        let (s, spec) = try Self.load(Self.yaml(advisor: "  max_workers: 2\n  isolation_candidates: 2").replacingOccurrences(of: "  max_workers: 4\n", with: ""))
        let one = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 1))
        let two = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
        XCTAssertEqual(one.files.map(\.name), two.files.map(\.name))
        for (a, b) in zip(one.files, two.files) { XCTAssertEqual(a.contents, b.contents, a.name) }
    }

    func testAdviceOutputsEscapeInputAndColourOnlyWhenAsked() throws {
        var text = Self.yaml(advisor: "  search: {worker_counts: [2, 3]}\n  growth_steps: [1.25]")
        text = text.replacingOccurrences(of: "name: small-4,", with: "name: \"=<script>x</script>\",").replacingOccurrences(of: "  growth_steps: [1.5]\n", with: "")
        let (s, spec) = try Self.load(text)
        let report = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
        let html = try XCTUnwrap(report.files.first { $0.name == "report.html" }?.contents)
        XCTAssertFalse(html.contains("<script"), "no script element, ever")
        XCTAssertTrue(html.contains("=&lt;script&gt;x&lt;/script&gt;"))
        XCTAssertTrue(html.contains("Sizing advice") && html.contains("Rules from the Citus documentation"))
        XCTAssertTrue(html.contains("Cost vs the tightest SLO"), "Pareto chart")
        XCTAssertFalse(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http"), "self-contained")
        let csv = try XCTUnwrap(report.files.first { $0.name == "recommendations.csv" }?.contents)
        XCTAssertTrue(csv.contains(",'=<script>x</script>,"), "formula neutralised in CSV")
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + report.advice.outcomes.count)
        XCTAssertFalse(report.terminalSummary(color: false).contains("\u{1B}["))
        XCTAssertTrue(report.terminalSummary(color: true).contains("\u{1B}["))
    }

    /// Three partitions written as partial results, read back and merged, give the same files as
    /// the unpartitioned search, byte for byte; incomplete or mixed partials are refused.
    func testPartitionedSearchMergesToTheSameAdvice() throws {
        let text = Self.yaml(advisor: "  search: {worker_counts: [1, 2, 3]}")
        let (s, spec) = try Self.load(text)
        let whole = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
        let advisor = try Advisor(base: s, spec: spec, threads: 2)
        let partials = try (1...3).map { i in
            AdvicePartial(header: .init(scenarioName: s.name, scenarioText: text, seed: s.run.seed, budget: nil, partition: i, partitions: 3,
                                        candidatesTotal: advisor.candidates().count),
                          outcomes: try advisor.screenAndSimulate(partition: i, of: 3)).json
        }
        XCTAssertEqual(partials.count, 3)
        let raws = try partials.enumerated().map { try AdvicePartial.parse($1, file: "p\($0 + 1).json") }
        let merged = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 1, screened: AdvicePartial.merge(raws.reversed(), advisor: advisor)))
        XCTAssertEqual(whole.files.map(\.name), merged.files.map(\.name))
        for (a, b) in zip(whole.files, merged.files) { XCTAssertEqual(a.contents, b.contents, a.name) }
        XCTAssertThrowsError(try AdvicePartial.merge(Array(raws.prefix(2)), advisor: advisor)) { e in
            XCTAssertTrue("\(e)".contains("missing 3"), "\(e)")
        }
        XCTAssertThrowsError(try AdvicePartial.parse("{}", file: "x.json"))
    }

    /// An interrupted search resumes from its checkpoint: candidates finished before the
    /// interrupt are read back, the rest run, and the advice is the same, byte for byte.
    func testResumedSearchGivesTheSameAdvice() throws {
        let text = Self.yaml(advisor: "  search: {worker_counts: [1, 2]}")
        let (s, spec) = try Self.load(text)
        let whole = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
        let advisor = try Advisor(base: s, spec: spec, threads: 2)
        let header = AdvicePartial.Header(scenarioName: s.name, scenarioText: text, seed: s.run.seed, budget: nil, partition: 1, partitions: 1,
                                          candidatesTotal: advisor.candidates().count)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("citus-sim-checkpoint-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let checkpoint = try AdviceCheckpoint(directory: dir, header: header)
        _ = try advisor.screenAndSimulate(finishedOne: checkpoint.record)
        // The "interrupt": half the candidates never finished.
        for id in stride(from: 2, through: header.candidatesTotal, by: 2) { try FileManager.default.removeItem(atPath: "\(dir)/candidate-\(id).json") }
        let done = try AdviceCheckpoint.finished(directory: dir, header: header, advisor: advisor)
        XCTAssertEqual(done.keys.sorted(), Array(stride(from: 1, through: header.candidatesTotal, by: 2)))
        let ranDir = dir + "-ran"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: ranDir) }
        let ran = try AdviceCheckpoint(directory: ranDir, header: header)
        let resumed = try advisor.screenAndSimulate(finished: done, finishedOne: ran.record)
        let ranIDs = try FileManager.default.contentsOfDirectory(atPath: ranDir).compactMap { name in
            name.hasPrefix("candidate-") ? Int(name.dropFirst("candidate-".count).dropLast(".json".count)) : nil
        }
        XCTAssertEqual(ranIDs.sorted(), Array(stride(from: 2, through: header.candidatesTotal, by: 2)), "only the unfinished ones run")
        let report = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 1, screened: resumed))
        for (a, b) in zip(whole.files, report.files) { XCTAssertEqual(a.contents, b.contents, a.name) }
        // A checkpoint of another search is not used.
        var other = header
        other.seed += 1
        XCTAssertTrue(try AdviceCheckpoint.finished(directory: dir, header: other, advisor: advisor).isEmpty)
    }

    func testImpossibleObjectiveReportsTheClosestCandidates() throws {
        let (s, spec) = try Self.load(Self.yaml(slo: "p99_ms: {lookup: 0.01}", advisor: "  search: {worker_counts: [1, 2]}"))
        let advice = try Advisor(base: s, spec: spec, threads: 2).recommend()
        XCTAssertNil(advice.recommended)
        XCTAssertFalse(advice.closest.isEmpty)
        XCTAssertLessThanOrEqual(advice.closest.count, 3)
        XCTAssertTrue(advice.headline.hasPrefix("No configuration meets every SLO"), advice.headline)
        XCTAssertTrue(advice.headline.contains("lookup p99"), advice.headline)
        // Closest first: the smallest worst ratio.
        let ratios = advice.closest.map { advice.outcomes[$0].evaluation!.worstRatio }
        XCTAssertEqual(ratios, ratios.sorted())
    }

    func testBudgetRejectsWithTheFigures() throws {
        let (s, spec) = try Self.load(Self.yaml(advisor: "  budget_per_hour: 0.15"))
        let advisor = try Advisor(base: s, spec: spec, threads: 1)
        let list = advisor.candidates()
        let expensive = try XCTUnwrap(list.firstIndex { $0.costPerHour > 0.15 })
        let screened = try advisor.screen(list[expensive], id: expensive + 1).outcome
        XCTAssertEqual(screened.rejection, "costs \(SizingRules.fixed(list[expensive].costPerHour, 2))/h > budget 0.15/h")
    }

    func testConnectionBudgetRejectsBeforeSimulation() throws {
        // 200 dashboards/s over a 50 ms network: each takes ~102 ms without queueing (1 ms planning,
        // 8 rounds of 0.1 ms on each worker's 2 cores, a 100 ms round trip), so ~21 are in flight:
        // 21 x 32 shards = 672 connections > 2 workers x 100.
        var text = Self.yaml(slo: "p99_ms: {lookup: 140, dashboard: 1000}", advisor: "  search: {worker_counts: [2], max_connections: [100]}")
        text = text.replacingOccurrences(of: "{rate_per_second: 400, sessions: 40}", with: "{rate_per_second: 400, sessions: 200}")
        text = text.replacingOccurrences(of: "share: 0.02", with: "share: 0.5").replacingOccurrences(of: "share: 0.98", with: "share: 0.5")
            .replacingOccurrences(of: "worker_cpu: {distribution: exponential, mean: 2ms}, coordinator_cpu", with: "worker_cpu: {distribution: exponential, mean: 0.1ms}, coordinator_cpu")
            .replacingOccurrences(of: "  coordinator: {cores: 4, memory_gib: 8}", with: "  coordinator: {cores: 4, memory_gib: 8}\n  network_latency: 50ms")
        let (s, spec) = try Self.load(text)
        let advisor = try Advisor(base: s, spec: spec, threads: 1)
        let c = try XCTUnwrap(advisor.candidates().first)
        let outcome = try advisor.screen(c, id: 1).outcome
        XCTAssertEqual(outcome.rejection, "connection-budget: 32 shards x 21 concurrent multi-shard queries (expected: rate x no-queue latency) = 672 connections > 2 workers x 100 = 200")
    }

    func testAnalyticCPUIsALowerBoundOfTheSimulatedCPU() throws {
        let (s, spec) = try Self.load(Self.yaml())
        let advisor = try Advisor(base: s, spec: spec, threads: 2)
        for c in advisor.candidates() where c.workers == 2 {
            let (outcome, scenario, layout) = try advisor.screen(c, id: 1)
            let load = try XCTUnwrap(outcome.load)
            let simulated = try advisor.evaluate(scenario, layout: layout, threads: 2)
            let cpu = try XCTUnwrap(simulated.interval("worker_cpu_utilization_max")).mean
            let bound = load.workerCPU.max()!
            // Lower bound (connection set-up left out), and not a loose one.
            XCTAssertLessThanOrEqual(bound, cpu * 1.05, c.label)
            XCTAssertGreaterThan(bound, cpu * 0.7, c.label)
        }
    }

    func testSplitFanOutKeepsEachQuerysTotalWork() throws {
        let (s, _) = try Self.load(Self.yaml())
        let type = DefaultCatalog.types[0]
        let c64 = Candidate(shardCount: 64, workers: 2, instance: type, poolSize: 16, sharedPoolSize: 0, maxConnections: 1000, costPerHour: 1)
        let split = c64.scenario(from: s, coordinator: CoordinatorSetup(instance: type, count: 1), run: s.run, fanOutWork: .split)
        let perShard = c64.scenario(from: s, coordinator: CoordinatorSetup(instance: type, count: 1), run: s.run, fanOutWork: .perShard)
        let dashboard = { (x: ClusterScenario) in x.workload.classes.first { $0.name == "dashboard" }! }
        let lookup = { (x: ClusterScenario) in x.workload.classes.first { $0.name == "lookup" }! }
        // 32 -> 64 shards: half the work per shard task, the same per query; router queries unchanged.
        XCTAssertEqual(dashboard(split).workerCPU.mean * 64, dashboard(s).workerCPU.mean * 32, accuracy: 1e-12)
        XCTAssertEqual(dashboard(split).workerCPU.cv, dashboard(s).workerCPU.cv, accuracy: 1e-9)
        XCTAssertEqual(dashboard(perShard).workerCPU, dashboard(s).workerCPU)
        XCTAssertEqual(lookup(split).workerCPU, lookup(s).workerCPU)
        XCTAssertEqual(split.citus.shardCount, 64)
    }

    func testCandidatesFollowTheShardCountRule() throws {
        let (s, spec) = try Self.load(Self.yaml())
        let advisor = try Advisor(base: s, spec: spec, threads: 1)
        // 2 GiB of data: below 100 GB, so 32 shards.
        XCTAssertEqual(Set(advisor.candidates().map(\.shardCount)), [32])
        XCTAssertEqual(advisor.candidates().count, 3 * 4)  // every catalog type (the coordinator's too) x 1...4 workers
    }
}

/// Issue 23: the studies of a recommendation on values `validate` accepts.
final class AdvisorStudyTests: XCTestCase {
    /// `isolation_candidates: 0` (accepted by validate) asks for no isolation study; it crashed
    /// with "Range requires lowerBound <= upperBound".
    func testNoIsolationCandidatesRuns() throws {
        let (s, spec) = try AdvisorSearchTests.load(AdvisorSearchTests.yaml(advisor: "  isolation_candidates: 0"))
        XCTAssertEqual(spec.isolationCandidates, 0)
        let advisor = try Advisor(base: s, spec: spec, threads: 1)
        let cheapest = try XCTUnwrap(advisor.candidates().min { $0.costPerHour < $1.costPerHour })
        let advice = try advisor.studies(of: cheapest)
        XCTAssertTrue(advice.isolation.isEmpty)
        XCTAssertFalse(advice.growth.isEmpty, "the other studies still ran")
    }

    /// Item 5: a scale-out run names every setting it used, the global executor limit included,
    /// and the statements it ran; the two agree.
    func testScaleOutNamesEverySettingItUsed() throws {
        let yaml = AdvisorSearchTests.yaml(advisor: "").replacingOccurrences(of: "  scale_out: false", with: "  scale_out: {add_workers: 1, executors_per_node: [2], parallel_colocated: [true], run_for: 10m}")
        let (s, spec) = try AdvisorSearchTests.load(yaml)
        let advisor = try Advisor(base: s, spec: spec, threads: 1)
        let c = try XCTUnwrap(advisor.candidates().first { $0.workers == 2 })
        let advice = try advisor.studies(of: c)
        let run = try XCTUnwrap(advice.scaleOut.first { $0.method == "regular" })
        XCTAssertEqual(run.settings, ["citus.max_background_task_executors = 6", "citus.max_background_task_executors_per_node = 2",
                                      "parallel_transfer_colocated_shards := true", "max_worker_processes = 8"])
        XCTAssertTrue(run.runbook.contains("ALTER SYSTEM SET citus.max_background_task_executors = 6;"), "\(run.runbook)")
        XCTAssertTrue(run.runbook.contains("SELECT citus_rebalance_start(parallel_transfer_colocated_shards := true);"), "\(run.runbook)")
    }
}

/// Issue 23, item 1: a checkpoint survives fixing a key only the studies read.
final class AdviceCheckpointResumeTests: XCTestCase {
    func testCheckpointIsReusedWhenOnlyAStudyKeyChanged() throws {
        let broken = AdvisorSearchTests.yaml(advisor: "  isolation_candidates: 0")
        let fixed = AdvisorSearchTests.yaml(advisor: "  isolation_candidates: 3")
        let other = AdvisorSearchTests.yaml(advisor: "  isolation_candidates: 3").replacingOccurrences(of: "max_workers: 4", with: "max_workers: 3")
        let (s, spec) = try AdvisorSearchTests.load(broken)
        let advisor = try Advisor(base: s, spec: spec, threads: 1)
        let header = { (text: String) in
            AdvicePartial.Header(scenarioName: "t", scenarioText: text, seed: s.run.seed, budget: nil, partition: 1, partitions: 1, candidatesTotal: advisor.candidates().count)
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("citus-sim-checkpoint-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        let checkpoint = try AdviceCheckpoint(directory: dir, header: header(broken))
        checkpoint.record(try advisor.screen(advisor.candidates()[0], id: 1).outcome)
        XCTAssertEqual(try AdviceCheckpoint.finished(directory: dir, header: header(fixed), advisor: advisor).keys.sorted(), [1])
        XCTAssertTrue(try AdviceCheckpoint.finished(directory: dir, header: header(other), advisor: advisor).isEmpty, "a search key changed: start again")
        XCTAssertTrue(ScenarioLoader.sameSearch(broken, fixed))
        XCTAssertFalse(ScenarioLoader.sameSearch(fixed, other))
    }
}
