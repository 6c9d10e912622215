import Advisor
import Reporting
import Scenario
import Simulation
import XCTest

/// Issue 20, item 7: the capacity runway from the recommendation's figures and the growth rates.
final class RunwayTests: XCTestCase {
    func testTheBreakDateMovesEarlierWithFasterGrowth() throws {
        let yaml = OperationsAdviceTests.yaml(scaleOut: "false", slo: "p99_ms: {lookup: 30, update: 400}\n  max_cpu_utilization: 0.7")
            .replacingOccurrences(of: "  growth_steps: [1.5]", with: "  growth_steps: [1.5, 2, 4]\n  ha: false\n  runway: {traffic_per_month: 0.05, data_per_month: 0.02, months: 120, as_of: 2026-12}")
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: yaml, file: "runway.yaml", name: "runway")
        let advice = try Advisor(base: s, spec: spec, threads: 2).recommend()
        let w = try XCTUnwrap(advice.capacityRunway, advice.headline)
        XCTAssertEqual(w.limits.map(\.id), ["cpu", "coordinator-cpu", "connections", "disk", "memory", "slo"])
        // CPU: today's analytic utilisation u breaks 70% after floor(ln(0.7 / u) / ln 1.05) months.
        let load = try XCTUnwrap(advice.outcomes[advice.recommended!].load)
        let u = load.workerCPU.max()!
        let cpu = try XCTUnwrap(w.limits.first { $0.id == "cpu" })
        XCTAssertEqual(cpu.factor!, 0.7 / u, accuracy: 1e-9)
        XCTAssertEqual(cpu.months, Int((log(0.7 / u) / log(1.05)).rounded(.down)))
        XCTAssertEqual(w.date(13), "2028-01")
        // Faster growth: every limit that breaks breaks no later, the CPU strictly earlier.
        let fast = try XCTUnwrap(advice.runway(trafficPerMonth: 0.15, dataPerMonth: 0.06, months: 120, asOf: (2026, 12)))
        for (slow, quick) in zip(w.limits, fast.limits) where slow.months != nil {
            XCTAssertLessThanOrEqual(try XCTUnwrap(quick.months, quick.id), slow.months!, slow.id)
        }
        XCTAssertLessThan(fast.limits[0].months!, cpu.months!)
        XCTAssertLessThanOrEqual(fast.first!.months!, w.first!.months!)
        // No growth: nothing breaks that is not broken today.
        let none = try XCTUnwrap(advice.runway(trafficPerMonth: 0, dataPerMonth: 0, months: 120, asOf: nil))
        XCTAssertTrue(none.limits.allSatisfy { $0.months == nil || ($0.factor ?? 2) <= 1 }, "\(none.limits.map { ($0.id, $0.months) })")
        XCTAssertTrue(w.verdict.hasPrefix("The first limit to break is "), w.verdict)
    }

    func testMonthsCompoundTheGrowth() {
        XCTAssertEqual(Advice.Runway.months(factor: 2, rate: 0.05, within: 100), 14)  // 1.05^14 = 1.98, 1.05^15 = 2.08
        XCTAssertEqual(Advice.Runway.months(factor: 0.9, rate: 0.05, within: 100), 0)
        XCTAssertNil(Advice.Runway.months(factor: 2, rate: 0, within: 100))
        XCTAssertNil(Advice.Runway.months(factor: 2, rate: 0.05, within: 10))
    }
}
