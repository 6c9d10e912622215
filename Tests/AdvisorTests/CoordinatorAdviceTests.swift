import Advisor
import Experiments
import Foundation
import Reporting
import Scenario
import Simulation
import XCTest

/// Issue 20, item 3: coordinator sizing. A candidate whose coordinator would plan and merge
/// above the CPU ceiling gets the cheapest catalog setup that would not, a second
/// coordinator when no single one can, and the study simulates the choice against its
/// alternatives.
final class CoordinatorAdviceTests: XCTestCase {
    /// 2,000 queries/s × 2 ms of coordinator CPU = 4 cores of planning and merging; the workers
    /// need 2 ms × 2,000 / 8 cores = 25% each. The catalog's largest type has 4 cores.
    static func yaml(rate: Int = 2_000, coordinatorCores: Int = 2, advisor: String = "") -> String {
        """
        version: 1
        kind: cluster
        run: {seed: 17, duration: 20s, warmup: 5s, replications: 3}
        cluster:
          coordinator: {cores: \(coordinatorCores), memory_gib: 4}
          workers: {count: 2, cores: 4, memory_gib: 16}
        tables:
          - {name: events, type: distributed}
        tenants: {count: 1000, total_size_gib: 2, size_zipf: 0.8, activity_zipf: 0.9}
        workload:
          arrivals: {rate_per_second: \(rate), sessions: 200}
          classes:
            - {name: lookup, kind: router, share: 1, table: events, coordinator_cpu: {distribution: exponential, mean: 2ms}, worker_cpu: {distribution: exponential, mean: 1ms}}
        slo:
          p99_ms: {lookup: 50}
          max_cpu_utilization: 0.7
        advisor:
          catalog:
            - {name: compute-2, family: compute, cores: 2, memory_gib: 4, price_per_hour: 0.08}
            - {name: compute-4, family: compute, cores: 4, memory_gib: 8, price_per_hour: 0.16}
            - {name: general-4, family: general, cores: 4, memory_gib: 16, price_per_hour: 0.2}
          search: {instances: [general-4], worker_counts: [2], shard_counts: [16]}
          growth_steps: [1.5]
          scale_out: false
          ha: false
        \(advisor)
        """
    }

