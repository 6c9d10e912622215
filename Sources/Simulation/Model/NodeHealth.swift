import SimCore

/// Which nodes are up (timeline `node_fails` / `node_returns`, a standby's promotion), which
/// added coordinators have joined, and the queries parked on a failed worker.
///
/// A query that needs a failed worker fails at once, or waits for it with
/// `operations.wait_for_failed_nodes` (then it parks here and resumes when the worker is back).
/// Client sessions connect only to coordinators that have joined and are up. A coordinator
/// that holds shards is both a coordinator and worker 0: its failure marks both.
package struct NodeHealth {
    /// What a query that needs worker `w` meets.
    package enum Admission: Equatable {
        case proceeds
        /// It waits (parked here) until the worker is back.
        case parked
        /// It fails: the worker is down and queries do not wait.
        case fails
    }

    package private(set) var workerDown: PerWorker<Bool>
    package private(set) var coordinatorDown: [Bool]
    /// Coordinators that have joined: the first ones from the start, an added one once its
    /// metadata is synced.
    package private(set) var coordinatorJoined: [Bool]
    /// Per worker: queries waiting for it to come back, in order.
    private var parked: PerWorker<[RequestID]>
    /// `operations.wait_for_failed_nodes`.
    private let waitForFailedNodes: Bool

    /// `initialCoordinators` of the `coordinators` have joined at the start.
    package init(workers: Int, coordinators: Int, initialCoordinators: Int, waitForFailedNodes: Bool) {
        workerDown = PerWorker(repeating: false, count: workers)
        coordinatorDown = Array(repeating: false, count: coordinators)
        coordinatorJoined = (0..<coordinators).map { $0 < initialCoordinators }
        parked = PerWorker(repeating: [], count: workers)
        self.waitForFailedNodes = waitForFailedNodes
    }

    /// A query `request` needs worker `w` now.
    package mutating func admit(_ request: RequestID, worker w: WorkerIndex) -> Admission {
        guard workerDown[w] else { return .proceeds }
        guard waitForFailedNodes else { return .fails }
        parked[w].append(request)
        return .parked
    }

    /// Worker `w` failed.
    package mutating func workerFails(_ w: WorkerIndex) { workerDown[w] = true }

    /// Worker `w` is back: the queries parked on it, in the order they parked.
    package mutating func workerReturns(_ w: WorkerIndex) -> [RequestID] {
        workerDown[w] = false
        defer { parked[w] = [] }
        return parked[w]
    }

    /// Coordinator `c` failed, or is back.
    package mutating func setCoordinator(_ c: Int, down: Bool) { coordinatorDown[c] = down }

    /// Added coordinator `c` has the metadata.
    package mutating func coordinatorJoins(_ c: Int) { coordinatorJoined[c] = true }

    /// Coordinator `c` takes client sessions and runs its maintenance daemon: joined and up.
    package func isLive(coordinator c: Int) -> Bool { coordinatorJoined[c] && !coordinatorDown[c] }

    /// The coordinators that take client sessions, in index order.
    package var liveCoordinators: [UInt8] {
        coordinatorDown.indices.filter { isLive(coordinator: $0) }.map { UInt8($0) }
    }
}
