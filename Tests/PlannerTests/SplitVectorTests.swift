import ClusterModel
import Foundation
import Planner
import TestSupport
import XCTest

final class SplitVectorTests: XCTestCase {
    func rows(_ state: ClusterState, _ tables: [String]) -> [[String]] {
        tables.flatMap { t in state.shards(of: t).map { s in
            [t, "\(s.id)", "\(s.range!.min)", "\(s.range!.max)", "\(state.node(state.placements(of: s.id)[0].node)!.port)"]
        } }
    }

    /// multi_tenant_isolation.out: eight isolations, two of them rolled back (their shard ids stay consumed).
    func testTenantIsolationSequence() throws {
        let c = try Fixtures.json("vectors/tenant_isolation_and_split_cases.json").dicts("cases")[0]
        let setup = c["setup"] as! [String: Any]
        var state = ClusterState()
        try state.addNode(name: "localhost", port: 57637)
        state.settings.shardCount = setup.int("shard_count")!
        state.shardIDSequence = 1_230_000
        try state.createDistributedTable("lineitem_streaming", columnType: .bigint)
        try state.createDistributedTable("orders_streaming", columnType: .bigint)
        XCTAssertEqual(rows(state, ["lineitem_streaming", "orders_streaming"]).map { Array($0.prefix(4)) },
                       (setup["initial_shards"] as! [[Any]]).map { $0.map { "\($0)" } })
        XCTAssertEqual(state.shardIDSequence, setup.int64("next_shard_id"))

        XCTAssertThrowsError(try SplitPlanner.isolateTenant(&state, table: "lineitem_streaming", value: .integer(100), cascade: false)) {
            XCTAssertEqual("\($0)", "ERROR:  cannot isolate tenant because \"lineitem_streaming\" has colocated tables")
        }
        for step in c.dicts("steps") {
            let table = step.string("call")!.split(separator: "'")[1]
            let value = step.int64("value")!
            var plan = try SplitPlanner.isolateTenant(&state, table: String(table), value: .integer(value), cascade: true)
            XCTAssertEqual(plan.splitPoints.map(Int64.init), (step["split_points"] as! [NSNumber]).map(\.int64Value), step.string("call")!)
            XCTAssertEqual(plan.returnedShard?.rawValue, step.int64("expected_return"), step.string("call")!)
            XCTAssertEqual(Int64(DistributionValue.integer(value).hash(as: .bigint)), step.int64("hash_int8"))
            if step["transaction_committed"] as! Bool { state.apply(plan) } else { plan.returnedShard = nil }
        }
        let final = state.shards(of: "lineitem_streaming").map { ("lineitem_streaming", $0) } + state.shards(of: "orders_streaming").map { ("orders_streaming", $0) }
        let got = final.sorted { ($0.1.range!.min, $0.0) < ($1.1.range!.min, $1.0) }.map { ["\($0.0)", "\($0.1.id)", "\($0.1.range!.min)", "\($0.1.range!.max)"] }
        XCTAssertEqual(got, (c["expected_final_shards_ordered_by_min_then_table"] as! [[Any]]).map { $0.map { "\($0)" } })
        XCTAssertThrowsError(try SplitPlanner.isolateTenant(&state, table: "orders_streaming", value: .integer(100), cascade: true)) {
            XCTAssertEqual("\($0)", "ERROR:  table orders_streaming has already been isolated for the given value")
        }
    }

