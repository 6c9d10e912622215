import Advisor
import Experiments
import Reporting
import Runbook
import SQL
import Scenario
import SimCore
import Simulation
import Workload
import XCTest

/// Issue 20, item 2: the schedule optimiser searches start instants, transfer modes and executor
/// limits that change with the load, and writes the plan as a runbook that reproduces it.
final class ScheduleAdviceTests: XCTestCase {
    /// The operations test's cluster with 30 GiB (a rebalance of a few minutes) and the load
    /// stepping from 300/s to 400/s at 10 minutes.
    static func yaml(schedule: String = "{from: 8m, to: 12m, step: 2m}", gib: Int = 30) -> String {
        OperationsAdviceTests.yaml(scaleOut: "{add_workers: 1, executors_per_node: [1, 2], transfer_modes: [auto], snapshot: false, run_for: 30m, schedule: \(schedule)}")
            .replacingOccurrences(of: "total_size_gib: 8", with: "total_size_gib: \(gib)")
            .replacingOccurrences(of: "arrivals: {rate_per_second: 400, sessions: 40}", with: "arrivals: {rate_per_second: 300, sessions: 40, step: {at: 10m, rate_per_second: 400}}")
            .replacingOccurrences(of: "  growth_steps: [1.5]", with: "  growth_steps: [1.5]\n  ha: false")
    }

