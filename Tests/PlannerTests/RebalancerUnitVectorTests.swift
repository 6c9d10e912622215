import Foundation
import Planner
import TestSupport
import XCTest

/// Citus regress output normalisation (src/test/regress/bin/normalize.sed) for messages.
func normalizeRegress(_ s: String) -> String {
    var out = s
    for (pattern, replacement) in [("shard [0-9]+", "shard xxxxx"), ("localhost:[0-9]+", "localhost:xxxxx"), ("improvement of 0\\.1[0-9]*", "improvement of 0.1xxxxx")] {
        out = out.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
    }
    return out
}

/// Builds the planner input the way `shard_placement_rebalance_array` does (harness_semantics).
struct UnitCase {
    var workers: [RebalanceAlgorithm.Worker] = []
    var disallowed: [Set<Int64>] = []
    var groups: [[RebalanceAlgorithm.Placement]] = []
    var placements: [(shard: Int64, worker: Int?, placementID: Int64)] = []

    init(_ c: [String: Any]) {
        var raw: [(w: RebalanceAlgorithm.Worker, disallowed: Set<Int64>)] = []
        for (i, w) in c.dicts("workers").enumerated() {
            let dis = Set((w.string("disallowed_shards") ?? "").split(separator: ",").compactMap { Int64($0.trimmingCharacters(in: .whitespaces)) })
            raw.append((RebalanceAlgorithm.Worker(name: w.string("node_name")!, port: w.int("node_port") ?? 5432, nodeID: Int32(i),
                                                  capacity: Float(w.int("capacity") ?? 1)), dis))
        }
        raw.sort { a, b in
            let an = Array(a.w.name.utf8), bn = Array(b.w.name.utf8)
            return an != bn ? an.lexicographicallyPrecedes(bn) : a.w.port < b.w.port
        }
        workers = raw.map(\.w)
        disallowed = raw.map(\.disallowed)
        var costOf: [Int64: Float] = [:]
        var current: [(RebalanceAlgorithm.Placement, Int64)] = []
        var rawGroups: [[(RebalanceAlgorithm.Placement, Int64)]] = []
        for (i, p) in c.dicts("placements").enumerated() {
            if (p["next_colocation"] as? Bool) == true, !current.isEmpty {
                rawGroups.append(current)
                current = []
            }
            let shard = p.int64("shardid") ?? Int64(i + 1)
            if costOf[shard] == nil { costOf[shard] = Float(p.int("cost") ?? 1) }
            let port = p.int("nodeport") ?? 5432
            let worker = workers.firstIndex { $0.name == p.string("nodename")! && $0.port == port }
            let pid = p.int64("placementid") ?? Int64(i + 1)
            placements.append((shard, worker, pid))
            if let worker { current.append((RebalanceAlgorithm.Placement(shard: shard, worker: worker, cost: costOf[shard]!), pid)) }
        }
        if !current.isEmpty { rawGroups.append(current) }
        var merged: [[RebalanceAlgorithm.Placement]] = []
        var small: [RebalanceAlgorithm.Placement] = []
        for g in rawGroups {
            let sorted = g.sorted { $0.1 < $1.1 }.map(\.0)
            if sorted.count < workers.count { small += sorted } else { merged.append(sorted) }
        }
        if !small.isEmpty { merged.append(small) }
        groups = merged
    }
}

final class RebalancerUnitVectorTests: XCTestCase {
    func testAllShardPlacementRebalanceArrayCases() throws {
        let file = try Fixtures.json("vectors/rebalancer_unit_cases.json")
        let cases = file.dicts("cases")
        XCTAssertEqual(cases.count, 44)
        for (n, c) in cases.enumerated() {
            let label = "case \(n) (\(c.string("source")!.split(separator: "/").last!):\(c.int("line")!))"
            let input = UnitCase(c)
            let args = c["args"] as! [String: Any]
            let gucs = c["gucs_in_effect"] as? [String: Any] ?? [:]
            let options = RebalanceAlgorithm.Options(
                threshold: Float((args["threshold"] as! NSNumber).doubleValue),
                improvementThreshold: Float((args["improvement_threshold"] as! NSNumber).doubleValue),
                maxShardMoves: args.int("max_shard_moves")!, drainOnly: args["drain_only"] as! Bool,
                maxLoggedIgnoredMoves: Int(gucs.string("citus.max_rebalancer_logged_ignored_moves") ?? "5")!)
            let dis = input.disallowed
            let algorithm = RebalanceAlgorithm(workers: input.workers, groups: input.groups, options: options) { shard, w in !dis[w].contains(shard) }
            let (updates, messages) = algorithm.plan()
            let got = updates.map { u -> [String: String] in
                let s = input.workers[u.source], t = input.workers[u.target]
                return ["updatetype": "\(u.kind.rawValue)", "shardid": "\(u.shard)", "source": "\(s.name):\(s.port)", "target": "\(t.name):\(t.port)"]
            }
            let expected = c.dicts("expected_moves").map { m -> [String: String] in
                ["updatetype": "\(m.int("updatetype")!)", "shardid": "\(m.int64("shardid")!)",
                 "source": "\(m.string("sourcename")!):\(m.int("sourceport")!)", "target": "\(m.string("targetname")!):\(m.int("targetport")!)"]
            }
            XCTAssertEqual(got, expected, label)
            XCTAssertEqual(messages.map { normalizeRegress($0.description) }, c["expected_messages"] as! [String], label)
            XCTAssertTrue(c["expected_error"] is NSNull, label)
        }
    }
}

final class ReplicationVectorTests: XCTestCase {
    func testAllShardPlacementReplicationArrayCases() throws {
        let file = try Fixtures.json("vectors/replication_unit_cases.json")
        let cases = file.dicts("cases")
        XCTAssertEqual(cases.count, 3)
        for c in cases {
            let input = UnitCase(c)
            let workers = input.workers.map { ReplicationPlanner.Worker(name: $0.name, port: $0.port) }
            let placements = input.placements.sorted { $0.placementID < $1.placementID }.map { ReplicationPlanner.Placement(shard: $0.shard, worker: $0.worker) }
            let rf = (c["args"] as! [String: Any]).int("shard_replication_factor")!
            do {
                let updates = try ReplicationPlanner.plan(workers: workers, placements: placements, replicationFactor: rf)
                XCTAssertTrue(c["expected_error"] is NSNull, "expected \(c["expected_error"]!)")
                let got = updates.map { "\($0.kind.rawValue) \($0.shard) \(workers[$0.source].name):\(workers[$0.source].port)->\(workers[$0.target].name):\(workers[$0.target].port)" }
                let expected = c.dicts("expected_moves").map { "\($0.int("updatetype")!) \($0.int64("shardid")!) \($0.string("sourcename")!):\($0.int("sourceport")!)->\($0.string("targetname")!):\($0.int("targetport")!)" }
                XCTAssertEqual(got, expected)
            } catch let error as CitusError {
                XCTAssertEqual(normalizeRegress(error.description), c.string("expected_error"))
            }
        }
    }
}
