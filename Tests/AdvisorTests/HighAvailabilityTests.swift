import Advisor
import Reporting
import Scenario
import Simulation
import XCTest

/// Issue 20, item 4: the N+1 check fails the recommendation's busiest worker, without and with
/// a standby, and prices the standbys.
final class HighAvailabilityTests: XCTestCase {
    func testAWorkerFailureWithoutStandbyCostsErrorsAndWithOneCostsFewer() throws {
        let yaml = OperationsAdviceTests.yaml(scaleOut: "false", slo: "p99_ms: {lookup: 30, update: 400}\n  max_timeout_rate: 0.001")
            .replacingOccurrences(of: "  growth_steps: [1.5]", with: "  growth_steps: [1.5]\n  ha: {window: 2m}")
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: yaml, file: "ha.yaml", name: "ha")
        let advisor = try Advisor(base: s, spec: spec, threads: 2)
        let advice = try advisor.recommend()
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        let h = try XCTUnwrap(advice.highAvailability)
        // The busiest worker by the analytic load is the one failed.
        let load = try XCTUnwrap(advice.outcomes[r].load)
        XCTAssertEqual(h.worker, "worker-\(load.busiestWorker + 1)")
        XCTAssertEqual(h.windowSeconds, 120)
        XCTAssertEqual(h.standbyPricePerHour, 2 * 0.2, accuracy: 1e-9)
        let without = try XCTUnwrap(h.withoutStandby.interval("failed_queries"))
        let with = try XCTUnwrap(h.withStandby.interval("failed_queries"))
        XCTAssertGreaterThan(with.mean, 0, "queries fail until the standby is promoted")
        XCTAssertLessThan(with.upper, without.lower)
        // Without a standby, the failed share is the worker's share of the (router-only) queries:
        // both classes have the same tenant mix, so its share of the analytic CPU.
        let share = try XCTUnwrap(h.withoutStandby.interval("timeout_or_error_rate")).mean
        let expected = load.workerCPU[load.busiestWorker] / load.workerCPU.reduce(0, +)
        XCTAssertEqual(share, expected, accuracy: 0.03)
        // With one, about the promotion's part of the window.
        let sharedWith = try XCTUnwrap(h.withStandby.interval("timeout_or_error_rate")).mean
        XCTAssertEqual(sharedWith, expected * h.promotionSeconds / h.windowSeconds, accuracy: 0.03)
        // Failed queries break the timeout-or-error objective, with or without a standby here.
        XCTAssertEqual(h.withoutStandby.misses.map(\.objective), ["timeout or error rate"])
        XCTAssertFalse(h.withStandby.meets)
        XCTAssertFalse(h.verdict.contains("No objective limits failed queries"), h.verdict)
        XCTAssertTrue(h.verdict.hasPrefix("If \(h.worker), the busiest worker, fails: "), h.verdict)
        // `ha: false` turns it off.
        let (_, off, _) = try ScenarioLoader.loadForAdvice(text: yaml.replacingOccurrences(of: "ha: {window: 2m}", with: "ha: false"), file: "ha.yaml", name: "ha")
        XCTAssertNil(off.highAvailability)
    }

    /// A fan-out needs every worker: without a standby none is answered while one is down, so
    /// it has no latency: its objective is missed (it used to read as 0 ms, "met").
    func testAClassWithNoAnswerIsNotReadAsZeroLatency() throws {
        let yaml = OperationsAdviceTests.yaml(scaleOut: "false", slo: "p99_ms: {lookup: 30, update: 400, report: 500}\n  max_timeout_rate: 0.001")
            .replacingOccurrences(of: "  growth_steps: [1.5]", with: "  growth_steps: [1.5]\n  ha: {window: 3m}")
            .replacingOccurrences(of: "    - {name: update,", with: "    - {name: report, kind: multi_shard, share: 0.01, table: events, worker_cpu: {distribution: exponential, mean: 1ms}}\n    - {name: update,")
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: yaml, file: "ha.yaml", name: "ha")
        let advice = try Advisor(base: s, spec: spec, threads: 2).recommend()
        let h = try XCTUnwrap(advice.highAvailability, advice.headline)
        XCTAssertEqual(h.withoutStandby.unanswered, ["report"])
        XCTAssertFalse(h.withoutStandby.checks.contains { $0.metric == "report.latency_p99_ms" })
        XCTAssertNil(h.withoutStandby.interval("report.latency_p99_ms"))
        // Its latency objective is missed, not met: nothing was answered.
        XCTAssertEqual(h.withoutStandby.unansweredObjectives, ["report"])
        XCTAssertFalse(h.withoutStandby.meets)
        XCTAssertTrue(h.withoutStandby.missText.hasSuffix("; report p99: no query answered"), h.withoutStandby.missText)
        XCTAssertEqual(h.withoutStandby.worstRatio, .infinity)
        // With a standby the worker is back within the window: reports are answered and judged.
        XCTAssertEqual(h.withStandby.unanswered, [])
        XCTAssertTrue(h.withStandby.checks.contains { $0.metric == "report.latency_p99_ms" })
    }
}