    func testPlansChangeTheExecutorLimitWhereTheLoadCrossesTheThreshold() throws {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: Self.yaml(), file: "schedule.yaml", name: "schedule")
        let plan = try XCTUnwrap(spec.scaleOut)
        let window = try XCTUnwrap(plan.schedule)
        XCTAssertEqual(window.starts.map(\.seconds), [480, 600, 720])
        guard case .open(let curve, _) = s.workload.arrivals else { return XCTFail("open arrivals expected") }
        let two = Advisor.schedulePlans(curve: curve, plan: plan, window: window)
        XCTAssertEqual(two.threshold, 350, accuracy: 1e-9)
        // From 8 minutes: quiet until the step, so a 2-then-1 plan changes once, at 10 minutes.
        let switching = try XCTUnwrap(two.plans.first { $0.start == .seconds(480) && $0.quietExecutors == 2 && $0.busyExecutors == 1 && $0.parallelColocated })
        XCTAssertEqual(switching.initialExecutors, 2)
        XCTAssertEqual(switching.switches.map(\.at), [.seconds(600)])
        XCTAssertEqual(switching.switches.map(\.executors), [1])
        XCTAssertEqual(switching.switches.map(\.rate), [400])
        let blocks = switching.blocks(workers: 2, adding: 1)
        XCTAssertEqual(blocks.map(\.at), [.seconds(480), .seconds(600)])
        XCTAssertEqual(blocks[1].sql, ["ALTER SYSTEM SET citus.max_background_task_executors = 3;",
                                       "ALTER SYSTEM SET citus.max_background_task_executors_per_node = 1;", "SELECT pg_reload_conf();"])
        // Starting when busy, nothing changes later: the plan is a constant one, listed once.
        let late = two.plans.filter { $0.start == .seconds(720) }
        XCTAssertTrue(late.allSatisfy { $0.switches.isEmpty && $0.quietExecutors == $0.busyExecutors })
        XCTAssertEqual(late.count, 2 * 2)
    }

    func testTheChosenPlanKeepsTheObjectivesAndItsRunbookReproducesIt() throws {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: Self.yaml(), file: "schedule.yaml", name: "schedule")
        let advisor = try Advisor(base: s, spec: spec, threads: 2)
        let report = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
        let advice = report.advice
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        let schedule = try XCTUnwrap(advice.schedule)
        let chosen = try XCTUnwrap(schedule.chosen, schedule.verdict)
        XCTAssertTrue(chosen.run.meetsSLODuringOperation)
        XCTAssertTrue(chosen.holdout.meetsSLODuringOperation, chosen.holdout.during?.missText ?? "")
        XCTAssertEqual(chosen.run.replications, 3)
        XCTAssertTrue([480, 600, 720].contains(chosen.plan.start.seconds))
        XCTAssertTrue(schedule.verdict.hasPrefix("Schedule: \(chosen.plan.label)"), schedule.verdict)

        // runbook.sql, pasted block by block into the timeline at its instants, gives the same run.
        let sql = try XCTUnwrap(report.files.first { $0.name == "runbook.sql" }?.contents)
        var blocks: [(at: SimDuration, sql: [String])] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("-- at ") {
                let text = String(line.dropFirst(6).prefix { $0 != " " })
                blocks.append((SimDuration(seconds: try XCTUnwrap(DurationText.seconds(text), text)), []))
            } else if !line.hasPrefix("--") {
                blocks[blocks.count - 1].sql.append(line)
            }
        }
        XCTAssertEqual(blocks.map(\.at), chosen.blocks.map(\.at))
        let start = blocks[0].at
        var (pasted, lead) = try advisor.scheduleScenario(for: advice.outcomes[r].candidate, start: start)
        pasted.run.duration = lead + .minutes(30)
        pasted.citus.maxWorkerProcesses = chosen.maxWorkerProcesses
        pasted.timeline = try blocks.flatMap { b in
            try b.sql.flatMap { text in try SQLRunbookParser.parse(text, file: "runbook.sql").map { TimelineEntry(at: lead + (b.at - start), action: .sql($0, text: text), line: 0, column: 0) } }
        }
        let seeds = try Replications(baseSeed: s.run.seed, count: 3).seeds
        let durations = try seeds.map { seed -> Double in
            let result = try ClusterRun.run(pasted, layout: try ClusterRun.layout(for: pasted), seed: seed, untilJobsDone: true)
            let ops = try XCTUnwrap(result.operations?.operations)
            return try XCTUnwrap(ops.compactMap(\.end).max()) .seconds - ops.map(\.start.seconds).min()!
        }
        XCTAssertEqual(durations.reduce(0, +) / 3, try XCTUnwrap(chosen.run.durationSeconds), accuracy: 1e-6)
    }

    /// A plan's statements at their instants, run as a timeline from `start` − lead until the job ends: seconds.
    static func duration(_ advisor: Advisor, _ c: Candidate, blocks: [(at: SimDuration, sql: [String])], maxWorkerProcesses: Int, seed: UInt64) throws -> Double {
        let start = blocks[0].at
        var (s, lead) = try advisor.scheduleScenario(for: c, start: start)
        s.run.duration = lead + .minutes(30)
        s.citus.maxWorkerProcesses = maxWorkerProcesses
        s.timeline = try blocks.flatMap { b in
            try b.sql.flatMap { text in try SQLRunbookParser.parse(text, file: "runbook.sql").map { TimelineEntry(at: lead + (b.at - start), action: .sql($0, text: text), line: 0, column: 0) } }
        }
        let ops = try XCTUnwrap(try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: seed, untilJobsDone: true).operations?.operations)
        return try XCTUnwrap(ops.compactMap(\.end).max()).seconds - ops.map(\.start.seconds).min()!
    }

    /// Lowering the executor limit at the step, while the job runs, takes effect: the plan lasts
    /// longer than 2 executors throughout and less than 1 throughout.
    func testALimitChangedWhileTheJobRunsTakesEffect() throws {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: Self.yaml(schedule: "{from: 9m, to: 9m, step: 1m}", gib: 200), file: "schedule.yaml", name: "schedule")
        let advisor = try Advisor(base: s, spec: spec, threads: 1)
        let c = try XCTUnwrap(advisor.candidates().first)
        guard case .open(let curve, _) = s.workload.arrivals else { return XCTFail("open arrivals expected") }
        let plans = Advisor.schedulePlans(curve: curve, plan: spec.scaleOut!, window: spec.scaleOut!.schedule!).plans.filter(\.parallelColocated)
        let seed = try Replications(baseSeed: s.run.seed, count: 1).seeds[0]
        let d = try [(1, 1), (2, 1), (2, 2)].map { q, b -> Double in
            let p = try XCTUnwrap(plans.first { $0.quietExecutors == q && $0.busyExecutors == b }, "\(q)/\(b)")
            return try Self.duration(advisor, c, blocks: p.blocks(workers: c.workers, adding: 1).map { ($0.at, $0.sql) }, maxWorkerProcesses: 8, seed: seed)
        }
        // The switch comes 60 s after the start: every plan must still be running then.
        XCTAssertGreaterThan(d[2], 60, "\(d)")
        XCTAssertLessThan(d[2], d[1], "\(d)")
        XCTAssertLessThan(d[1], d[0], "\(d)")
    }

    func testAScheduleWindowMustBeOrdered() {
        XCTAssertThrowsError(try ScenarioLoader.loadForAdvice(text: Self.yaml(schedule: "{from: 12m, to: 8m, step: 2m}"), file: "schedule.yaml", name: "schedule")) { e in
            XCTAssertTrue("\(e)".contains("`advisor.scale_out.schedule` must have `to` >= `from`"), "\(e)")
        }
    }
}
