import ClusterModel
import Reporting
import Runbook
import SQL
import Scenario
import XCTest

/// Schema-based sharding in `apply`: tenant schemas, their tables, `citus_schema_move`,
/// `citus_schema_distribute` / `undistribute`, the rebalancer over single-shard groups and
/// the `citus_shards` / `citus_schemas` rows, against Citus 13.2's regression tests
/// (`citus_schema_move.out`, `single_shard_table_udfs.out`, `schema_based_sharding.out`).
final class SchemaRunbookTests: XCTestCase {
    /// pg_dist_node of Citus's regression cluster: workers on 57637 and 57638 (ids 1, 2), then
    /// the coordinator on 57636 added in group 0.
    func nodes(coordinatorHasShards: Bool) -> String {
        """
        nodeid,groupid,nodename,nodeport,shouldhaveshards
        1,1,localhost,57637,t
        2,2,localhost,57638,t
        3,0,localhost,57636,\(coordinatorHasShards ? "t" : "f")

        """
    }

    func run(_ sql: String, coordinatorHasShards: Bool = false, setup: (inout ClusterState) -> Void = { _ in }) throws -> RunbookRunner {
        var state = ClusterState()
        try ClusterCSV.loadNodes(try CSVTable.parse(nodes(coordinatorHasShards: coordinatorHasShards), file: "n.csv"), into: &state)
        setup(&state)
        var runner = RunbookRunner(state: state, file: "r.sql")
        try runner.run(try SQLRunbookParser.parse(sql, file: "r.sql"))
        return runner
    }

    func runError(_ sql: String, coordinatorHasShards: Bool = false) -> String {
        do {
            _ = try run(sql, coordinatorHasShards: coordinatorHasShards)
            return "no error"
        } catch { return "\(error)" }
    }

    /// Ports of the nodes holding `table`'s placements.
    func ports(_ r: RunbookRunner, _ table: String) -> [Int] {
        r.state.shards(of: table).flatMap { r.state.placements(of: $0.id) }.compactMap { r.state.node($0.node)?.port }
    }

    func testParsesSchemaStatementsAndSelectOneFrom() throws {
        let s = try SQLRunbookParser.parse("""
            CREATE SCHEMA s1;
            CREATE SCHEMA IF NOT EXISTS s2 AUTHORIZATION alice;
            CREATE SCHEMA AUTHORIZATION bob;
            SELECT 1 FROM citus_rebalance_start();
            """, file: "r.sql")
        XCTAssertEqual(s.map(\.kind), [.createSchema(name: "s1", ifNotExists: false), .createSchema(name: "s2", ifNotExists: true),
                                       .createSchema(name: "bob", ifNotExists: false), .call(function: "citus_rebalance_start", arguments: [])])
        XCTAssertThrowsError(try SQLRunbookParser.parse("CREATE SCHEMA s3 CREATE TABLE t (a int);", file: "r.sql")) { error in
            XCTAssertTrue("\(error)".hasPrefix("r.sql:1:18: error: CREATE SCHEMA with elements"), "\(error)")
        }
    }

