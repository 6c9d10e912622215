import ClusterModel
import Planner
import XCTest

/// SplitMix64: a tiny seeded generator for property loops (the failing seed is printed).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

final class PlannerPropertyTests: XCTestCase {
    /// A random cluster: 2-7 workers (some without shouldhaveshards), 1-4 colocation groups of
    /// 1-3 tables with 1-40 shards each, random placements and sizes.
    static func randomState(seed: UInt64) throws -> ClusterState {
        var rng = SeededGenerator(state: seed)
        var state = ClusterState()
        let workers = Int.random(in: 2...7, using: &rng)
        for w in 0..<workers { try state.addNode(name: "w\(w)", port: 5432) }
        for g in 0..<Int.random(in: 1...4, using: &rng) {
            let count = Int.random(in: 1...40, using: &rng)
            for t in 0..<Int.random(in: 1...3, using: &rng) {
                try state.createDistributedTable("g\(g)t\(t)", columnType: .bigint, shardCount: t == 0 ? count : nil,
                                                 colocateWith: t == 0 ? .none : .table("g\(g)t0"))
            }
        }
        // Scatter shard groups randomly, and give sizes.
        let nodes = state.shardNodes
        for t in state.tables where t.name.hasSuffix("t0") {
            for s in state.shards(of: t.name) {
                let from = state.placements(of: s.id)[0].node
                let to = nodes[Int.random(in: 0..<nodes.count, using: &rng)].id
                if to != from { state.moveShardGroup(of: s.id, from: from, to: to) }
            }
        }
        for t in state.tables { for s in state.shards(of: t.name) { state.setSize(of: s.id, bytes: Int64.random(in: 0...5_000_000_000, using: &rng)) } }
        for n in state.nodes where Int.random(in: 0..<4, using: &rng) == 0 {
            try state.setShouldHaveShards(name: n.name, port: n.port, false)
        }
        if state.shardNodes.isEmpty { try state.setShouldHaveShards(name: "w0", port: 5432, true) }
        return state
    }

    /// Every shard keeps its placement count on distinct nodes, and colocated shards share nodes.
    func assertConsistent(_ state: ClusterState, _ before: ClusterState, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        for t in before.tables {
            for s in before.shards(of: t.name) {
                let nodes = state.placements(of: s.id).map(\.node)
                XCTAssertEqual(nodes.count, before.placements(of: s.id).count, "seed \(seed): shard \(s.id) lost or gained a placement", file: file, line: line)
                XCTAssertEqual(Set(nodes).count, nodes.count, "seed \(seed): shard \(s.id) placed twice on a node", file: file, line: line)
                for c in state.colocatedShards(of: s.id) {
                    XCTAssertEqual(Set(state.placements(of: c.id).map(\.node)), Set(nodes), "seed \(seed): shard group of \(s.id) split across nodes", file: file, line: line)
                }
            }
        }
    }

    func testRandomLayoutsForManySeeds() throws {
        var totalMoves = 0, replans = 0
        defer {
            XCTAssertGreaterThan(totalMoves, 300, "the random layouts must exercise the planner")
            XCTAssertGreaterThan(replans, 40)
        }
        for seed in UInt64(1)...150 {
            let state = try Self.randomState(seed: seed)
            var rng = SeededGenerator(state: seed ^ 0xabcdef)
            let strategy: RebalanceStrategy = Bool.random(using: &rng) ? .byShardCount : .byDiskSize
            let plan = try RebalancePlanner(state: state, options: .init(strategy: strategy)).plan()
            var applied = state
            totalMoves += plan.moves.count
            for move in plan.moves {
                let target = state.node(move.target)!
                XCTAssertTrue(target.shouldHaveShards, "seed \(seed): moved shard \(move.anchor) to a node that should not have shards")
                XCTAssertFalse(applied.placements(of: move.anchor).contains { $0.node == move.target }, "seed \(seed): target already holds \(move.anchor)")
                XCTAssertTrue(applied.placements(of: move.anchor).contains { $0.node == move.source }, "seed \(seed): source does not hold \(move.anchor)")
                let rows = plan.rows.filter { $0.anchor == move.anchor && $0.target.id == move.target }
                XCTAssertEqual(rows.map(\.shardID), applied.colocatedShards(of: move.anchor).map(\.id), "seed \(seed): rows of a move are its shard group")
                applied.moveShardGroup(of: move.anchor, from: move.source, to: move.target)
            }
            assertConsistent(applied, state, seed: seed)
            // Nothing stays on a node without shouldhaveshards when a node with it exists.
            for p in applied.placements {
                XCTAssertTrue(applied.node(p.node)!.shouldHaveShards, "seed \(seed): shard \(p.shard) left on a drained node")
            }
            if strategy.name == "by_shard_count" {
                replans += 1
                let again = try RebalancePlanner(state: applied, options: .init(strategy: strategy)).plan()
                XCTAssertEqual(again.moves.count, 0, "seed \(seed): re-planning a balanced layout moved \(again.moves.map(\.anchor))")
            }
        }
    }

    func testDrainNeverTargetsTheDrainedNodeAndEmptiesIt() throws {
        for seed in UInt64(200)...260 {
            var state = try Self.randomState(seed: seed)
            guard state.shardNodes.count >= 2 else { continue }
            let drained = state.shardNodes[0]
            try state.setShouldHaveShards(name: drained.name, port: drained.port, false)
            let plan = try RebalancePlanner(state: state, options: .init(strategy: .byShardCount, drainOnly: true, drainNode: drained.id)).plan()
            var applied = state
            for m in plan.moves {
                XCTAssertEqual(m.source, drained.id, "seed \(seed): a drain moves only the drained node's shards")
                XCTAssertNotEqual(m.target, drained.id)
                applied.moveShardGroup(of: m.anchor, from: m.source, to: m.target)
            }
            XCTAssertFalse(applied.placements.contains { $0.node == drained.id }, "seed \(seed): drained node still holds shards")
            assertConsistent(applied, state, seed: seed)
        }
    }

    func testSplitsKeepTheHashSpaceCoveredForManySeeds() throws {
        for seed in UInt64(300)...340 {
            var state = try Self.randomState(seed: seed)
            var rng = SeededGenerator(state: seed)
            for _ in 0..<5 {
                let table = state.tables[Int.random(in: 0..<state.tables.count, using: &rng)]
                let tenant = Int64.random(in: -1_000_000...1_000_000, using: &rng)
                let plan = try SplitPlanner.isolateTenant(&state, table: table.name, value: .integer(tenant), cascade: true)
                state.apply(plan)
                let (shard, hash) = try state.shard(of: table.name, value: .integer(tenant))
                XCTAssertEqual(shard.range, HashRange(min: hash, max: hash), "seed \(seed): tenant \(tenant) not alone in its shard")
                XCTAssertEqual(shard.id, plan.returnedShard, "seed \(seed)")
            }
            for t in state.tables {
                XCTAssertNoThrow(try ShardIntervalIndex(ranges: state.shards(of: t.name).map { $0.range! }), "seed \(seed): \(t.name) ranges broken")
                let counts = state.tables(in: t.colocationID).map { state.shards(of: $0.name).count }
                XCTAssertEqual(Set(counts).count, 1, "seed \(seed): colocated tables diverged")
            }
        }
    }
}
