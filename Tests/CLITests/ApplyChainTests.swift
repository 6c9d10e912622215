import Foundation
import XCTest

/// `apply`'s SHARDS.csv keeps every input column (issue 21), so runbooks chain: a text-keyed
/// table is still hashed as text by the next runbook, and columns apply does not read
/// (`shard_name`, a DBA's own) come back, per shard.
final class ApplyChainTests: XCTestCase {
    func testChainedRunbooksKeepEveryInputColumn() throws {
        let dir = try CLI.temporaryDirectory(self)
        func file(_ name: String, _ text: String) throws -> String {
            let url = dir.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let nodes = try file("nodes.csv", "nodeid,groupid,nodename,nodeport,shouldhaveshards\n1,0,coord,5432,f\n2,1,w1,5432,t\n3,2,w2,5432,t\n")
        let shards = try file("shards.csv", """
            table_name,shardid,shard_name,citus_table_type,colocation_id,nodename,nodeport,shard_size,shardminvalue,shardmaxvalue,distribution_column_type,owner_note
            events,102008,events_102008,distributed,1,w1,5432,1000,-2147483648,-1,text,=team-a
            events,102009,events_102009,distributed,1,w2,5432,2000,0,2147483647,text,team b

            """)
        let move = try file("r1.sql", "SELECT citus_move_shard_placement(102009, 'w2', 5432, 'w1', 5432, 'block_writes');\n")
        let first = try CLI.run(["apply", "--nodes", nodes, "--shards", shards, "--sql", move])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, """
            table_name,shardid,citus_table_type,colocation_id,nodename,nodeport,shard_size,shardminvalue,shardmaxvalue,distribution_column_type,shard_name,owner_note
            events,102008,distributed,1,w1,5432,1000,-2147483648,-1,text,events_102008,'=team-a
            events,102009,distributed,1,w1,5432,2000,0,2147483647,text,events_102009,team b

            """, "the moved shard keeps its columns; a formula-like value stays neutralised")

        // The chained runbook isolates a text tenant: it must hash 'acme' as text.
        let chained = try file("s1.csv", first.stdout)
        let isolate = try file("r2.sql", "SELECT isolate_tenant_to_new_shard('events', 'acme', shard_transfer_mode => 'block_writes');\n")
        let second = try CLI.run(["apply", "--nodes", nodes, "--shards", chained, "--sql", isolate])
        XCTAssertEqual(second.status, 0, second.stderr)
        let rows = second.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(rows.map { $0[9] }, Array(repeating: "text", count: rows.count))
        XCTAssertEqual(rows.first { $0[1] == "102009" }?.suffix(2), ["events_102009", "team b"], "an untouched shard keeps its values")
        let isolated = rows.filter { $0[1] != "102009" }
        XCTAssertEqual(isolated.count, 3, "the shard holding 'acme' split in three")
        for r in isolated {
            XCTAssertEqual(r[10], "events_\(r[1])", "a new shard gets its shard_name")
            XCTAssertEqual(r[11], "", "and no value it never had")
        }
        // The tenant's own shard is a single hash value: 'acme' hashed as text.
        XCTAssertTrue(isolated.contains { $0[7] == $0[8] }, second.stdout)
    }
}
