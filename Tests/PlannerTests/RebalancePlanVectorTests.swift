import ClusterModel
import Foundation
import Planner
import TestSupport
import XCTest

/// get_rebalance_table_shards_plan cases, with the cluster state reconstructed from the
/// surrounding regress steps (vectors/rebalance_plan_cases.json).
final class RebalancePlanVectorTests: XCTestCase {
    /// Builds metadata for a plan case: nodes, one colocation group per listed group (or per
    /// shard group when the vector says they were separate single-shard groups), placement
    /// ids in listing order. by_disk_size costs become anchor-shard sizes with base cost 0.
    static func state(for c: [String: Any]) -> ClusterState {
        var state = ClusterState()
        state.settings.rebalancerByDiskSizeBaseCost = 0
        for n in c.dicts("nodes") {
            let id = Int32(n.int("nodeid") ?? n.int("nodeid_order")!)
            let coordinator = (n["is_coordinator"] as? Bool) == true
            var node = Node(id: NodeID(id), groupID: GroupID(coordinator ? 0 : id + 1000), name: n.string("name")!, port: n.int("port")!,
                            shouldHaveShards: n["shouldhaveshards"] as! Bool)
            node.isActive = true
            state.loadNode(node)
        }
        var colocation: Int32 = 1
        var placementID: Int64 = 1
        for g in c.dicts("colocation_groups") {
            let separate = (g["merged_into_unbalanced_group"] as? Bool) == true
            let groupTables = g["tables"] as! [String]
            var loaded: Set<String> = []
            for sg in g.dicts("shard_groups") {
                let tables = (sg["tables"] as? [String]) ?? groupTables
                if separate || loaded.isEmpty {
                    for t in tables where !loaded.contains(t) {
                        state.loadTable(DistributedTable(name: t, kind: .hashDistributed(.integer), colocationID: ColocationID(colocation)),
                                        group: ColocationGroup(id: ColocationID(colocation), shardCount: 0, replicationFactor: 1, columnType: .integer))
                        loaded.insert(t)
                    }
                    if separate { colocation += 1 }
                }
                let node = state.node(name: "localhost", port: sg.int("placement")!)!
                for (i, shard) in (sg["colocated_shards"] as! [NSNumber]).enumerated() {
                    let id = ShardID(shard.int64Value)
                    state.insertShard(Shard(id: id, table: tables[i], range: nil, sizeBytes: i == 0 ? sg.int64("cost")! : 0))
                    state.insertPlacement(Placement(id: PlacementID(placementID), shard: id, node: node.id))
                    placementID += 1
                }
            }
            if !separate { colocation += 1 }
        }
        return state
    }

    static func strategy(for c: [String: Any]) -> RebalanceStrategy {
        let key = c.string("strategy_key") ?? c.string("strategy")!
        switch key {
        case "by_shard_count": return .byShardCount
        case "by_disk_size": return .byDiskSize
        case "capacity_high_worker_2":
            return RebalanceStrategy(name: key, cost: .one, capacity: { $0.port == 57638 ? 1000 : 1 }, defaultThreshold: 0)
        case "only_worker_1":
            return RebalanceStrategy(name: key, cost: .one, allowed: { _, n in n.port == 57637 }, defaultThreshold: 0)
        case "test_source_then_target":
            return RebalanceStrategy(name: key, cost: .one, allowed: { s, n in s.rawValue == 85_674_054 ? n.id.rawValue == 61 : n.id.rawValue != 61 }, defaultThreshold: 0)
        default:
            XCTFail("unknown strategy \(key)")
            return .byShardCount
        }
    }

    func testAllPlanCases() throws {
        let file = try Fixtures.json("vectors/rebalance_plan_cases.json")
        let cases = file.dicts("cases")
        XCTAssertEqual(cases.count, 19)
        for c in cases {
            let id = c.string("id")!
            let state = Self.state(for: c)
            let call = c.string("call")!
            let relation = call.hasPrefix("get_rebalance_table_shards_plan('") ? String(call.dropFirst(33).prefix { $0 != "'" }) : nil
            let options = RebalancePlanner.Options(
                relation: relation, strategy: Self.strategy(for: c),
                threshold: (c["threshold"] as? NSNumber).map { Float($0.doubleValue) },
                improvementThreshold: (c["improvement_threshold"] as? NSNumber).map { Float($0.doubleValue) },
                drainOnly: c["drain_only"] as! Bool)
            let plan = try RebalancePlanner(state: state, options: options).plan()
            var got = plan.rows.map { "\($0.tableName) \($0.shardID) \($0.source.port)->\($0.target.port)" }
            var expected = c.dicts("expected_rows").map { "\($0.string("table")!) \($0.int64("shardid")!) \($0.int("sourceport")!)->\($0.int("targetport")!)" }
            if !(c["ordered"] as! Bool) {
                let byShard: (String, String) -> Bool = { $0.split(separator: " ")[1] < $1.split(separator: " ")[1] }
                got.sort(by: byShard)
                expected.sort(by: byShard)
            }
            XCTAssertEqual(got, expected, id)
            // The plan vectors list NOTICE/WARNING/DETAIL lines but not the trailing HINT; its exact
            // text is checked by the unit-case vectors, so HINT lines are left out here.
            if let messages = c["expected_messages"] as? [String] {
                XCTAssertEqual(plan.messages.map { normalizeRegress($0.description) }.filter { !$0.hasPrefix("HINT") }, messages, id)
            }
        }
    }
}
