import SimCore
import Simulation
import XCTest

/// Citus's shared connection pool's decisions (FACTS G), on a pool alone: 2 coordinators,
/// 3 workers, 2 databases, 2 slots per counter; worker 0 is the first coordinator itself,
/// with citus.local_shared_pool_size 3.
final class SharedConnectionPoolTests: XCTestCase {
    private let now = SimTime.zero
    private func pool() throws -> SharedConnectionPool {
        try SharedConnectionPool(coordinators: 2, workers: 3, databases: 2, limit: 2, localLimit: 3, localWorker: 0)
    }
    /// A router task's waiter (task id `i`).
    private func task(_ i: UInt32) -> ConnectionWaiter { ConnectionWaiter(raw: i) }

    /// A required connection waits once its counter is full, and the next release hands the
    /// slot to the first waiter; an optional one is skipped instead.
    func testRequiredConnectionsWaitAndOptionalOnesAreSkipped() throws {
        var p = try pool()
        for i: UInt32 in 1...2 {
            XCTAssertEqual(p.request(task(i), worker: 1, coordinator: 0, session: 0, required: true, loopback: false, localBackends: 0, at: now), .open)
        }
        XCTAssertEqual(p.request(task(3), worker: 1, coordinator: 0, session: 0, required: true, loopback: false, localBackends: 0, at: now), .wait)
        XCTAssertEqual(p.request(task(4), worker: 1, coordinator: 0, session: 2, required: true, loopback: false, localBackends: 0, at: now), .wait,
                       "session 2 is database 0 too")
        XCTAssertEqual(p.request(task(5), worker: 1, coordinator: 0, session: 0, required: false, loopback: false, localBackends: 0, at: now), .skip)
        XCTAssertEqual(p.inUse(worker: 1), 2)
        XCTAssertEqual(p.release(worker: 1, coordinator: 0, session: 0, at: now), task(3))
        XCTAssertEqual(p.inUse(worker: 1), 2, "the slot went straight to the waiter")
        XCTAssertTrue(p.cancelWait(task(4), worker: 1, coordinator: 0, session: 0, at: now))
        XCTAssertFalse(p.cancelWait(task(4), worker: 1, coordinator: 0, session: 0, at: now))
        XCTAssertNil(p.release(worker: 1, coordinator: 0, session: 0, at: now))
        XCTAssertEqual(p.inUse(worker: 1), 1)
    }

    /// Each coordinator and each database has counters of its own.
    func testCountersArePerCoordinatorAndDatabase() throws {
        var p = try pool()
        for i: UInt32 in 1...2 {
            XCTAssertEqual(p.request(task(i), worker: 2, coordinator: 0, session: 0, required: true, loopback: false, localBackends: 0, at: now), .open)
        }
        XCTAssertEqual(p.request(task(3), worker: 2, coordinator: 0, session: 1, required: true, loopback: false, localBackends: 0, at: now), .open)
        XCTAssertEqual(p.request(task(4), worker: 2, coordinator: 1, session: 0, required: true, loopback: false, localBackends: 0, at: now), .open)
        XCTAssertEqual(p.inUse(worker: 2), 4)
        XCTAssertEqual(p.inUse(worker: 1), 0)
    }

    /// Loopback connections are optional and refused while the coordinator's client backends
    /// plus this one exceed citus.local_shared_pool_size.
    func testLoopbackConnectionsFollowTheLocalLimit() throws {
        var p = try pool()
        XCTAssertEqual(p.request(task(1), worker: 0, coordinator: 0, session: 0, required: true, loopback: true, localBackends: 3, at: now), .skip)
        XCTAssertEqual(p.request(task(2), worker: 0, coordinator: 0, session: 0, required: true, loopback: true, localBackends: 2, at: now), .open)
        // The first coordinator's counter towards its own shards holds 3, not 2.
        XCTAssertEqual(p.request(task(3), worker: 0, coordinator: 0, session: 0, required: false, loopback: true, localBackends: 0, at: now), .open)
        XCTAssertEqual(p.request(task(4), worker: 0, coordinator: 0, session: 0, required: false, loopback: true, localBackends: 0, at: now), .open)
        XCTAssertEqual(p.request(task(5), worker: 0, coordinator: 0, session: 0, required: false, loopback: true, localBackends: 0, at: now), .skip)
    }

    /// The maintenance daemon's slot counts against the pool and never waits.
    func testDaemonSlotsCountAndNeverWait() throws {
        var p = try pool()
        XCTAssertTrue(p.takeDaemonSlot(worker: 1, coordinator: 0, database: 0, at: now))
        XCTAssertTrue(p.takeDaemonSlot(worker: 1, coordinator: 0, database: 0, at: now))
        XCTAssertFalse(p.takeDaemonSlot(worker: 1, coordinator: 0, database: 0, at: now))
        XCTAssertEqual(p.daemonConnections, [0, 2, 0])
        XCTAssertEqual(p.request(task(1), worker: 1, coordinator: 0, session: 0, required: true, loopback: false, localBackends: 0, at: now), .wait)
    }
}