    static func advise(_ yaml: String) throws -> AdviceReport {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: yaml, file: "coordinator.yaml", name: "coordinator")
        return AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
    }

    func testASecondCoordinatorIsProposedWhenNoSingleOneCanPlanTheLoad() throws {
        let report = try Self.advise(Self.yaml())
        let advice = report.advice
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        let chosen = advice.outcomes[r].candidate
        let compute4 = try XCTUnwrap(advice.spec.catalog.first { $0.name == "compute-4" })
        // compute-4 alone would run at 4 / 4 = 100% > 70%; two of them at 50%.
        XCTAssertEqual(chosen.coordinator, CoordinatorSetup(instance: compute4, count: 2))
        XCTAssertEqual(chosen.costPerHour, 2 * 0.2 + 2 * 0.16, accuracy: 1e-9)
        XCTAssertTrue(chosen.label.hasSuffix(", coordinator 2 x compute-4"), chosen.label)
        let study = try XCTUnwrap(advice.coordinatorStudy)
        XCTAssertTrue(study.singleIsBottleneck)
        XCTAssertTrue(study.sizedBySearch)
        XCTAssertEqual(study.demandCores, 4, accuracy: 0.01)
        XCTAssertEqual(study.runs.map(\.role), [.recommended, .smaller, .fewer], "the largest single coordinator is compute-4 itself")
        // With: every objective met, each coordinator at the analytic half of its cores.
        let with = study.recommended
        XCTAssertTrue(with.evaluation.meets, with.evaluation.missText)
        XCTAssertEqual(try XCTUnwrap(with.busiestCPU).mean, 0.5, accuracy: 0.5 * 0.05)
        // Without the second coordinator: the one left saturates and the p99 with it.
        let without = try XCTUnwrap(study.run(.fewer))
        XCTAssertEqual(without.setup, CoordinatorSetup(instance: compute4, count: 1))
        XCTAssertGreaterThan(try XCTUnwrap(without.busiestCPU).mean, 0.95)
        XCTAssertEqual(Set(without.evaluation.misses.map(\.objective)), ["lookup p99", "coordinator CPU"])
        // Two smaller coordinators (2 x compute-2, 100% each) miss too.
        XCTAssertFalse(try XCTUnwrap(study.run(.smaller)).evaluation.meets)
        XCTAssertTrue(study.verdict.hasPrefix("The coordinator is the bottleneck: planning and merging take 4.00 cores"), study.verdict)
        XCTAssertTrue(study.verdict.contains(" With one coordinator fewer, compute-4 (0.16/h) misses "), study.verdict)
        // The recommended cluster's full report runs with both coordinators.
        XCTAssertEqual(report.recommended?.first.coordinatorNames, ["coordinator", "coordinator-2"])
        let file = { (name: String) in try XCTUnwrap(report.files.first { $0.name == name }?.contents) }
        let json = try JSONSerialization.jsonObject(with: Data(try file("advice.json").utf8)) as! [String: Any]
        let coordinator = try XCTUnwrap(json["coordinator"] as? [String: Any])
        XCTAssertEqual(coordinator["single_coordinator_is_bottleneck"] as? Bool, true)
        XCTAssertEqual((coordinator["recommended"] as? [String: Any])?["count"] as? Int, 2)
        XCTAssertEqual((coordinator["runs"] as? [[String: Any]])?.map { $0["meets"] as? Bool }, [true, false, false])
        let html = try file("report.html")
        XCTAssertTrue(html.contains("<h3>Coordinator</h3>"))
        XCTAssertTrue(html.contains("Coordinator setups: price against the busiest coordinator"))
    }

    /// A search split into partial results keeps each candidate's sized coordinators and
    /// their price: merged, the advice is the same, byte for byte.
    func testPartialResultsKeepTheSizedCoordinators() throws {
        let text = Self.yaml()
            .replacingOccurrences(of: "worker_counts: [2]", with: "worker_counts: [2, 3]")
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: text, file: "c.yaml", name: "c")
        let advisor = try Advisor(base: s, spec: spec, threads: 2)
        let whole = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
        let raws = try (1...2).map { i in
            try AdvicePartial.parse(AdvicePartial(header: .init(scenarioName: s.name, scenarioText: text, seed: s.run.seed, budget: nil, partition: i, partitions: 2,
                                                                candidatesTotal: advisor.candidates().count),
                                                  outcomes: try advisor.screenAndSimulate(partition: i, of: 2)).json, file: "p\(i).json")
        }
        let screened = try AdvicePartial.merge(raws, advisor: advisor)
        XCTAssertEqual(screened.map { $0.candidate.coordinator?.label }, ["2 x compute-4", "2 x compute-4"])
        let merged = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 1, screened: screened))
        for (a, b) in zip(whole.files, merged.files) { XCTAssertEqual(a.contents, b.contents, a.name) }
    }

    /// Without a second coordinator allowed, or with the coordinator pinned, nothing sizes
    /// it: the analytic bound rejects the candidate for the coordinator's CPU.
    func testNoSecondCoordinatorWhenNotAllowedOrPinned() throws {
        for (extra, rejection) in [("  max_coordinators: 1", "coordinator CPU >= 200.0% (analytic lower bound) > 70%; no catalog type of at least 2 cores, up to 1 of a size (advisor.max_coordinators), stays within it"),
                                   ("  coordinator: compute-4", "coordinator CPU >= 100.0% (analytic lower bound) > 70% (advisor.coordinator pins compute-4)")] {
            let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: Self.yaml(advisor: extra), file: "c.yaml", name: "c")
            let advice = try Advisor(base: s, spec: spec, threads: 2).recommend()
            XCTAssertNil(advice.recommended, extra)
            let o = try XCTUnwrap(advice.outcomes.first)
            XCTAssertNil(o.candidate.coordinator, extra)
            XCTAssertEqual(o.rejectedBy, .bound, extra)
            XCTAssertEqual(o.rejection, rejection)
        }
    }

    /// A light load on a coordinator floor of 4 cores: the coordinator is not sized, and the
    /// study shows that one size smaller also meets and says how to let the search pick it.
    func testASmallerCoordinatorThatAlsoMeetsIsPointedOut() throws {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: Self.yaml(rate: 200, coordinatorCores: 4), file: "c.yaml", name: "c")
        let advice = try Advisor(base: s, spec: spec, threads: 2).recommend()
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        XCTAssertNil(advice.outcomes[r].candidate.coordinator)
        let study = try XCTUnwrap(advice.coordinatorStudy)
        XCTAssertFalse(study.sizedBySearch)
        XCTAssertEqual(study.recommended.setup.label, "compute-4")
        XCTAssertEqual(study.runs.map(\.role), [.recommended, .smaller, .more])
        let smaller = try XCTUnwrap(study.run(.smaller))
        XCTAssertEqual(smaller.setup.label, "compute-2")
        XCTAssertTrue(smaller.evaluation.meets, smaller.evaluation.missText)
        // 200 × 2 ms = 0.4 cores: 20% of two, 10% of four, 5% each of two coordinators of four.
        XCTAssertEqual(try XCTUnwrap(smaller.busiestCPU).mean, 0.2, accuracy: 0.2 * 0.05)
        XCTAssertEqual(try XCTUnwrap(study.run(.more)?.busiestCPU).mean, 0.05, accuracy: 0.05 * 0.1)
        XCTAssertTrue(study.verdict.contains("lower `cluster.coordinator.cores` to 2 to let it choose compute-2 (saves 0.08/h)"), study.verdict)
    }
}
