import SimCore
import Simulation
import XCTest

/// The client sessions alone: which session a request gets, waiting, and where sessions go
/// when coordinators change.
final class ClientSessionsTests: XCTestCase {
    private let now = SimTime.zero + .seconds(1)

    /// One coordinator, 4 sessions over 2 databases (sessions 0 and 2 serve database 0): the
    /// lowest free session first, then the most recently used; a request waits when none is
    /// free and takes the next released one.
    func testOpenLoopOnOneCoordinator() throws {
        var c = try ClientSessions(sessions: 4, databases: 2, coordinators: 1, initial: 1)
        XCTAssertEqual(c.acquire(RequestID(10), database: 0, at: now), 0)
        XCTAssertEqual(c.acquire(RequestID(11), database: 0, at: now), 2)
        XCTAssertNil(c.acquire(RequestID(12), database: 0, at: now))
        XCTAssertNil(c.acquire(RequestID(13), database: 0, at: now))
        XCTAssertEqual(c.acquire(RequestID(14), database: 1, at: now), 1, "the other database's sessions")
        XCTAssertEqual(c.inUse, 3)
        XCTAssertEqual(c.waiters, 2)
        c.cancelWait(RequestID(12), database: 0, at: now)
        XCTAssertEqual(c.release(0, at: now), RequestID(13), "the waiter still waiting takes it")
        XCTAssertNil(c.release(2, at: now))
        c.pushFree(2)
        XCTAssertEqual(c.acquire(RequestID(15), database: 0, at: now), 2, "most recently used on top")
        XCTAssertEqual(c.count(onCoordinator: 0), 4)
    }

    /// Two live coordinators: session k is on coordinator k mod 2 (one database); requests take
    /// turns over the coordinators. When coordinator 0 fails its sessions must move to 1; the
    /// free ones are taken off highest first and pushed back lowest on top.
    func testCoordinatorsTakeTurnsAndSessionsMove() throws {
        var c = try ClientSessions(sessions: 4, databases: 1, coordinators: 2, initial: 2)
        XCTAssertEqual(c.coordinator, [0, 1, 0, 1])
        XCTAssertEqual(c.acquire(RequestID(1), database: 0, at: now), 0)
        XCTAssertEqual(c.acquire(RequestID(2), database: 0, at: now), 1)
        XCTAssertEqual(c.acquire(RequestID(3), database: 0, at: now), 2)
        XCTAssertEqual(c.count(onCoordinator: 1), 2)
        c.setLive([1])
        XCTAssertEqual(c.target(session: 0), 1)
        XCTAssertNil(c.move(of: 1))
        XCTAssertEqual(c.move(of: 2)?.from, 0)
        XCTAssertEqual(c.move(of: 2)?.to, 1)
        let free = c.takeFree(database: 0)
        XCTAssertEqual(free, [3])
        for s in free {
            if let m = c.move(of: s) { c.connect(s, to: m.to) }
            c.pushFree(s)
        }
        XCTAssertNil(c.release(2, at: now))
        c.connect(2, to: c.move(of: 2)!.to)
        c.pushFree(2)
        XCTAssertEqual(c.coordinator, [0, 1, 1, 1])
        XCTAssertEqual(c.acquire(RequestID(4), database: 0, at: now), 2, "the only live coordinator's most recent session")
        XCTAssertEqual(c.acquire(RequestID(5), database: 0, at: now), 3)
        c.setLive([])
        XCTAssertEqual(c.target(session: 0), 0, "no live coordinator: sessions stay where they are")
    }
}
