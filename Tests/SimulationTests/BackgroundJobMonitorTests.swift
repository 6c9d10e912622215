import ClusterModel
import Planner
import SimCore
import Simulation
import XCTest

/// The background task queue monitor alone, on a job of two moves between disjoint nodes in
/// different colocation groups (so only the executor limit keeps them apart).
final class BackgroundJobMonitorTests: XCTestCase {
    private let moves = [BackgroundJobGraph.Move(anchor: ShardID(1), source: NodeID(1), target: NodeID(2), colocation: ColocationID(1)),
                         BackgroundJobGraph.Move(anchor: ShardID(2), source: NodeID(3), target: NodeID(4), colocation: ColocationID(2))]

    private func monitor(at now: SimTime) -> (BackgroundJobMonitor, job: Int, firstPass: SimTime) {
        var m = BackgroundJobMonitor()
        let tasks = BackgroundJobGraph.build(moves: moves, firstTaskID: 1, referenceTables: nil, options: .init())
        let (j, first) = m.add(id: 7, operation: 0, tasks: tasks, mode: .blockWrites, at: now)
        return (m, j, first)
    }

    private func settings(executors: Int) -> CitusSettings {
        var s = CitusSettings()
        s.maxBackgroundTaskExecutors = executors
        return s
    }

    /// The daemon's check starts the monitor at the next point of the 5 s grid.
    func testFirstPassOnTheQueueIntervalGrid() {
        XCTAssertEqual(monitor(at: .zero + .milliseconds(7_300)).firstPass, .zero + .seconds(10))
        XCTAssertEqual(monitor(at: .zero + .seconds(10)).firstPass, .zero + .seconds(15))
    }

    /// A pass starts what the executor limit allows, then sleeps (one pass scheduled at a
    /// time); a pass asked for inside a pass becomes one more round of it.
    func testPassesRoundsAndSleep() {
        var (m, j, _) = monitor(at: .zero)
        let now = SimTime.zero + .seconds(5)
        m.passDue(j)
        XCTAssertTrue(m.beginPass(j))
        let round = m.nextRound(j, now: now, settings: settings(executors: 1), maxWorkerProcesses: 8)
        XCTAssertEqual(round, [1], "one executor")
        _ = m.start(j, task: 1, row: 0)
        XCTAssertFalse(m.isRunnable(j, task: 1))
        XCTAssertFalse(m.beginPass(j), "nested: asks for another round instead")
        XCTAssertEqual(m.nextRound(j, now: now, settings: settings(executors: 1), maxWorkerProcesses: 8), [])
        XCTAssertNil(m.nextRound(j, now: now, settings: settings(executors: 1), maxWorkerProcesses: 8))
        XCTAssertTrue(m.endPass(j), "the monitor sleeps: schedule its next pass")
        XCTAssertTrue(m.beginPass(j))
        XCTAssertNotNil(m.nextRound(j, now: now, settings: settings(executors: 1), maxWorkerProcesses: 8))
        XCTAssertFalse(m.endPass(j), "a pass is already scheduled")
        m.passDue(j)
        XCTAssertTrue(m.beginPass(j))
        XCTAssertEqual(m.nextRound(j, now: now, settings: settings(executors: 2), maxWorkerProcesses: 8), [2], "a second executor")
        XCTAssertFalse(m.beginPass(j))
        XCTAssertEqual(m.nextRound(j, now: now, settings: settings(executors: 2), maxWorkerProcesses: 3), [],
                       "the daemon, the monitor and task 1 hold all 3 background worker processes")
    }

    /// Ends: a failure is retried after the back-off, a success wakes the running monitor, the
    /// last task finishes the job; the job's operation and failed tasks are reported.
    func testTaskEnds() {
        var (m, j, _) = monitor(at: .zero)
        let now = SimTime.zero + .seconds(5)
        m.passDue(j)
        let first = m.start(j, task: 1, row: 3)
        XCTAssertEqual(first.task.id, 1)
        XCTAssertEqual(first.attempt, 1)
        m.assign(chain: 9, j, task: 1)
        XCTAssertEqual(m.end(j, task: 1, error: "ERROR:  boom", at: now),
                       BackgroundJobMonitor.TaskEnd(row: 3, status: "failed, retry in 5 s", jobFinished: false, wakesMonitor: true))
        XCTAssertEqual(m.start(j, task: 1, row: 4).attempt, 2)
        XCTAssertEqual(m.end(j, task: 1, error: nil, at: now + .seconds(6))?.status, "done")
        _ = m.start(j, task: 2, row: 5)
        let last = m.end(j, task: 2, error: nil, at: now + .seconds(7))
        XCTAssertEqual(last?.jobFinished, true)
        XCTAssertEqual(last?.wakesMonitor, false)
        XCTAssertFalse(m.anyRunning)
        XCTAssertFalse(m.jobs[j].hasFailedTasks)
    }

    /// citus_rebalance_stop(): the running tasks' rows and chains are returned, nothing else
    /// starts, and a chain that ends afterwards changes nothing.
    func testCancel() {
        var (m, j, _) = monitor(at: .zero)
        m.passDue(j)
        _ = m.start(j, task: 1, row: 0)
        m.assign(chain: 4, j, task: 1)
        XCTAssertEqual(m.lastRunning, j)
        let running = m.cancel(j)
        XCTAssertEqual(running.map(\.row), [0])
        XCTAssertEqual(running.map(\.chain), [4])
        XCTAssertNil(m.lastRunning)
        XCTAssertNil(m.end(j, task: 1, error: nil, at: .zero + .seconds(9)))
        XCTAssertTrue(m.beginPass(j))
        XCTAssertNil(m.nextRound(j, now: .zero + .seconds(9), settings: settings(executors: 4), maxWorkerProcesses: 8))
        XCTAssertFalse(m.endPass(j))
    }
}