    /// `citus_schema_move.out`: STRICT NULLs do nothing; each refusal with Citus's words; a
    /// move takes every table of the schema, by host and port or by node id.
    func testCitusSchemaMoveAsCitusRegressionTestRunsIt() throws {
        let setup = """
            CREATE SCHEMA citus_schema_move;
            SELECT citus_schema_move(schema_id=>null, target_node_name=>null, target_node_port=>null, shard_transfer_mode=>null);
            SELECT citus_schema_move(schema_id=>null, target_node_id=>null, shard_transfer_mode=>null);
            SET citus.enable_schema_based_sharding TO ON;
            CREATE SCHEMA s1;

            """
        func error(_ sql: String) -> String { runError(setup + sql, coordinatorHasShards: true).components(separatedBy: ": error: ").last ?? "" }
        XCTAssertEqual(error("SELECT citus_schema_move('no_such_schema', 'dummy_node_name', 1234);"), "schema \"no_such_schema\" does not exist")
        XCTAssertEqual(error("SELECT citus_schema_move('no_such_schema', 1234);"), "schema \"no_such_schema\" does not exist")
        XCTAssertEqual(error("SELECT citus_schema_move('citus_schema_move', 'dummy_node_name', 1234);"), "schema citus_schema_move is not a distributed schema")
        XCTAssertEqual(error("SELECT citus_schema_move('citus_schema_move', 1234);"), "schema citus_schema_move is not a distributed schema")
        XCTAssertEqual(error("SELECT citus_schema_move('s1', 'dummy_node_name', 1234);"), "cannot move distributed schema s1 because it is empty")
        XCTAssertEqual(error("SELECT citus_schema_move('s1', 1234);"), "cannot move distributed schema s1 because it is empty")
        let t1 = "CREATE TABLE s1.t1 (a int);\n"
        XCTAssertEqual(error(t1 + "SELECT citus_schema_move('s1', 'dummy_node_name', 1234);"),
                       "Moving shards to a non-existing node is not supported\nHINT:  Add the target node via SELECT citus_add_node('dummy_node_name', 1234);")
        XCTAssertEqual(error(t1 + "SELECT citus_schema_move('s1', 1234);"), "node with node id 1234 could not be found")
        // s1's group (colocation id 1) went to sorted node 1 mod 3: localhost:57637.
        XCTAssertTrue(error(t1 + "SELECT citus_schema_move('s1', 'localhost', 57638);")
            .hasPrefix("cannot use logical replication to transfer shards of the relation t1 since it doesn't have a REPLICA IDENTITY or PRIMARY KEY"))
        XCTAssertEqual(error(t1 + "SELECT citus_schema_move('s1', 'localhost', 57637, 'block_writes');"), "cannot move shard to the same node")
        XCTAssertEqual(error(t1 + "SELECT citus_schema_move('s1', 1, 'block_writes');"), "cannot move shard to the same node")

        let moved = try run(setup + t1 + """
            CREATE TABLE s1.t2 (a int);
            CREATE TABLE public.other (a int PRIMARY KEY);
            SELECT create_distributed_table('public.other', 'a', shard_count => 4);
            SELECT citus_schema_move('s1', 'localhost', 57638, 'block_writes');
            """, coordinatorHasShards: true)
        XCTAssertEqual(ports(moved, "s1.t1"), [57638])
        XCTAssertEqual(ports(moved, "s1.t2"), [57638], "every table of the schema moves")
        XCTAssertEqual(ports(moved, "public.other"), [57636, 57637, 57638, 57636], "other tables stay")
        let back = try run(setup + t1 + "CREATE TABLE s1.t2 (a int);\nSELECT citus_schema_move('s1', 'localhost', 57638, 'block_writes');\n"
                           + "SELECT citus_schema_move(schema_id => 's1', target_node_id => 3, shard_transfer_mode => 'force_logical');", coordinatorHasShards: true)
        XCTAssertEqual(ports(back, "s1.t1") + ports(back, "s1.t2"), [57636, 57636], "by node id, to the coordinator")
    }

    /// `single_shard_table_udfs.out`: seven single-shard tables in five colocation groups (the
    /// pooled balancing group of small groups, FACTS B.2), moved, rebalanced, drained and
    /// rebalanced in the background; each placement as Citus printed it.
    func testSingleShardGroupsRebalanceAsCitusRegressionTestDoes() throws {
        var sql = "SET citus.next_shard_id TO 1820002;\n"
        let tables = ["col1_1", "col1_2", "col1_3", "col2_1", "col3_1", "col4_1", "col5_1"].map { "single_shard_table_\($0)" }
        for t in tables { sql += "CREATE TABLE \(t) (a INT PRIMARY KEY);\n" }
        for (i, t) in tables.enumerated() {
            let with = i == 1 || i == 2 ? tables[i - 1] : "none"
            sql += "SELECT create_distributed_table('\(t)', null, colocate_with=>'\(with)');\n"
        }
        // The test restarted pg_dist_colocationid_seq at 198000 and used one id before these tables.
        let setup: (inout ClusterState) -> Void = { $0.colocationIDSequence = 198_001 }
        func placement(_ r: RunbookRunner) -> [Int] { tables.flatMap { ports(r, $0) } }
        let created = try run(sql, setup: setup)
        XCTAssertEqual(placement(created), [57638, 57638, 57638, 57637, 57638, 57637, 57638])
        sql += "SELECT rebalance_table_shards(rebalance_strategy := 'by_shard_count');\n"
        XCTAssertEqual(placement(try run(sql, setup: setup)), placement(created), "already balanced")
        sql += """
            SELECT citus_move_shard_placement(1820005, 'localhost', 57637, 'localhost', 57638);
            SELECT citus_move_shard_placement(1820007, 1, 2);
            SELECT rebalance_table_shards();

            """
        let rebalanced = try run(sql, setup: setup)
        XCTAssertEqual(placement(rebalanced), [57637, 57637, 57637, 57637, 57638, 57638, 57638])
        XCTAssertEqual(rebalanced.messages.filter { $0.contains("Moving shard") }.count, 2)
        sql += """
            SELECT citus_drain_node('localhost', 57638, 'block_writes');
            SELECT citus_set_node_property('localhost', 57638, 'shouldhaveshards', true);
            SELECT * FROM get_rebalance_table_shards_plan();
            SELECT 1 FROM citus_rebalance_start();
            SELECT * FROM citus_rebalance_wait();
            """
        let last = try run(sql, setup: setup)
        XCTAssertEqual(last.messages.filter { $0.contains("plan: ") }.map { $0.components(separatedBy: "plan: ")[1] }, [
            "single_shard_table_col1_1 1820002 localhost:57637 -> localhost:57638", "single_shard_table_col1_2 1820003 localhost:57637 -> localhost:57638",
            "single_shard_table_col1_3 1820004 localhost:57637 -> localhost:57638", "single_shard_table_col2_1 1820005 localhost:57637 -> localhost:57638",
        ])
        XCTAssertTrue(last.messages.contains { $0.hasSuffix("NOTICE:  Scheduled 2 moves as job 1") })
        XCTAssertEqual(placement(last), [57638, 57638, 57638, 57638, 57637, 57637, 57637])
    }

