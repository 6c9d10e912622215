import Advisor
import Foundation
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
        // Faster growth: every analytic limit that breaks breaks no later, the CPU strictly
        // earlier (the simulated SLO break's own test is below).
        let fast = try XCTUnwrap(advice.runway(trafficPerMonth: 0.15, dataPerMonth: 0.06, months: 120, asOf: (2026, 12)))
        for (slow, quick) in zip(w.limits, fast.limits) where slow.months != nil && slow.id != "slo" {
            XCTAssertLessThanOrEqual(try XCTUnwrap(quick.months, quick.id), slow.months!, slow.id)
        }
        XCTAssertLessThan(fast.limits[0].months!, cpu.months!)
        XCTAssertLessThanOrEqual(fast.limits.filter { $0.id != "slo" }.compactMap(\.months).min()!, w.limits.filter { $0.id != "slo" }.compactMap(\.months).min()!)
        // No growth: nothing breaks that is not broken today.
        let none = try XCTUnwrap(advice.runway(trafficPerMonth: 0, dataPerMonth: 0, months: 120, asOf: nil))
        XCTAssertTrue(none.limits.allSatisfy { $0.months == nil || ($0.factor ?? 2) <= 1 }, "\(none.limits.map { ($0.id, $0.months) })")
        XCTAssertTrue(w.verdict.hasPrefix("The first limit to break is "), w.verdict)
    }

    /// The SLO break is simulated: the recommendation at the month found misses an objective,
    /// at the month before it meets every one (the same seeds, so the same answer run alone),
    /// and faster growth brings the break no later. Doubling the shard count is a remedy,
    /// simulated with its duration; writes wait for the whole statement.
    func testTheSLOBreakIsSimulatedAndMoreShardsIsARemedy() throws {
        let yaml = OperationsAdviceTests.yaml(scaleOut: "false", slo: "p99_ms: {lookup: 30, update: 400}")
            .replacingOccurrences(of: "  growth_steps: [1.5]", with: "  growth_steps: [1.5]\n  ha: false\n  runway: {traffic_per_month: 0.1, data_per_month: 0.05, months: 24, as_of: 2026-12}")
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: yaml, file: "runway.yaml", name: "runway")
        let advisor = try Advisor(base: s, spec: spec, threads: 2)
        let advice = try advisor.recommend()
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        let w = try XCTUnwrap(advice.capacityRunway)
        let b = try XCTUnwrap(w.sloBreak)
        let miss = try XCTUnwrap(b.firstMissing), met = try XCTUnwrap(b.lastMeeting)
        XCTAssertEqual(met.month + 1, miss.month)
        XCTAssertFalse(miss.evaluation.meets)
        XCTAssertTrue(met.evaluation.meets)
        XCTAssertEqual(b.simulated.count, Set(b.simulated).count, "each month simulated once")
        XCTAssertLessThan(b.simulated.count, 24 / 2, "bisection, not a scan")
        // Run alone at the month found, with the search's seeds: the same verdict.
        let c = advice.outcomes[r].candidate
        let alone = try advisor.evaluate(try advisor.scenario(for: c, traffic: pow(1.1, Double(miss.month)), tenants: pow(1.05, Double(miss.month))), threads: 2)
        XCTAssertEqual(alone.worstRatio, miss.evaluation.worstRatio, accuracy: 1e-12)
        let slo = try XCTUnwrap(w.limits.first { $0.id == "slo" })
        XCTAssertEqual(slo.months, miss.month)
        XCTAssertTrue(slo.detail.hasPrefix("simulated: meets in \(w.date(met.month))"), slo.detail)
        // Faster traffic growth: the break comes no later.
        var quick = spec.runway!
        quick.trafficPerMonth = 0.3
        let fast = try advisor.sloBreak(of: c, plan: quick)
        XCTAssertLessThanOrEqual(try XCTUnwrap(fast.firstMissing).month, miss.month)
        // More shards: 16 -> 32 by alter_distributed_table, simulated under today's load.
        let more = try XCTUnwrap(w.remedies.first { $0.name == "double the shard count to 32" })
        XCTAssertGreaterThan(try XCTUnwrap(more.durationSeconds), 0)
        XCTAssertNotNil(more.meetsSLODuringOperation)
        XCTAssertTrue(more.detail.hasPrefix("SELECT alter_distributed_table('events', shard_count := 32, cascade_to_colocated := true);"), more.detail)
    }

    /// Per tenant class: the limits are recomputed month by month. Classes that all grow at the
    /// runway's own rates give the months the compound formula gives; a top tenant growing
    /// faster brings the CPU's break earlier; overlapping classes are refused where written.
    func testTenantClassesGrowAtTheirOwnRates() throws {
        let base = OperationsAdviceTests.yaml(scaleOut: "false", slo: "p99_ms: {lookup: 30, update: 400}\n  max_cpu_utilization: 0.7")
        func runway(_ classes: String) throws -> (Advisor, Advice) {
            let yaml = base.replacingOccurrences(of: "  growth_steps: [1.5]",
                                                 with: "  growth_steps: [1.5]\n  ha: false\n  runway: {traffic_per_month: 0.05, data_per_month: 0.03, months: 48, as_of: 2026-12\(classes)}")
            let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: yaml, file: "runway.yaml", name: "runway")
            let advisor = try Advisor(base: s, spec: spec, threads: 2)
            return (advisor, try advisor.recommend())
        }
        let (_, uniform) = try runway("")
        let (_, same) = try runway(", classes: [{tenants: [1, 2000], traffic_per_month: 0.05, data_per_month: 0.03}]")
        let u = try XCTUnwrap(uniform.capacityRunway), c = try XCTUnwrap(same.capacityRunway)
        for id in ["cpu", "coordinator-cpu", "connections", "disk", "memory"] {
            let a = try XCTUnwrap(u.limits.first { $0.id == id }), b = try XCTUnwrap(c.limits.first { $0.id == id })
            XCTAssertEqual(a.months, b.months, id)
            XCTAssertEqual(try XCTUnwrap(b.use).count, 49, id)
        }
        let (advisor, whale) = try runway(", classes: [{tenants: [1, 1], traffic_per_month: 0.5, data_per_month: 0.2}]")
        let w = try XCTUnwrap(whale.capacityRunway)
        let cpu = try XCTUnwrap(w.limits.first { $0.id == "cpu" }?.months), uniformCPU = try XCTUnwrap(u.limits.first { $0.id == "cpu" }?.months)
        XCTAssertLessThan(cpu, uniformCPU)
        // The SLO break is simulated on those scenarios: its month misses, the month before meets.
        let b = try XCTUnwrap(w.sloBreak)
        let miss = try XCTUnwrap(b.firstMissing)
        XCTAssertFalse(miss.evaluation.meets)
        XCTAssertEqual(try XCTUnwrap(b.lastMeeting).month + 1, miss.month)
        let r = try XCTUnwrap(whale.recommended)
        let again = try advisor.evaluate(try advisor.classScenario(of: whale.outcomes[r].candidate, plan: advisor.spec.runway!, month: miss.month), threads: 2)
        XCTAssertEqual(again.worstRatio, miss.evaluation.worstRatio, accuracy: 1e-12)
        let bad = base.replacingOccurrences(of: "  growth_steps: [1.5]", with: "  growth_steps: [1.5]\n  runway: {traffic_per_month: 0.05, classes: [{tenants: [1, 10]}, {tenants: [5, 20]}]}")
        XCTAssertThrowsError(try ScenarioLoader.loadForAdvice(text: bad, file: "bad.yaml", name: "bad")) { e in
            XCTAssertTrue("\(e)".contains("overlaps [1, 10]"), "\(e)")
        }
    }

    func testMonthsCompoundTheGrowth() {
        XCTAssertEqual(Advice.Runway.months(factor: 2, rate: 0.05, within: 100), 14)  // 1.05^14 = 1.98, 1.05^15 = 2.08
        XCTAssertEqual(Advice.Runway.months(factor: 0.9, rate: 0.05, within: 100), 0)
        XCTAssertNil(Advice.Runway.months(factor: 2, rate: 0, within: 100))
        XCTAssertNil(Advice.Runway.months(factor: 2, rate: 0.05, within: 10))
    }
}
