import Simulation
import XCTest

/// The DBA session alone: statements run one at a time in the order they were due, and what
/// holds the session decides which statement its release ends.
final class DBASessionTests: XCTestCase {
    /// Statements due while one holds the session wait behind it, in order.
    func testStatementsQueueBehindTheOneHoldingTheSession() {
        var session = DBASession()
        XCTAssertTrue(session.isDone)
        XCTAssertNil(session.nextEntry())
        session.submit(entry: 3)
        session.submit(entry: 5)
        XCTAssertFalse(session.isDone)
        XCTAssertEqual(session.nextEntry(), 3)
        session.holdForTransfers()
        XCTAssertTrue(session.isBusy)
        session.submit(entry: 7)
        XCTAssertNil(session.nextEntry(), "held by a chain of transfers")
        XCTAssertNil(session.release(), "a chain ends its own statement")
        XCTAssertEqual(session.nextEntry(), 5)
        XCTAssertEqual(session.nextEntry(), 7)
        XCTAssertNil(session.nextEntry())
        XCTAssertTrue(session.isDone)
    }

    /// A metadata sync's statement (with the error it ends with) and citus_rebalance_wait()
    /// are returned by the release that ends them; only the latter waits for jobs.
    func testReleaseReturnsTheHeldStatement() {
        var session = DBASession()
        session.submit(entry: 0)
        _ = session.nextEntry()
        session.hold(statement: 4, error: "ERROR:  out of memory")
        XCTAssertFalse(session.waitsForJobs)
        XCTAssertFalse(session.isDone, "a held statement has not ended")
        let held = session.release()
        XCTAssertEqual(held?.operation, 4)
        XCTAssertEqual(held?.error, "ERROR:  out of memory")
        XCTAssertTrue(session.isDone)
        session.holdUntilJobsEnd(operation: 9)
        XCTAssertTrue(session.waitsForJobs)
        let waited = session.release()
        XCTAssertEqual(waited?.operation, 9)
        XCTAssertNil(waited?.error)
        XCTAssertFalse(session.waitsForJobs)
        XCTAssertEqual(session.hold, .free)
    }
}
