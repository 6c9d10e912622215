import SimCore
import Simulation
import XCTest

/// The adaptive executor's worker pool decisions (FACTS G), on a pool alone.
final class WorkerPoolTests: XCTestCase {
    private func pool(total: Int32, target: Int32 = 16, firstRound: Int32 = 1) -> WorkerPool {
        WorkerPool(request: RequestID(0), worker: 0, total: total, target: target, firstRound: firstRound)
    }

    /// Slow start opens the round's size; without it, every task not served up to the target.
    func testRoundSizeIsCappedBySlowStartTargetAndTasks() {
        var p = pool(total: 10)
        XCTAssertEqual(p.roundSize(slowStart: true, costBased: false, maxCached: 1, at: .zero), 1)
        XCTAssertEqual(p.roundSize(slowStart: false, costBased: false, maxCached: 1, at: .zero), 10)
        XCTAssertEqual(pool(total: 10, target: 4).roundSize(slowStart: false, costBased: false, maxCached: 1, at: .zero), 4)
        // A later round is bigger, but never beyond the tasks no idle connection will take.
        p.nextRound = 5
        p.connecting = 1
        p.connectionReady(setupMicroseconds: 2_000)
        XCTAssertEqual(p.unserved, 9)
        XCTAssertEqual(p.roundSize(slowStart: true, costBased: false, maxCached: 1, at: .zero), 5)
        p.cursor = 8
        XCTAssertEqual(p.roundSize(slowStart: true, costBased: false, maxCached: 1, at: .zero), 1)
    }

    /// A connection kept from earlier queries takes a task before one opened for this query.
    func testWarmConnectionsTakeTasksFirst() {
        var p = pool(total: 3)
        p.open = 1
        p.idle = 1  // borrowed from the session's cache
        p.connecting = 1
        p.connectionReady(setupMicroseconds: 1_000)
        XCTAssertEqual(p.idle, 2)
        XCTAssertEqual(p.coldIdle, 1)
        let first = p.takeIdleConnection(at: .zero), second = p.takeIdleConnection(at: .zero)
        XCTAssertEqual(first.shardIndex, 0)
        XCTAssertFalse(first.cold)
        XCTAssertEqual(second.shardIndex, 1)
        XCTAssertTrue(second.cold)
        XCTAssertEqual(p.busy, 2)
        p.taskFinished(cold: second.cold, started: .zero, at: SimTime(microseconds: 400))
        XCTAssertEqual(p.coldIdle, 1)
        XCTAssertEqual(p.tasksDone, 1)
    }

    /// The session keeps the pool's oldest connection, so its set-up time is the first one's.
    func testTheOldestConnectionIsTheFirstReady() {
        var p = pool(total: 3)
        p.connecting = 2
        p.connectionReady(setupMicroseconds: 7_000)
        p.connectionReady(setupMicroseconds: 400_000)
        XCTAssertEqual(p.oldestSetupMicroseconds, 7_000)
        XCTAssertEqual(p.connectMicroseconds, 407_000)
    }

    /// Cost-based establishment: no new connection while the open ones finish the rest sooner
    /// than a new one could connect (avgTask/2 + ⌊avgTask × ready / open⌋ <= avgTask + avgConnect),
    /// avgTask counting each running task at twice its age (AvgTaskExecutionTimeApproximation).
    func testCostBasedEstablishmentWaitsWhenOpenConnectionsAreQuicker() {
        // One connection that took `setup` µs to open; one 1 ms task done, one running since
        // t = 1 ms, 2 ready.
        let started = SimTime(microseconds: 1_000)
        func pool(connectionSetup setup: Int64) -> WorkerPool {
            var p = self.pool(total: 4)
            p.connecting = 1
            p.connectionReady(setupMicroseconds: setup)
            _ = p.takeIdleConnection(at: .zero)
            p.taskFinished(cold: true, started: .zero, at: SimTime(microseconds: 1_000))
            _ = p.takeIdleConnection(at: started)
            return p
        }
        // Just started: avgTask = (1000 + 2 × 0) / 2 = 500. Slow connections (5 ms):
        // 250 + 1000 <= 500 + 5000, so nothing opens.
        let slow = pool(connectionSetup: 5_000)
        XCTAssertTrue(slow.existingConnectionsAreCheaper(at: started))
        XCTAssertEqual(slow.roundSize(slowStart: true, costBased: true, maxCached: 1, at: started), 0)
        XCTAssertEqual(slow.roundSize(slowStart: true, costBased: false, maxCached: 1, at: started), 1)
        // Cheap connections (100 µs): 1250 > 600, so one more opens.
        let quick = pool(connectionSetup: 100)
        XCTAssertFalse(quick.existingConnectionsAreCheaper(at: started))
        XCTAssertEqual(quick.roundSize(slowStart: true, costBased: true, maxCached: 1, at: started), 1)
        // The running task 4 ms old counts as 8 ms: avgTask = 4500, 2250 + 9000 > 4500 + 5000,
        // so even the slow connections open one.
        let later = started + .milliseconds(4)
        XCTAssertFalse(slow.existingConnectionsAreCheaper(at: later))
        XCTAssertEqual(slow.roundSize(slowStart: true, costBased: true, maxCached: 1, at: later), 1)
    }
}
