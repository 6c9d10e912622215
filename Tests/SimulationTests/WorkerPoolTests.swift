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
        XCTAssertEqual(p.roundSize(slowStart: true, costBased: false, maxCached: 1), 1)
        XCTAssertEqual(p.roundSize(slowStart: false, costBased: false, maxCached: 1), 10)
        XCTAssertEqual(pool(total: 10, target: 4).roundSize(slowStart: false, costBased: false, maxCached: 1), 4)
        // A later round is bigger, but never beyond the tasks no idle connection will take.
        p.nextRound = 5
        p.connecting = 1
        p.connectionReady(setupMicroseconds: 2_000)
        XCTAssertEqual(p.unserved, 9)
        XCTAssertEqual(p.roundSize(slowStart: true, costBased: false, maxCached: 1), 5)
        p.cursor = 8
        XCTAssertEqual(p.roundSize(slowStart: true, costBased: false, maxCached: 1), 1)
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
        let first = p.takeIdleConnection(), second = p.takeIdleConnection()
        XCTAssertEqual(first.shardIndex, 0)
        XCTAssertFalse(first.cold)
        XCTAssertEqual(second.shardIndex, 1)
        XCTAssertTrue(second.cold)
        XCTAssertEqual(p.busy, 2)
        p.taskFinished(cold: second.cold, microseconds: 400)
        XCTAssertEqual(p.coldIdle, 1)
        XCTAssertEqual(p.tasksDone, 1)
    }

    /// Cost-based establishment: no new connection while the open ones finish the rest sooner
    /// than a new one could connect (avgTask/2 + ⌊avgTask × ready / open⌋ <= avgTask + avgConnect).
    func testCostBasedEstablishmentWaitsWhenOpenConnectionsAreQuicker() {
        // One connection that took `setup` µs to open; one 1 ms task done, one running, 2 ready.
        func pool(connectionSetup setup: Int64) -> WorkerPool {
            var p = self.pool(total: 4)
            p.connecting = 1
            p.connectionReady(setupMicroseconds: setup)
            _ = p.takeIdleConnection()
            p.taskFinished(cold: true, microseconds: 1_000)
            _ = p.takeIdleConnection()
            return p
        }
        // Slow connections (5 ms): 500 + 2000 <= 1000 + 5000, so nothing opens.
        let slow = pool(connectionSetup: 5_000)
        XCTAssertTrue(slow.existingConnectionsAreCheaper)
        XCTAssertEqual(slow.roundSize(slowStart: true, costBased: true, maxCached: 1), 0)
        XCTAssertEqual(slow.roundSize(slowStart: true, costBased: false, maxCached: 1), 1)
        // Cheap connections (100 µs): 2500 > 1100, so one more opens.
        let quick = pool(connectionSetup: 100)
        XCTAssertFalse(quick.existingConnectionsAreCheaper)
        XCTAssertEqual(quick.roundSize(slowStart: true, costBased: true, maxCached: 1), 1)
    }
}
