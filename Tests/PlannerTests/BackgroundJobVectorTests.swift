import ClusterModel
import Foundation
import Planner
import TestSupport
import XCTest

final class BackgroundJobVectorTests: XCTestCase {
    /// Builds one vector job's tasks. Colocation names in the vectors ('g1') map to ids in
    /// order of first appearance; nodes named by port map to NodeID(port).
    static func tasks(for job: [String: Any], referenceTablesFallback: [[String: Any]] = []) -> [BackgroundJobGraph.Task] {
        var colocations: [String] = []
        let moves = job.dicts("moves_in_plan_order").enumerated().map { i, m -> BackgroundJobGraph.Move in
            let c = "\(m["colocation"]!)"
            if !colocations.contains(c) { colocations.append(c) }
            return BackgroundJobGraph.Move(anchor: ShardID(m.int64("shardid") ?? Int64(-1 - i)), source: NodeID(Int32(m.int("source")!)),
                                           target: NodeID(Int32(m.int("target")!)), colocation: ColocationID(Int32(colocations.firstIndex(of: c)!)))
        }
        let params = job["params"] as! [String: Any]
        var reference: BackgroundJobGraph.ReferenceTableCopy?
        if (params["reference_tables_missing"] as? Bool) == true {
            reference = .init(nodes: [NodeID(0)], shards: [(ShardID(1), [])], source: NodeID(1))
        } else if let ports = params["reference_tables_missing_on_nodes"] as? [NSNumber] {
            let list = job["reference_tables"] == nil ? referenceTablesFallback : job.dicts("reference_tables")
            let shards = list.map { r in
                (ShardID(r.int64("shardid")!), (r["fk_related_transitive"] as! [NSNumber]).map { ShardID($0.int64Value) })
            }
            reference = .init(nodes: ports.map { NodeID(Int32($0.intValue)) }, shards: shards, source: NodeID(1))
        }
        let options = BackgroundJobGraph.Options(
            parallelTransferReferenceTables: params["parallel_transfer_reference_tables"] as! Bool,
            parallelTransferColocatedShards: params["parallel_transfer_colocated_shards"] as! Bool,
            transferMode: params.string("shard_transfer_mode") ?? "auto")
        return BackgroundJobGraph.build(moves: moves, firstTaskID: job.int64("first_task_id")!, referenceTables: reference, options: options)
    }

    func testAllJobGraphs() throws {
        let jobs = try Fixtures.json("vectors/background_task_dependencies.json").dicts("jobs")
        XCTAssertEqual(jobs.count, 6)
        // The second parallel job lists no reference tables: they are the same three
        // (customers, orders, order_items) as the first job of the same regress file.
        let fallback = jobs.first { $0["reference_tables"] != nil }!.dicts("reference_tables")
        for job in jobs {
            let name = job.string("job")!
            let tasks = Self.tasks(for: job, referenceTablesFallback: fallback)
            let got = tasks.map { t -> String in
                switch t.kind {
                case .replicateReferenceTables: return "\(t.id) replicate_reference_tables"
                case .copyReferenceShard(let s): return "\(t.id) copy_ref_shard \(s) \(t.target!)"
                case .createReferenceRelationships: return "\(t.id) create_ref_relationships \(t.target!)"
                case .move(let s, _): return "\(t.id) move" + (s.rawValue > 0 ? " \(s)" : "")
                }
            }
            let expected = job.dicts("expected_task_list").map { e -> String in
                var s = "\(e.int64("task_id")!) \(e.string("kind")!)"
                if let shard = e.int64("shardid") { s += " \(shard)" }
                if let target = e.int("target") { s += " \(target)" }
                return s
            }
            XCTAssertEqual(got, expected, name)
            let edges = tasks.flatMap { t in t.dependsOn.map { [t.id, $0] } }.sorted { $0.lexicographicallyPrecedes($1) }
            let expectedEdges = (job["expected_dependencies_task_dependson"] as! [[NSNumber]]).map { $0.map(\.int64Value) }.sorted { $0.lexicographicallyPrecedes($1) }
            XCTAssertEqual(edges, expectedEdges, name)
        }
    }

    /// Job 17779: every task involves node 50; the global executor limit is 1 (13.2 default).
    func testSchedulerSnapshotsOfJob17779() throws {
        let job = try Fixtures.json("vectors/background_task_dependencies.json").dicts("jobs").first { $0.string("job") == "17779" }!
        var queue = BackgroundTaskQueue(tasks: Self.tasks(for: job))
        let snapshots = job.dicts("scheduler_observations")
        func snapshot() -> [String: String] {
            Dictionary(uniqueKeysWithValues: queue.tasks.map { ("\($0.id)", queue.status(of: $0.id).rawValue) })
        }
        func step(perNode: Int) {
            for id in queue.startable(now: 0, maxExecutors: 1, maxPerNode: perNode) { queue.start(id) }
        }
        step(perNode: 1)
        XCTAssertEqual(snapshot(), snapshots[0]["snapshot"] as! [String: String])
        // Raised to 2 per node; the test waits for 1014 and then 1015 to run.
        queue.finish(1013); step(perNode: 2)
        XCTAssertEqual(queue.status(of: 1014), .running)
        queue.finish(1014); step(perNode: 2)
        XCTAssertEqual(snapshot(), snapshots[1]["snapshot"] as! [String: String])
        // Back to 1 per node.
        queue.finish(1015); step(perNode: 1)
        XCTAssertEqual(snapshot(), snapshots[2]["snapshot"] as! [String: String])
        // With 4 executors (the pre-13.2 default) and 2 per node, two tasks involving node 50 run together.
        var parallel = BackgroundTaskQueue(tasks: Self.tasks(for: job))
        XCTAssertEqual(parallel.startable(now: 0, maxExecutors: 4, maxPerNode: 2), [1013, 1015])
        parallel.start(1013)
        XCTAssertEqual(parallel.startable(now: 0, maxExecutors: 4, maxPerNode: 1), [])
    }

    func testRetryBackoffAndUnscheduling() throws {
        let moves = [BackgroundJobGraph.Move(anchor: ShardID(1), source: NodeID(1), target: NodeID(2), colocation: ColocationID(1)),
                     BackgroundJobGraph.Move(anchor: ShardID(2), source: NodeID(1), target: NodeID(3), colocation: ColocationID(1))]
        var queue = BackgroundTaskQueue(tasks: BackgroundJobGraph.build(moves: moves, firstTaskID: 1, referenceTables: nil, options: .init()))
        XCTAssertEqual(queue.status(of: 2), .blocked, "same colocation group: chained")
        var delays: [Int] = []
        var now: Int64 = 0
        while true {
            let ready = queue.startable(now: now, maxExecutors: 1, maxPerNode: 1)
            XCTAssertEqual(ready, [1])
            queue.start(1)
            guard let d = queue.fail(1, now: now) else { break }
            delays.append(d)
            XCTAssertEqual(queue.startable(now: now + Int64(d) * 1_000_000 - 1, maxExecutors: 1, maxPerNode: 1), [], "not before the back-off")
            now += Int64(d) * 1_000_000
        }
        XCTAssertEqual(delays.count, 32)
        XCTAssertEqual(Array(delays.prefix(3)), [5, 20, 60])
        XCTAssertEqual(Set(delays.dropFirst(2)), [60])
        XCTAssertEqual(queue.status(of: 1), .error)
        XCTAssertEqual(queue.status(of: 2), .unscheduled)
        XCTAssertTrue(queue.isFinished)
    }
}
