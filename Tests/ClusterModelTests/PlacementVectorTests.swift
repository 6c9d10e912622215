import ClusterModel
import TestSupport
import XCTest

final class PlacementVectorTests: XCTestCase {
    func testInitialRoundRobinPlacementExamples() throws {
        let v = try Fixtures.json("vectors/shard_ranges_and_placement.json")
        let examples = v.dicts("initial_placements")
        XCTAssertEqual(examples.count, 4)
        for e in examples {
            var state = ClusterState()
            for w in e["workers_sorted"] as! [String] {
                let parts = w.split(separator: ":")
                try state.addNode(name: String(parts[0]), port: Int(parts[1])!)
            }
            state.settings.shardReplicationFactor = e.int("replication_factor")!
            let shards = e.dicts("shards")
            state.shardIDSequence = shards[0].int64("shardid")!
            try state.createDistributedTable("t", columnType: .integer, shardCount: e.int("shard_count")!)
            let got = state.shards(of: "t").map { s in [s.id.rawValue] + state.placements(of: s.id).map { Int64(state.node($0.node)!.port) }.sorted() }
            let expected = shards.map { [$0.int64("shardid")!] + ($0["nodes"] as! [NSNumber]).map(\.int64Value) }
            XCTAssertEqual(got, expected, e.string("note") ?? "")
        }
    }

