import ClusterModel
import SQL
import Simulation
import XCTest

/// How the simulation numbers workers, coordinators and CPU nodes, and the workers' node ids.
final class NodeMapTests: XCTestCase {
    private let lookup = ScenarioBuilder.router(cpu: .constant(0.001))

    private func scenario(workers: Int, coordinatorHasShards: Bool = false, timeline sql: String = "") throws -> ClusterScenario {
        var s = try ScenarioBuilder.scenario(workers: workers, classes: [lookup], arrivals: .open(.constant(1), sessions: 1))
        s.cluster.coordinatorHasShards = coordinatorHasShards
        s.timeline = try SQLRunbookParser.parse(sql, file: "t.sql").map { TimelineEntry(at: .seconds(1), action: .sql($0, text: ""), line: $0.line, column: $0.column) }
        return s
    }

    /// Without shards on the coordinator, worker w is CPU node w + 1; with them, the coordinator
    /// is worker 0 and CPU node 0.
    func testNumbering() throws {
        let plain = NodeMap(try scenario(workers: 2))
        XCTAssertEqual(plain.workerNames, ["worker-1", "worker-2"])
        XCTAssertEqual([plain.node(ofWorker: 0), plain.node(ofWorker: 1)], [1, 2])
        XCTAssertEqual(plain.cpuNodes, 3)
        XCTAssertEqual(plain.coordinator(atNode: 0), 0)
        XCTAssertNil(plain.worker(atNode: 0))
        XCTAssertEqual(plain.worker(atNode: 2), 1)
        let shards = NodeMap(try scenario(workers: 2, coordinatorHasShards: true))
        XCTAssertEqual(shards.workerNames, ["coordinator", "worker-1", "worker-2"])
        XCTAssertEqual(shards.node(ofWorker: 0), 0)
        XCTAssertEqual(shards.worker(atNode: 0), 0)
        XCTAssertEqual(shards.localWorker, 0)
        XCTAssertEqual(shards.cpuNodes, 3)
    }

    /// The workers of the start keep the layout's node ids; each node citus_add_node creates
    /// takes the next spare worker, once; no spare is left for a third; other ids have none.
    func testNodeIDsFollowAttachedNodes() throws {
        var map = NodeMap(try scenario(workers: 2, timeline: "SELECT citus_add_node('worker-3', 5432);\nSELECT citus_add_node('worker-4', 5432);"))
        XCTAssertEqual(map.workers, 4)
        XCTAssertEqual(map.workerNames, ["worker-1", "worker-2", "worker-3", "worker-4"])
        map.trackNodeIDs(initial: [NodeID(2), NodeID(3)])
        XCTAssertEqual(map.worker(ofNode: NodeID(3)), 1)
        XCTAssertEqual(map.nodeID(ofWorker: 0), NodeID(2))
        XCTAssertNil(map.nodeID(ofWorker: 2))
        XCTAssertEqual(map.worker(ofNode: NodeID(1)), WorkerIndex.none, "the coordinator's id")
        XCTAssertEqual(map.attach(NodeID(9)), 2)
        XCTAssertNil(map.attach(NodeID(9)), "attached once")
        XCTAssertEqual(map.worker(ofNode: NodeID(9)), 2)
        XCTAssertEqual(map.nodeID(ofWorker: 2), NodeID(9))
        XCTAssertEqual(map.attach(NodeID(4)), 3)
        XCTAssertNil(map.attach(NodeID(5)), "no spare worker left")
        XCTAssertEqual(map.worker(ofNode: NodeID(5)), WorkerIndex.none)
        XCTAssertEqual(map.worker(ofNode: NodeID(1_000)), WorkerIndex.none)
    }
}
