import Simulation
import XCTest

/// The one naming rule for workers (`worker-1`... in 0-based index order) and its inverse.
final class WorkerNameTests: XCTestCase {
    func testWorkerNamesRoundTrip() {
        XCTAssertEqual(ClusterSpec.workerName(0), "worker-1")
        for i in [0, 1, 9, 41] { XCTAssertEqual(ClusterSpec.workerIndex(named: ClusterSpec.workerName(i)), i) }
        for other in ["worker-0", "worker-", "worker-x", "coordinator", "coordinator-2", "Worker-1"] {
            XCTAssertNil(ClusterSpec.workerIndex(named: other), other)
        }
        let node = NodeSpec(cores: 4, memoryBytes: 16e9, sharedBuffersBytes: 4e9, diskIOPS: 3_000, diskBytesPerSecond: 2e8,
                            diskLatency: .microseconds(100), nicBytesPerSecond: 1e9, maxConnections: 100)
        let spec = ClusterSpec(coordinator: node, worker: node, workerCount: 3, networkLatency: .microseconds(200))
        XCTAssertEqual(spec.workerNames, ["worker-1", "worker-2", "worker-3"])
    }
}
