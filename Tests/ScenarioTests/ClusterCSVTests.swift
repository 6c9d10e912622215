import ClusterModel
import Diagnostics
import Scenario
import XCTest

final class ClusterCSVTests: XCTestCase {
    let nodes = "nodeid,groupid,nodename,nodeport,shouldhaveshards\n1,0,coord,5432,f\n2,1,w1,5432,t\n3,2,w2,5432,t\n"

    func load(_ shards: String, nodes: String? = nil) throws -> ClusterState {
        var state = ClusterState()
        try ClusterCSV.loadNodes(try CSVTable.parse(nodes ?? self.nodes, file: "nodes.csv"), into: &state)
        try ClusterCSV.loadShards(try CSVTable.parse(shards, file: "shards.csv"), into: &state)
        return state
    }

    func message(_ shards: String, nodes: String? = nil) -> String {
        do {
            _ = try load(shards, nodes: nodes)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    let header = "table_name,shardid,citus_table_type,colocation_id,nodename,nodeport,shard_size,shardminvalue,shardmaxvalue\n"

    func testQuotedNamesRangesAndReferenceTables() throws {
        let state = try load(header + #"""
            "odd, ""name""",102008,distributed,1,w1,5432,100,-2147483648,-1
            "odd, ""name""",102009,distributed,1,w2,5432,200,0,2147483647
            ref,102010,reference,2,coord,5432,8,,
            ref,102010,reference,2,w1,5432,8,,
            ref,102010,reference,2,w2,5432,8,,

            """#)
        XCTAssertEqual(state.tables.map(\.name), ["odd, \"name\"", "ref"])
        XCTAssertEqual(state.shards(of: "odd, \"name\"").map(\.range), [HashRange(min: .min, max: -1), HashRange(min: 0, max: .max)])
        XCTAssertEqual(state.placements(of: ShardID(102_010)).count, 3)
        XCTAssertTrue(state.table("ref")!.isReference)
        XCTAssertEqual(state.shardIDSequence, 102_011)
    }

    func testMissingRangesGetTheUniformLayout() throws {
        let state = try load("table_name,shardid,colocation_id,nodename,nodeport,shard_size\nt,5,1,w1,5432,0\nt,6,1,w2,5432,0\nt,7,1,w1,5432,0\n")
        XCTAssertEqual(state.shards(of: "t").map(\.range), HashRange.uniform(shardCount: 3))
    }

    func testErrorsNameFileLineAndValue() {
        XCTAssertEqual(message(header + "t,1,distributed,1,w9,5432,0,-2147483648,2147483647\n"),
                       "shards.csv:2:5: error: shard 1 is placed on w9:5432, which is not in the nodes file (after citus_add_node in a runbook, pass the node table `apply --nodes-out` wrote)")
        XCTAssertEqual(message(header + "t,1,distributed,1,w1,5432,0,-2147483648,2147483647\n\"t,2,distributed,1,w1,5432,0,0,1\n"),
                       "shards.csv:3:0: error: a quoted field starting on this line is never closed (a `\"` is missing)")
        XCTAssertEqual(message(header + "t,1,distributed,1,w1,5432\n"), "shards.csv:2:0: error: this row has 6 fields but the header has 9")
        XCTAssertEqual(message(header + "t,1,distributed,1,w1,5432,0,-2147483648,0\nt,2,distributed,1,w2,5432,0,0,2147483647\n"),
                       "shards.csv:2:0: error: table t: hash ranges [-2147483648, 0] and [0, 2147483647] overlap")
        XCTAssertEqual(message(header + "t,1,distributed,1,w1,5432,0,-2147483648,-5\nt,2,distributed,1,w2,5432,0,0,2147483647\n"),
                       "shards.csv:2:0: error: table t: gap between hash ranges [-2147483648, -5] and [0, 2147483647]")
        XCTAssertEqual(message(header + "t,1,distributed,1,w1,5432,0,-2147483648,2147483647\nt,1,distributed,1,w1,5432,0,-2147483648,2147483647\n"),
                       "shards.csv:3:0: error: duplicate placement: shard 1 is listed twice on w1:5432")
        XCTAssertEqual(message(header + "t,1,distributed,1,w1,5432,0,-2147483648,2147483647\nu,1,distributed,2,w2,5432,0,-2147483648,2147483647\n"),
                       "shards.csv:3:0: error: duplicate shard id 1: it already belongs to another table")
        XCTAssertEqual(message("table_name,shardid\nt,1\n"), "shards.csv:1:0: error: missing column `colocation_id`; the header must include table_name, shardid, colocation_id, nodename, nodeport, shard_size")
        XCTAssertEqual(message(header, nodes: "nodeid,nodename,nodeport,isactive\n1,a,5432,maybe\n"), "nodes.csv:2:4: error: `isactive` is `maybe`; expected t or f")
        XCTAssertEqual(message(header, nodes: "nodeid,nodename,nodeport\n1,a,99999\n"), "nodes.csv:2:3: error: `nodeport` is `99999`; expected a port in 1...65535")
        XCTAssertEqual(message(header + "t,x,distributed,1,w1,5432,0,,\n"), "shards.csv:2:2: error: `shardid` is `x`; expected a positive integer")
    }

    func testLineNumbersCountNewlinesInsideQuotedFields() {
        XCTAssertEqual(message(header + "\"multi\nline\",1,distributed,1,w1,5432,0,-2147483648,2147483647\nt,2,distributed,1,w7,5432,0,,\n"),
                       "shards.csv:4:5: error: shard 2 is placed on w7:5432, which is not in the nodes file (after citus_add_node in a runbook, pass the node table `apply --nodes-out` wrote)")
    }

    /// Issue 23, item 11: exports as psql gives them. `SELECT * FROM` exports with columns this
    /// reader does not use are read, with a note; tab-separated `\copy` text format is read;
    /// psql's aligned output is refused with the command to use; without `groupid` a note names
    /// the nodes that will get shards, and with it the group-0 node is the coordinator.
    func testExportsAsPsqlGivesThem() throws {
        var notes: [Finding] = []
        var state = ClusterState()
        let all = "nodeid,groupid,nodename,nodeport,noderack,hasmetadata,isactive,noderole,nodecluster,metadatasynced,shouldhaveshards,nodeisclone,nodeprimarynodeid,extra\n"
            + "1,0,coord,5432,default,t,t,primary,default,t,f,f,0,x\n2,1,w1,5432,default,t,t,primary,default,t,t,f,0,x\n"
        try ClusterCSV.loadNodes(try CSVTable.parse(all, file: "nodes.csv"), into: &state, notes: &notes)
        XCTAssertEqual(notes.map(\.description), ["nodes.csv:1:0: warning: column `extra` passed over (not used; known columns: nodeid, groupid, nodename, nodeport, noderack, hasmetadata, isactive, noderole, nodecluster, metadatasynced, shouldhaveshards, nodeisclone, nodeprimarynodeid)"])
        let shards = "table_name,shardid,shard_name,citus_table_type,colocation_id,nodename,nodeport,shard_size\n"
            + "events,102008,events_102008,distributed,1,w1,5432,8192\nevents,102009,events_102009,distributed,1,w1,5432,8192\nlocal_t,102100,local_t_102100,local,0,coord,5432,8192\n"
        notes = []
        try ClusterCSV.loadShards(try CSVTable.parse(shards, file: "shards.csv"), into: &state, notes: &notes)
        XCTAssertEqual(state.shards(of: "events").count, 2)
        XCTAssertEqual(notes.map(\.message), ["1 shard of Citus local tables passed over (they stay on the coordinator; the rebalancer never moves them)"])
        XCTAssertFalse(state.node(name: "coord", port: 5432)!.shouldHaveShards, "group 0 is the coordinator")

        // Tab-separated text format, \N for NULL, and no groupid: a note names who gets shards.
        let tsv = try CSVTable.parse("nodeid\tnodename\tnodeport\tnoderack\n1\tcoordinator\t5432\t\\N\n2\tworker-1\t5432\tr\\tack\n", file: "nodes.tsv")
        XCTAssertEqual(tsv.records.map(\.fields), [["1", "coordinator", "5432", ""], ["2", "worker-1", "5432", "r\tack"]])
        var minimal = ClusterState()
        notes = []
        try ClusterCSV.loadNodes(tsv, into: &minimal, notes: &notes)
        XCTAssertEqual(notes.map(\.message), ["no `groupid` column: the coordinator (group 0 in pg_dist_node) cannot be told apart, so every node without `shouldhaveshards` = f will receive shards: coordinator:5432, worker-1:5432; export with SELECT * FROM pg_dist_node"])

        XCTAssertThrowsError(try CSVTable.parse(" nodeid | nodename\n--------+---------\n      1 | coordinator\n", file: "nodes.txt")) { e in
            XCTAssertTrue("\(e)".contains("nodes.txt:1:0: error: this is psql's aligned table output, not CSV; export with \\copy"), "\(e)")
        }
    }
}
