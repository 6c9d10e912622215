import Simulation
import XCTest

/// Which nodes are up, alone: 3 workers, 2 coordinators of which 1 is there from the start.
final class NodeHealthTests: XCTestCase {
    /// Without waiting, a query that needs a failed worker fails; other workers' go on.
    func testQueriesFailOnAFailedWorker() {
        var h = NodeHealth(workers: 3, coordinators: 2, initialCoordinators: 1, waitForFailedNodes: false)
        XCTAssertEqual(h.admit(RequestID(1), worker: 1), .proceeds)
        h.workerFails(1)
        XCTAssertEqual(h.admit(RequestID(2), worker: 1), .fails)
        XCTAssertEqual(h.admit(RequestID(3), worker: 2), .proceeds)
        XCTAssertTrue(h.workerReturns(1).isEmpty, "nothing parked")
        XCTAssertEqual(h.admit(RequestID(4), worker: 1), .proceeds)
    }

    /// With operations.wait_for_failed_nodes, queries park on the failed worker and come back
    /// in order when it returns, once.
    func testQueriesWaitForAFailedWorker() {
        var h = NodeHealth(workers: 3, coordinators: 1, initialCoordinators: 1, waitForFailedNodes: true)
        h.workerFails(0)
        XCTAssertEqual(h.admit(RequestID(7), worker: 0), .parked)
        XCTAssertEqual(h.admit(RequestID(5), worker: 0), .parked)
        XCTAssertEqual(h.workerReturns(0), [RequestID(7), RequestID(5)])
        XCTAssertFalse(h.workerDown[0])
        XCTAssertTrue(h.workerReturns(0).isEmpty, "taken once")
    }

    /// Client sessions go to coordinators that joined and are up.
    func testLiveCoordinators() {
        var h = NodeHealth(workers: 1, coordinators: 3, initialCoordinators: 1, waitForFailedNodes: false)
        XCTAssertEqual(h.liveCoordinators, [0])
        h.coordinatorJoins(2)
        XCTAssertEqual(h.liveCoordinators, [0, 2])
        h.setCoordinator(0, down: true)
        XCTAssertFalse(h.isLive(coordinator: 0))
        XCTAssertEqual(h.liveCoordinators, [2])
        h.setCoordinator(0, down: false)
        XCTAssertEqual(h.liveCoordinators, [0, 2])
    }
}