    /// Tenant schemas' tables join their schema's group when created; `citus_shards` says
    /// `schema` only for them (a `create_distributed_table(t, NULL)` table is `distributed`);
    /// distributing and undistributing a schema; SHARDS.csv and `citus_schemas` survive a
    /// round trip through the importer.
    func testTenantSchemasInCitusShardsAndCitusSchemas() throws {
        let r = try run("""
            CREATE SCHEMA legacy;
            CREATE TABLE legacy.a (id int PRIMARY KEY);
            CREATE TABLE legacy.b (id int);
            SET citus.enable_schema_based_sharding TO on;
            CREATE SCHEMA tenant_1;
            CREATE SCHEMA tenant_2;
            CREATE TABLE tenant_1.orders (id int PRIMARY KEY);
            SET search_path TO tenant_2;
            CREATE TABLE orders (id int);
            CREATE TABLE tenant_1.items (id int);
            SET citus.enable_schema_based_sharding TO off;
            CREATE TABLE public.plain (id int);
            SELECT create_distributed_table('public.plain', null);
            SELECT citus_schema_distribute('legacy');
            SELECT citus_schema_distribute('legacy');
            """)
        let s = r.state
        XCTAssertEqual(s.tenantSchemas.map(\.name), ["tenant_1", "tenant_2", "legacy"], "public never becomes a tenant schema")
        let t1 = try XCTUnwrap(s.tenantSchema(named: "tenant_1"))
        XCTAssertEqual(s.tables(in: t1.colocationID).map(\.name), ["tenant_1.orders", "tenant_1.items"])
        XCTAssertEqual(s.table("tenant_2.orders")?.colocationID, s.tenantSchema(named: "tenant_2")?.colocationID, "unqualified, in search_path's schema")
        XCTAssertEqual(s.tables(in: try XCTUnwrap(s.tenantSchema(named: "legacy")).colocationID).map(\.name), ["legacy.a", "legacy.b"])
        XCTAssertEqual(ports(r, "legacy.a"), ports(r, "legacy.b"))
        XCTAssertEqual(r.messages.map { $0.components(separatedBy: ": ").dropFirst().joined(separator: ": ") },
                       ["NOTICE:  distributing the schema legacy", "NOTICE:  schema legacy is already distributed"])
        // Colocation ids: tenant_1 1, tenant_2 2, plain 3, legacy 4; shard nodes sorted 57637, 57638.
        XCTAssertEqual(ports(r, "tenant_1.orders") + ports(r, "tenant_2.orders") + ports(r, "public.plain") + ports(r, "legacy.a"), [57638, 57637, 57638, 57637])

        let csv = ShardsCSV.render(s)
        let types = Dictionary(uniqueKeysWithValues: csv.split(separator: "\n").dropFirst().map { line -> (String, String) in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return (String(f[0]), String(f[2]))
        })
        XCTAssertEqual(types["tenant_1.items"], "schema")
        XCTAssertEqual(types["legacy.b"], "schema")
        XCTAssertEqual(types["public.plain"], "distributed")

        var imported = ClusterState()
        try ClusterCSV.loadNodes(try CSVTable.parse(nodes(coordinatorHasShards: false), file: "n.csv"), into: &imported)
        try ClusterCSV.loadShards(try CSVTable.parse(csv, file: "shards.csv"), into: &imported)
        XCTAssertEqual(CitusSchemasCSV.render(imported), CitusSchemasCSV.render(s))
        XCTAssertEqual(ShardsCSV.render(imported), csv)
        XCTAssertEqual(CitusSchemasCSV.render(s), """
            schema_name,colocation_id,schema_size,schema_size_bytes,schema_owner
            legacy,4,0 bytes,0,
            tenant_1,1,0 bytes,0,
            tenant_2,2,0 bytes,0,

            """)

        let undone = try run("""
            SET citus.enable_schema_based_sharding TO on;
            CREATE SCHEMA t;
            CREATE TABLE t.a (id int PRIMARY KEY);
            SELECT citus_schema_undistribute('t');
            SELECT citus_schema_distribute('t');
            """)
        XCTAssertEqual(undone.state.tenantSchemas.map(\.colocationID.rawValue), [2], "a new group after undistributing")
        XCTAssertEqual(undone.state.colocationGroups.map(\.id.rawValue), [2], "the old group is deleted")
        XCTAssertEqual(undone.state.tables.map(\.name), ["t.a"])
        XCTAssertEqual(runError("CREATE SCHEMA t;\nSELECT citus_schema_undistribute('t');"), "r.sql:2:1: error: schema t is not distributed")
        XCTAssertEqual(runError("SELECT citus_schema_distribute('public');"), "r.sql:1:1: error: public schema cannot be distributed")
        XCTAssertEqual(runError("""
            CREATE SCHEMA s;
            CREATE TABLE s.a (id int PRIMARY KEY);
            SELECT create_distributed_table('s.a', 'id');
            SELECT citus_schema_distribute('s');
            """), "r.sql:4:1: error: distributed schema cannot have distributed tables\nHINT:  Undistribute distributed tables before 'citus_schema_distribute'.")
    }

