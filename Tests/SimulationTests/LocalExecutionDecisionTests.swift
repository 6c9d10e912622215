import Simulation
import XCTest

/// Local execution's rules, alone (the runs are `ScenarioTests.LocalExecutionTests`): worker 0
/// is the first coordinator, which holds shards.
final class LocalExecutionDecisionTests: XCTestCase {
    private let on = LocalExecution(enabled: true, localWorker: 0)
    private let off = LocalExecution(enabled: false, localWorker: 0)

    /// Only the first coordinator's own shards are local; another coordinator reaches them
    /// over the network, and without shards on the coordinator nothing is local.
    func testWhatIsLocal() {
        XCTAssertTrue(on.isLocal(worker: 0, coordinator: 0))
        XCTAssertFalse(on.isLocal(worker: 1, coordinator: 0))
        XCTAssertFalse(on.isLocal(worker: 0, coordinator: 1))
        XCTAssertTrue(off.isLocal(worker: 0, coordinator: 0), "loopback either way: the setting decides in-process, not the network")
        XCTAssertFalse(LocalExecution(enabled: true, localWorker: WorkerIndex.none).isLocal(worker: 0, coordinator: 0))
    }

    /// A router task runs in-process only on a local shard with the setting on.
    func testRouter() {
        XCTAssertTrue(on.runsRouter(worker: 0, coordinator: 0))
        XCTAssertFalse(on.runsRouter(worker: 2, coordinator: 0))
        XCTAssertFalse(off.runsRouter(worker: 0, coordinator: 0))
    }

    /// Sequential writes run the local tasks first; parallel ones, insert_select_coordinator,
    /// a pool with no tasks or a remote one do not.
    func testSequentialWritesRunLocalTasksFirst() {
        XCTAssertTrue(on.runsFirst(worker: 0, coordinator: 0, tasks: 3, sequentialWrite: true, twoPhase: false))
        XCTAssertFalse(on.runsFirst(worker: 0, coordinator: 0, tasks: 3, sequentialWrite: false, twoPhase: false))
        XCTAssertFalse(on.runsFirst(worker: 0, coordinator: 0, tasks: 3, sequentialWrite: true, twoPhase: true))
        XCTAssertFalse(on.runsFirst(worker: 0, coordinator: 0, tasks: 0, sequentialWrite: true, twoPhase: false))
        XCTAssertFalse(on.runsFirst(worker: 1, coordinator: 0, tasks: 3, sequentialWrite: true, twoPhase: false))
        XCTAssertFalse(off.runsFirst(worker: 0, coordinator: 0, tasks: 3, sequentialWrite: true, twoPhase: false))
    }

    /// A local pool without connections fails over; a remote one (or with the setting off, or
    /// insert_select_coordinator) fails the query instead.
    func testFailover() {
        XCTAssertTrue(on.failsOver(worker: 0, coordinator: 0, twoPhase: false))
        XCTAssertFalse(on.failsOver(worker: 1, coordinator: 0, twoPhase: false))
        XCTAssertFalse(on.failsOver(worker: 0, coordinator: 0, twoPhase: true))
        XCTAssertFalse(off.failsOver(worker: 0, coordinator: 0, twoPhase: false))
    }

    /// A failed-over pool starts when only its own tasks remain; held remote pools start when
    /// the local tasks are done and the query is still unanswered.
    func testProgress() {
        XCTAssertEqual(LocalExecution.progress(state: .waiting, localLeft: 4, remaining: 5, remoteHeld: false, answered: false), .none)
        XCTAssertEqual(LocalExecution.progress(state: .waiting, localLeft: 4, remaining: 4, remoteHeld: false, answered: false), .startLocalPool)
        XCTAssertEqual(LocalExecution.progress(state: .running, localLeft: 1, remaining: 6, remoteHeld: true, answered: false), .none)
        XCTAssertEqual(LocalExecution.progress(state: .running, localLeft: 0, remaining: 6, remoteHeld: true, answered: false), .startRemotePools)
        XCTAssertEqual(LocalExecution.progress(state: .running, localLeft: 0, remaining: 6, remoteHeld: true, answered: true), .none)
        XCTAssertEqual(LocalExecution.progress(state: .running, localLeft: 0, remaining: 6, remoteHeld: false, answered: false), .none)
    }
}
