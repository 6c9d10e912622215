import ClusterModel
import Simulation
import XCTest

/// Where shards and tenants live during a run (`PlacementIndex`), on an index alone: two
/// colocated tables and a reference table, 4 shards each over 2 workers, 6 tenants.
final class PlacementIndexTests: XCTestCase {
    private func index() -> PlacementIndex {
        // Table 0 and 1: shards 0, 2 on worker 0; 1, 3 on worker 1. Tenant r is on shard r mod 4.
        let tenantShard: [[ShardIndex]] = [[0, 1, 2, 3, 0, 1], [0, 1, 2, 3, 0, 1], []]
        let shardWorker: [[WorkerIndex]] = [[0, 1, 0, 1], [0, 1, 0, 1], []]
        var p = PlacementIndex(tenants: 6, workers: 2, tenantShard: tenantShard, shardWorker: shardWorker)
        p.regroup(colocation: [ColocationID(7), ColocationID(7), nil])
        p.identify((0..<8).map { Optional(ShardID(Int64(102_008 + $0))) })
        return p
    }

    /// Flat numbering, tenant → shard → worker, and the colocated tables sharing group ids.
    func testTenantsShardsWorkersAndGroups() {
        let p = index()
        XCTAssertEqual(p.offset, [0, 4, 8])
        XCTAssertEqual(p.shardCount(ofTable: 1), 4)
        XCTAssertEqual(p.shardCount(ofTable: 2), 0)
        XCTAssertEqual(p.shard(table: 1, tenant: 5), 1)
        XCTAssertEqual(p.worker(table: 1, shard: p.shard(table: 1, tenant: 5)), 1)
        XCTAssertEqual(p.hasTenants, [true, true, false])
        XCTAssertEqual(p.groupCount, 4)
        XCTAssertEqual(p.group, [0, 1, 2, 3, 0, 1, 2, 3])
        XCTAssertEqual(p.flat(of: ShardID(102_013)), 5)
        XCTAssertEqual(p.flat(of: ShardID(1)), -1)
        XCTAssertEqual(p.groups(onWorker: 1).map(\.group), [1, 3])
        XCTAssertEqual(p.groups(onWorker: 1).map(\.flat), [1, 3])
    }

    /// Tables of different colocation groups get groups of their own.
    func testTablesOfDifferentColocationGroupsDoNotShareGroups() {
        var p = index()
        p.regroup(colocation: [ColocationID(7), ColocationID(8), nil])
        XCTAssertEqual(p.groupCount, 8)
        XCTAssertEqual(p.group, [0, 1, 2, 3, 4, 5, 6, 7])
    }

    /// A committed move changes the worker of the moved shards only, and each worker's shard
    /// list (which fan-outs read) follows once refreshed.
    func testMoveUpdatesWorkersAndWorkerShardLists() {
        var p = index()
        XCTAssertEqual(p.shardCount(table: 0, worker: 0), 2)
        p.move([(table: 0, shard: 1), (table: 1, shard: 1)], to: 0)
        p.refreshWorkerShards()
        XCTAssertEqual(p.workers(ofTable: 0), [0, 0, 0, 1])
        XCTAssertEqual(p.workers(ofTable: 1), [0, 0, 0, 1])
        XCTAssertEqual(p.shardCount(table: 0, worker: 0), 3)
        XCTAssertEqual(p.shardCount(table: 0, worker: 1), 1)
        XCTAssertEqual((0..<3).map { p.shard(table: 1, worker: 0, index: $0) }, [0, 1, 2])
        XCTAssertEqual(p.groups(onWorker: 1).map(\.group), [3])
        XCTAssertEqual(p.shard(table: 0, tenant: 1), 1, "a move does not change which shard holds a tenant")
    }

    /// A new placement (a split) renumbers the shards; groups and ids are set again.
    func testPlaceReplacesTheWholePlacement() {
        var p = index()
        p.place(tenantShard: [[0, 1, 2, 3, 4, 1], [0, 1, 2, 3, 4, 1], []], shardWorker: [[0, 1, 0, 1, 0], [0, 1, 0, 1, 0], []])
        XCTAssertEqual(p.offset, [0, 5, 10])
        XCTAssertEqual(p.shard(table: 0, tenant: 4), 4)
        XCTAssertEqual(p.groupCount, 0)
        XCTAssertEqual(p.flat(of: ShardID(102_013)), -1)
        XCTAssertEqual(p.shardCount(table: 1, worker: 0), 3)
    }
}