    /// `SHARDS.csv` rows that cannot be tenant schemas are refused with the line.
    func testImportRefusesInconsistentSchemaRows() throws {
        func load(_ shards: String) -> String {
            var state = ClusterState()
            do {
                try ClusterCSV.loadNodes(try CSVTable.parse(nodes(coordinatorHasShards: false), file: "n.csv"), into: &state)
                try ClusterCSV.loadShards(try CSVTable.parse(shards, file: "shards.csv"), into: &state)
                return "no error"
            } catch { return "\(error)" }
        }
        let header = "table_name,shardid,citus_table_type,colocation_id,nodename,nodeport,shard_size\n"
        XCTAssertTrue(load(header + "orders,5,schema,3,localhost,57637,0\n").contains("shards.csv:2:1: error: table orders is of type `schema` but its name has no schema"))
        XCTAssertTrue(load(header + "a.x,5,schema,3,localhost,57637,0\nb.x,6,schema,3,localhost,57637,0\n").contains("shards.csv:3:4: error: schemas a and b share colocation group 3"))
        XCTAssertTrue(load(header + "a.x,5,schema,3,localhost,57637,0\na.y,6,schema,4,localhost,57637,0\n").contains("shards.csv:3:4: error: schema a has tables in colocation groups 3 and 4"))
    }

    /// An imported tenant schema undistributed and distributed again keeps its tables' replica
    /// identity (an `auto` move still works), and gets a new group.
    func testImportedSchemaRedistributedKeepsReplicaIdentity() throws {
        var state = ClusterState()
        try ClusterCSV.loadNodes(try CSVTable.parse(nodes(coordinatorHasShards: false), file: "n.csv"), into: &state)
        try ClusterCSV.loadShards(try CSVTable.parse("table_name,shardid,citus_table_type,colocation_id,nodename,nodeport,shard_size\ns.a,5,schema,7,localhost,57637,0\n", file: "shards.csv"), into: &state)
        var runner = RunbookRunner(state: state, file: "r.sql")
        try runner.run(try SQLRunbookParser.parse("""
            SELECT citus_schema_undistribute('s');
            SELECT citus_schema_distribute('s');
            SELECT citus_schema_move('s', 'localhost', 57638);
            """, file: "r.sql"))
        XCTAssertEqual(runner.state.tenantSchema(named: "s")?.colocationID.rawValue, 8)
        XCTAssertEqual(runner.state.table("s.a")?.hasReplicaIdentity, true)
        XCTAssertEqual(ports(runner, "s.a"), [57638])
    }
}