    /// citus_split_shard_by_split_points.out: 2- and 3-way splits, a move, and a re-split.
    func testSplitByPointsSequence() throws {
        let c = try Fixtures.json("vectors/tenant_isolation_and_split_cases.json").dicts("cases")[1]
        var state = ClusterState()
        let w1 = try state.addNode(name: "localhost", port: 57637), w2 = try state.addNode(name: "localhost", port: 57638)
        state.settings.shardCount = 2
        state.shardIDSequence = 8_981_000
        try state.createDistributedTable("sensors", columnType: .bigint)
        try state.createReferenceTable("reference_table")  // takes 8981002
        try state.createDistributedTable("colocated_dist_table", columnType: .bigint, colocateWith: .table("sensors"))
        try state.createDistributedTable("table_with_index_rep_identity", columnType: .bigint, colocateWith: .table("sensors"))
        let tables = ["sensors", "colocated_dist_table", "table_with_index_rep_identity"]
        let setup = c["setup"] as! [String: Any]
        XCTAssertEqual(rows(state, tables), (setup["initial_shards"] as! [[Any]]).map { $0.map { "\($0)" } })
        XCTAssertEqual(state.shardIDSequence, setup.int64("next_shard_id"))

        let steps = c.dicts("steps")
        XCTAssertTrue(steps[0].string("call")!.hasPrefix("citus_split_shard_by_split_points(8981000, ARRAY['-1073741824'], ARRAY[w1, w2]"))
        state.apply(try SplitPlanner.splitByPoints(&state, shard: ShardID(8_981_000), points: [-1_073_741_824], nodes: [w1, w2]))
        XCTAssertTrue(steps[1].string("call")!.hasPrefix("citus_split_shard_by_split_points(8981001, ARRAY['536870911','1610612735'], ARRAY[w1, w1, w2]"))
        state.apply(try SplitPlanner.splitByPoints(&state, shard: ShardID(8_981_001), points: [536_870_911, 1_610_612_735], nodes: [w1, w1, w2]))
        XCTAssertTrue(steps[2].string("call")!.hasPrefix("citus_move_shard_placement(8981007, w1 -> w2"))
        state.moveShardGroup(of: ShardID(8_981_007), from: w1, to: w2)
        XCTAssertEqual(rows(state, tables), (steps[2]["expected_shards_after"] as! [[Any]]).map { $0.map { "\($0)" } })
        XCTAssertTrue(steps[3].string("call")!.hasPrefix("SET citus.next_shard_id TO 8981031; citus_split_shard_by_split_points(8981007, ARRAY['-2100000000'], ARRAY[w1, w2]"))
        state.settings.nextShardID = 8_981_031
        state.apply(try SplitPlanner.splitByPoints(&state, shard: ShardID(8_981_007), points: [-2_100_000_000], nodes: [w1, w2]))
        XCTAssertEqual(rows(state, tables), (steps[3]["expected_shards_after"] as! [[Any]]).map { $0.map { "\($0)" } })
    }

    func testSplitPointValidation() throws {
        var state = ClusterState()
        let w1 = try state.addNode(name: "a", port: 1)
        state.settings.shardCount = 2
        try state.createDistributedTable("t", columnType: .integer)
        let s = state.shards(of: "t")[0].id  // [-2147483648, -1]
        XCTAssertThrowsError(try SplitPlanner.splitByPoints(&state, shard: s, points: [-1], nodes: [w1, w1])) {
            XCTAssertEqual("\($0)", "ERROR:  Invalid split point -1, as split points should be inclusive. Please use -2 instead.")
        }
        XCTAssertThrowsError(try SplitPlanner.splitByPoints(&state, shard: s, points: [5], nodes: [w1, w1]))
        XCTAssertThrowsError(try SplitPlanner.splitByPoints(&state, shard: s, points: [-10, -20], nodes: [w1, w1, w1]))
        XCTAssertThrowsError(try SplitPlanner.splitByPoints(&state, shard: s, points: [-10], nodes: [w1]))
        XCTAssertThrowsError(try SplitPlanner.splitByPoints(&state, shard: ShardID(1), points: [-10], nodes: [w1, w1]))
    }

    /// multi_add_node_from_backup.out: get_snapshot_based_node_split_plan and the placements
    /// after citus_promote_clone_and_rebalance.
    func testSnapshotCloneSplitPlan() throws {
        let v = try Fixtures.json("vectors/snapshot_split_plan.json")
        var state = ClusterState()
        let primary = try state.addNode(name: "localhost", port: 57637)
        try state.addNode(name: "localhost", port: 57638)
        state.settings.shardCount = 4
        try state.createDistributedTable("backup_test", columnType: .integer)
        for g in 1...3 {
            try state.createDistributedTable("table1_colg\(g)", columnType: .integer, colocateWith: .none)
            try state.createDistributedTable("table2_colg\(g)", columnType: .integer, colocateWith: .table("table1_colg\(g)"))
        }
        for r in ["ref1", "ref2", "ref3"] { try state.createReferenceTable(r) }
        // Equal group costs: 16 kB per shard group (+ the 100 MiB base cost).
        for t in state.tables { for s in state.shards(of: t.name) { state.setSize(of: s.id, bytes: t.name == "backup_test" ? 16_384 : 8_192) } }
        let plan = CloneSplitPlanner.plan(state: state, primary: primary, strategy: .byDiskSize)
        XCTAssertEqual(plan.map { ["\($0.shardID)", $0.side.rawValue] }, (v["expected_rows_in_order"] as! [[Any]]).map { $0.map { "\($0)" } })
        let clone = try state.promoteClone(name: "localhost", port: 9071, primary: primary, plan: plan)
        let after = v["expected_after_promotion"] as! [String: Any]
        func held(_ n: NodeID) -> [Int64] {
            state.tables.flatMap { state.shards(of: $0.name) }.filter { s in state.placements(of: s.id).contains { $0.node == n } }.map(\.id.rawValue).sorted()
        }
        XCTAssertEqual(held(primary), (after["57637 keeps"] as! [NSNumber]).map(\.int64Value))
        XCTAssertEqual(held(clone), (after["clone 9071 gets"] as! [NSNumber]).map(\.int64Value))
    }
}
