import SimCore
import Simulation
import XCTest

/// The connections client sessions keep between queries (FACTS G), on a cache alone: 3
/// sessions, 2 workers, citus.max_cached_conns_per_worker 2, a 10-minute lifetime.
final class ConnectionCacheTests: XCTestCase {
    private func cache() -> ConnectionCache {
        ConnectionCache(sessions: 3, workers: 2, maxPerWorker: 2, lifetime: .minutes(10))
    }

    /// A finished query's connections are kept up to the limit; a router task takes one, a
    /// fan-out's pool borrows up to its target with their set-up times.
    func testKeptUpToTheLimitThenTakenAndBorrowed() {
        var c = cache()
        let now = SimTime.zero + .seconds(1)
        XCTAssertFalse(c.take(session: 1, worker: 0))
        c.oldestInUse(session: 1, worker: 0, setupMicroseconds: 2_500)
        XCTAssertTrue(c.keep(session: 1, worker: 0, sameCoordinator: true, at: now))
        XCTAssertTrue(c.keep(session: 1, worker: 0, sameCoordinator: true, at: now))
        XCTAssertFalse(c.keep(session: 1, worker: 0, sameCoordinator: true, at: now), "beyond max_cached_conns_per_worker")
        XCTAssertEqual(c.kept(worker: 0), 2)
        XCTAssertEqual(c.kept(worker: 1), 0)
        XCTAssertTrue(c.take(session: 1, worker: 0))
        c.oldestInUse(session: 1, worker: 0, setupMicroseconds: 2_500)
        XCTAssertTrue(c.keep(session: 1, worker: 0, sameCoordinator: true, at: now))
        let borrowed = c.borrow(session: 1, worker: 0, upTo: 16)
        XCTAssertEqual(borrowed.count, 2)
        XCTAssertEqual(borrowed.setupMicroseconds, 5_000)
        XCTAssertEqual(c.borrow(session: 1, worker: 0, upTo: 16).count, 0)
        XCTAssertEqual(c.kept(worker: 0), 0)
    }

    /// The set-up time a slot keeps is its oldest connection's, as Citus keeps the first
    /// connections of its list: a later, slower one does not replace it while it is kept.
    func testTheKeptSetUpTimeIsTheOldestConnections() {
        var c = ConnectionCache(sessions: 1, workers: 1, maxPerWorker: 1, lifetime: .minutes(10))
        let now = SimTime.zero + .seconds(1)
        c.oldestInUse(session: 0, worker: 0, setupMicroseconds: 7_000)
        XCTAssertTrue(c.keep(session: 0, worker: 0, sameCoordinator: true, at: now))
        c.oldestInUse(session: 0, worker: 0, setupMicroseconds: 400_000)
        XCTAssertEqual(c.borrow(session: 0, worker: 0, upTo: 16).setupMicroseconds, 7_000)
        // Borrowed, the slot is empty: the query's oldest connection sets it again.
        c.oldestInUse(session: 0, worker: 0, setupMicroseconds: 9_000)
        XCTAssertTrue(c.keep(session: 0, worker: 0, sameCoordinator: true, at: now))
        XCTAssertEqual(c.borrow(session: 0, worker: 0, upTo: 16).setupMicroseconds, 9_000)
    }

    /// A connection is not kept by a session that moved to another coordinator, nor once the
    /// slot's connections are older than the lifetime; an empty slot starts a new lifetime.
    func testCoordinatorAndLifetimeLimitKeeping() {
        var c = cache()
        let start = SimTime.zero + .seconds(1)
        XCTAssertFalse(c.keep(session: 0, worker: 1, sameCoordinator: false, at: start))
        XCTAssertTrue(c.keep(session: 0, worker: 1, sameCoordinator: true, at: start))
        XCTAssertFalse(c.keep(session: 0, worker: 1, sameCoordinator: true, at: start + .minutes(11)), "kept 11 minutes ago")
        XCTAssertTrue(c.take(session: 0, worker: 1))
        XCTAssertTrue(c.keep(session: 0, worker: 1, sameCoordinator: true, at: start + .minutes(12)), "an empty slot starts afresh")
        XCTAssertFalse(c.keep(session: -1, worker: 1, sameCoordinator: true, at: start), "no session: nothing to keep it")
    }

    /// A session that moves closes every connection it kept.
    func testDropClosesEveryKeptConnection() {
        var c = cache()
        let now = SimTime.zero + .seconds(1)
        _ = c.keep(session: 2, worker: 0, sameCoordinator: true, at: now)
        _ = c.keep(session: 2, worker: 0, sameCoordinator: true, at: now)
        _ = c.keep(session: 1, worker: 0, sameCoordinator: true, at: now)
        XCTAssertEqual(c.drop(session: 2, worker: 0), 2)
        XCTAssertEqual(c.drop(session: 2, worker: 0), 0)
        XCTAssertEqual(c.kept(worker: 0), 1)
    }
}