    /// The tenant -> shard map of a real Citus 13.2.2 cluster with two workers: every
    /// shard's range and node, and get_shard_id_for_distribution_column for 2000 bigint and
    /// 200 text tenants in 4-, 32- and 7-shard tables.
    func testRealClusterTenantMapMatches() throws {
        let m = try Fixtures.json("measured/placement_2workers.json")
        let tables = m["tables"] as! [String: Any]
        var state = ClusterState()
        try state.addNode(name: "127.0.0.1", port: 9701)
        try state.addNode(name: "127.0.0.1", port: 9702)
        // Tables were created in this order (shard ids are consecutive across them).
        let order = tables.keys.sorted { a, b in
            ((tables[a] as! [String: Any]).dicts("shards")[0].int64("shardid")!) < ((tables[b] as! [String: Any]).dicts("shards")[0].int64("shardid")!)
        }
        XCTAssertEqual(order.count, 6)
        for name in order {
            let t = tables[name] as! [String: Any]
            let real = t.dicts("shards")
            state.shardIDSequence = real[0].int64("shardid")!
            let type = DistributionColumnType(sqlName: t.string("distribution_column_type")!)!
            try state.createDistributedTable(name, columnType: type, shardCount: t.int("shard_count")!)
            let got = state.shards(of: name).map { s in
                [s.id.rawValue, Int64(s.range!.min), Int64(s.range!.max), Int64(state.node(state.placements(of: s.id)[0].node)!.port)]
            }
            XCTAssertEqual(got, real.map { [$0.int64("shardid")!, $0.int64("shardminvalue")!, $0.int64("shardmaxvalue")!, $0.int64("nodeport")!] }, name)
        }
        var checked = 0
        for (key, type) in [("bigint_tenant_map", DistributionColumnType.bigint), ("text_tenant_map", .text)] {
            let map = m[key] as! [String: Any]
            let columns = map["columns"] as! [String]
            for row in map["rows"] as! [[Any]] {
                let value: DistributionValue = type == .bigint ? .integer((row[0] as! NSNumber).int64Value) : .text(row[0] as! String)
                XCTAssertEqual(Int64(value.hash(as: type)), (row[1] as! NSNumber).int64Value, "\(row[0])")
                for c in 2..<columns.count {
                    let (shard, _) = try state.shard(of: columns[c], value: value)
                    XCTAssertEqual(shard.id.rawValue, (row[c] as! NSNumber).int64Value, "\(row[0]) in \(columns[c])")
                }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 2_200)
    }

    /// The bulk path for schema-based tenants makes exactly the metadata that CREATE SCHEMA
    /// (with schema-based sharding on) then one CREATE TABLE per table makes.
    func testSchemaTablesInBulkMatchOneByOne() throws {
        var bulk = ClusterState()
        try bulk.addNode(name: "coordinator", port: 5432, groupID: 0)
        for n in ["b-node", "a-node", "c-node"] { try bulk.addNode(name: n, port: 5432) }
        try bulk.createReferenceTable("plans")
        try bulk.createDistributedTable("events", columnType: .bigint, shardCount: 4)
        var single = bulk
        let schemas = (1...10).map { "tenant_\($0)" }
        try bulk.createSchemaTables(schemas: schemas, tables: [("orders", true), ("items", false)])
        for s in schemas {
            XCTAssertTrue(single.createTenantSchema(s))
            let schema = try XCTUnwrap(single.tenantSchema(named: s))
            try single.createTenantTable("\(s).orders", in: schema, hasReplicaIdentity: true)
            try single.createTenantTable("\(s).items", in: schema, hasReplicaIdentity: false)
        }
        XCTAssertEqual(bulk, single)
        XCTAssertEqual(Set(schemas.compactMap { bulk.shards(of: "\($0).orders").first.flatMap { bulk.placements(of: $0.id).first?.node } }).count, 3, "schemas spread over the three workers")
        XCTAssertThrowsError(try bulk.createSchemaTables(schemas: ["tenant_1"], tables: [("orders", true)]))
    }

    func testColocationReuseRules() throws {
        var state = ClusterState()
        try state.addNode(name: "w2", port: 5432)
        try state.addNode(name: "w1", port: 5432)
        try state.addNode(name: "coordinator", port: 5432, groupID: 0)
        try state.createDistributedTable("a", columnType: .bigint)
        try state.createDistributedTable("b", columnType: .bigint)
        try state.createDistributedTable("c", columnType: .integer)
        try state.createDistributedTable("d", columnType: .bigint, colocateWith: .none)
        try state.createDistributedTable("e", columnType: .bigint, shardCount: 8)
        try state.createReferenceTable("r")
        XCTAssertEqual(state.table("a")!.colocationID, state.table("b")!.colocationID, "same count, RF and type: reused")
        XCTAssertNotEqual(state.table("a")!.colocationID, state.table("c")!.colocationID, "other type: new group")
        XCTAssertNotEqual(state.table("a")!.colocationID, state.table("d")!.colocationID, "colocate_with none")
        XCTAssertEqual(state.shards(of: "e").count, 8)
        // Round robin over (name, port)-sorted workers with shouldhaveshards: w1 first; never the coordinator.
        XCTAssertEqual(state.placements(of: state.shards(of: "a")[0].id).map { state.node($0.node)!.name }, ["w1"])
        XCTAssertEqual(state.placements(of: state.shards(of: "a")[1].id).map { state.node($0.node)!.name }, ["w2"])
        // Colocated table: same node per index; shard group = same index in both tables.
        XCTAssertEqual(state.colocatedShards(of: state.shards(of: "a")[5].id).map(\.id), [state.shards(of: "a")[5].id, state.shards(of: "b")[5].id])
        XCTAssertEqual(state.placements(of: state.shards(of: "r")[0].id).count, 3, "reference tables go to every node, coordinator included")
        XCTAssertEqual(state.shards(of: "a")[0].id, ShardID(102_008), "first shard id of a fresh cluster")
        XCTAssertThrowsError(try state.createDistributedTable("f", columnType: .bigint, colocateWith: .table("c")))
        XCTAssertThrowsError(try state.createDistributedTable("a", columnType: .bigint)) { XCTAssertEqual("\($0)", "ERROR:  table \"a\" is already distributed") }
        state.settings.shardReplicationFactor = 3
        XCTAssertThrowsError(try state.createDistributedTable("g", columnType: .text))
    }
}
