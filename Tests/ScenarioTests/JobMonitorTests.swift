import Planner
import SQL
import SimCore
import Simulation
import XCTest

/// The background-task queue monitor in time (`ClusterSimulation+BackgroundJobMonitor`) when tasks end the
/// instant they start.
final class JobMonitorTests: XCTestCase {
    /// 20,000 tenant schemas on 6 workers; two workers are added and `citus_rebalance_start`
    /// schedules 5,000 moves to them; before its first task starts, both new workers are set to
    /// shouldhaveshards = false, so each move is refused the instant it starts (Citus's error).
    /// Each refusal wakes the monitor, which starts the next task at once: 5,000 tasks end within
    /// one instant. The run must finish (a monitor pass nested inside each ended task used to
    /// exhaust the stack), and every task must be tried again only after Citus's back-off.
    func testAJobOfThousandsOfRefusedMovesEnds() throws {
        var s = try ReferenceSchemaRebalance.make(schemas: 20_000)
        let sql = """
            SELECT citus_add_node('\(ClusterSpec.workerName(6))', 5432);
            SELECT citus_add_node('\(ClusterSpec.workerName(7))', 5432);
            SELECT citus_rebalance_start(rebalance_strategy := 'by_shard_count', shard_transfer_mode := 'block_writes');
            SELECT citus_set_node_property('\(ClusterSpec.workerName(6))', 5432, 'shouldhaveshards', false);
            SELECT citus_set_node_property('\(ClusterSpec.workerName(7))', 5432, 'shouldhaveshards', false);
            """
        s.timeline = try SQLRunbookParser.parse(sql, file: "refused").map { TimelineEntry(at: .seconds(60), action: .sql($0, text: "\($0.kind)"), line: $0.line, column: $0.column) }
        s.run.duration = .minutes(10)
        let result = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1, untilOperationsDone: true)
        let log = try XCTUnwrap(result.operations)
        let moves = log.taskRuns.filter { $0.command.contains("citus_move_shard_placement") }
        let tasks = Set(moves.map(\.task))
        XCTAssertEqual(tasks.count, 5_000, "by_shard_count spreads 20,000 schemas over 8 workers: 2,500 to each new one")
        XCTAssertTrue(moves.allSatisfy { $0.error?.contains("Please make sure the node has shouldhaveshards=true.") ?? false }, "every attempt is refused")
        let first = moves.filter { $0.attempt == 1 }
        XCTAssertEqual(first.count, 5_000, "each task's first attempt is logged once")
        XCTAssertEqual(Set(first.map(\.start)).count, 1, "all first attempts start (and are refused) in one instant")
        // Citus retries a failed task after its back-off (5 s, 20 s, then 60 s; BackgroundTaskQueue): attempts come
        // one after another, each within the monitor's 1 s sleep after the back-off ends.
        for task in tasks.sorted().prefix(50) {
            let runs = moves.filter { $0.task == task }
            XCTAssertEqual(runs.map(\.attempt), Array(1...runs.count), "task \(task)")
            XCTAssertGreaterThan(runs.count, 3, "task \(task): retried in 10 minutes")
            for (k, (a, b)) in zip(runs, runs.dropFirst()).enumerated() {
                let gap = (b.start - (try XCTUnwrap(a.end))).seconds
                let backOff = Double(BackgroundTaskQueue.retryDelaySeconds(attempt: k + 1))
                XCTAssertTrue(gap >= backOff && gap <= backOff + 1, "task \(task) attempt \(k + 2): \(gap) s after the previous, back-off \(backOff) s")
            }
        }
    }
}
