import ClusterModel
import Planner
import Runbook
import SQL
import Scenario
import XCTest

final class RunbookTests: XCTestCase {
    func testParsesTheStatementsDBAsWrite() throws {
        let statements = try SQLRunbookParser.parse("""
            -- scale out
            SELECT * FROM citus_add_node('10.0.0.5', 5432);
            SELECT citus_rebalance_start(rebalance_strategy := 'by_shard_count', parallel_transfer_colocated_shards => true);
            /* isolate */ SELECT isolate_tenant_to_new_shard('events', -42, 'CASCADE');
            SELECT citus_split_shard_by_split_points(102008, ARRAY['-1073741824'], '{1,2}'::int[]);
            SET citus.shard_count TO 64;
            ALTER SYSTEM SET citus.max_background_task_executors = 8;
            CREATE TABLE events (tenant_id bigint NOT NULL, payload jsonb, PRIMARY KEY (tenant_id));
            ALTER TABLE events REPLICA IDENTITY FULL;
            BEGIN; ROLLBACK
            """, file: "r.sql")
        XCTAssertEqual(statements.map(\.line), [2, 3, 4, 5, 6, 7, 8, 9, 10, 10])
        XCTAssertEqual(statements[0].kind, .call(function: "citus_add_node", arguments: [
            SQLArgument(name: nil, value: .string("10.0.0.5"), line: 2, column: 30), SQLArgument(name: nil, value: .number("5432"), line: 2, column: 42),
        ]))
        guard case .call(_, let args) = statements[1].kind else { return XCTFail() }
        XCTAssertEqual(args.map(\.name), ["rebalance_strategy", "parallel_transfer_colocated_shards"])
        XCTAssertEqual(args.map(\.value), [.string("by_shard_count"), .bool(true)])
        guard case .call(_, let iso) = statements[2].kind else { return XCTFail() }
        XCTAssertEqual(iso[1].value, .number("-42"))
        guard case .call(_, let split) = statements[3].kind else { return XCTFail() }
        XCTAssertEqual(split.map(\.value), [.number("102008"), .array([.string("-1073741824")]), .string("{1,2}")])
        XCTAssertEqual(statements[4].kind, .set(name: "citus.shard_count", value: .number("64"), system: false))
        XCTAssertEqual(statements[5].kind, .set(name: "citus.max_background_task_executors", value: .number("8"), system: true))
        XCTAssertEqual(statements[6].kind, .createTable(name: "events", columns: [("tenant_id", "bigint"), ("payload", "jsonb")], hasPrimaryKey: true))
        XCTAssertEqual(statements[7].kind, .addReplicaIdentity(table: "events", full: true))
        XCTAssertEqual(statements.suffix(2).map(\.kind), [.begin, .rollback])
    }

    func parseError(_ sql: String) -> String {
        do {
            _ = try SQLRunbookParser.parse(sql, file: "r.sql")
            return "no error"
        } catch { return "\(error)" }
    }

    func testParseErrorsNameTheStatementAndLine() {
        XCTAssertEqual(parseError("SELECT 1;\nDROP TABLE events;"), "r.sql:1:8: error: expected a function name")
        XCTAssertTrue(parseError("\nDROP TABLE events;").hasPrefix("r.sql:2:1: error: unsupported statement `DROP TABLE events`"))
        XCTAssertEqual(parseError("SELECT f('abc);"), "r.sql:1:10: error: a string literal is never closed (a `'` is missing)")
        XCTAssertEqual(parseError("SELECT f(1 2);"), "r.sql:1:12: error: expected `,` or `)` between arguments")
    }

    func run(_ sql: String, _ setup: (inout ClusterState) throws -> Void = { _ in }) throws -> RunbookRunner {
        var state = ClusterState()
        try setup(&state)
        var runner = RunbookRunner(state: state, file: "r.sql")
        try runner.run(try SQLRunbookParser.parse(sql, file: "r.sql"))
        return runner
    }

    func testScaleOutRebalanceAndIsolation() throws {
        let r = try run("""
            SELECT citus_add_node('w1', 5432);
            SELECT citus_add_node('w2', 5432);
            CREATE TABLE events (tenant_id bigint PRIMARY KEY);
            SELECT create_distributed_table('events', 'tenant_id', shard_count := 4);
            SELECT citus_add_node('w3', 5432);
            SELECT rebalance_table_shards(rebalance_strategy => 'by_shard_count');
            SELECT isolate_tenant_to_new_shard('events', 100, shard_transfer_mode => 'block_writes');
            """)
        let s = r.state
        // by_shard_count moves one shard group to w3; on the tie between w1 and w2 the higher
        // node id is the source. The isolation then turns w1's shard 102010 into three.
        XCTAssertEqual(s.shardNodes.map { n in s.placements.filter { $0.node == n.id }.count }, [4, 1, 1])
        let (shard, hash) = try s.shard(of: "events", value: .integer(100))
        XCTAssertEqual(shard.range, HashRange(min: hash, max: hash))
        XCTAssertEqual(r.messages, ["r.sql:6: NOTICE:  Moving shard 102009 from w2:5432 to w3:5432 ..."])
    }

    func testRollbackKeepsConsumedShardIds() throws {
        let r = try run("""
            SELECT citus_add_node('w1', 5432);
            CREATE TABLE t (k bigint PRIMARY KEY);
            SELECT create_distributed_table('t', 'k', shard_count => 2);
            BEGIN;
            SELECT isolate_tenant_to_new_shard('t', 7);
            ROLLBACK;
            """)
        XCTAssertEqual(r.state.shards(of: "t").map(\.id.rawValue), [102_008, 102_009])
        XCTAssertEqual(r.state.shardIDSequence, 102_013, "the rolled-back isolation consumed three ids")
    }

    func runError(_ sql: String) -> String {
        do {
            _ = try run(sql)
            return "no error"
        } catch { return "\(error)" }
    }

    func testCitusErrorsStopTheRunbookWithTheirLine() {
        XCTAssertEqual(runError("""
            SELECT citus_add_node('w1', 5432);
            SELECT citus_add_node('w2', 5432);
            CREATE TABLE t (k bigint);
            SELECT create_distributed_table('t', 'k');
            SELECT citus_move_shard_placement(102008, 'w1', 5432, 'w2', 5432);
            """), "r.sql:5:1: error: cannot use logical replication to transfer shards of the relation t since it doesn't have a REPLICA IDENTITY or PRIMARY KEY\nDETAIL:  UPDATE and DELETE commands on the shard will error out during logical replication unless there is a REPLICA IDENTITY or PRIMARY KEY.\nHINT:  If you wish to continue without a replica identity set the shard_transfer_mode to 'force_logical' or 'block_writes'.")
        XCTAssertTrue(runError("SELECT citus_frobnicate(1);").hasPrefix("r.sql:1:1: error: citus-sim does not support citus_frobnicate(); supported: "))
        XCTAssertEqual(runError("SELECT citus_add_node('w1');"), "r.sql:1:1: error: function citus_add_node needs argument nodeport")
        XCTAssertEqual(runError("SELECT citus_add_node('w1', 5432, colour := 'red');"),
                       "r.sql:1:1: error: function citus_add_node has no parameter named colour; parameters: nodename, nodeport, groupid, noderole, nodecluster")
        XCTAssertEqual(runError("SELECT citus_drain_node('nowhere', 1);"), "r.sql:1:1: error: node at \"nowhere:1\" does not exist")
        XCTAssertEqual(runError("SET citus.shard_count = 0;"), "r.sql:1:1: error: 0 is outside the valid range for parameter \"citus.shard_count\" (1 .. 64000)")
    }

    func testDrainMovesEverythingOffTheNode() throws {
        let r = try run("""
            SELECT citus_add_node('w1', 5432);
            SELECT citus_add_node('w2', 5432);
            SELECT citus_add_node('w3', 5432);
            CREATE TABLE t (k int PRIMARY KEY);
            SELECT create_distributed_table('t', 'k', shard_count := 6);
            SELECT citus_drain_node('w2', 5432);
            """)
        let w2 = r.state.node(name: "w2", port: 5432)!
        XCTAssertFalse(w2.shouldHaveShards)
        XCTAssertFalse(r.state.placements.contains { $0.node == w2.id })
        XCTAssertEqual(r.state.placements.count, 6)
    }

    /// alter_distributed_table as Citus's regression test alter_distributed_table.sql runs it
    /// (shard-count steps): the converted table gets new shard ids and a colocation group for
    /// the new count, placed round robin; cascade keeps its colocated tables with it; without
    /// cascade the colocation breaks. NOTICEs per table as ConvertTable raises them.
    func testAlterDistributedTableShardCountAsCitus() throws {
        let r = try run("""
            SET citus.shard_count TO 4;
            SELECT citus_add_node('w1', 5432);
            SELECT citus_add_node('w2', 5432);
            CREATE TABLE dist_table (a int, b int);
            SELECT create_distributed_table('dist_table', 'a', colocate_with := 'none');
            CREATE TABLE colocation_table (a int, b int);
            SELECT create_distributed_table('colocation_table', 'a', colocate_with := 'dist_table');
            CREATE TABLE colocation_table_2 (a int, b int);
            SELECT create_distributed_table('colocation_table_2', 'a', colocate_with := 'none');
            SELECT alter_distributed_table('dist_table', shard_count := 8, cascade_to_colocated := true);
            SELECT alter_distributed_table('dist_table', shard_count := 10, cascade_to_colocated := false);
            """)
        let s = r.state
        XCTAssertEqual(["dist_table", "colocation_table", "colocation_table_2"].map { s.shards(of: $0).count }, [10, 8, 4])
        let group = { (t: String) in s.table(t)!.colocationID }
        XCTAssertNotEqual(group("dist_table"), group("colocation_table"), "cascade_to_colocated := false breaks the colocation")
        XCTAssertNotEqual(group("colocation_table"), group("colocation_table_2"))
        XCTAssertEqual(s.colocationGroups.count, 3, "the groups left without tables are gone")
        // Shard ids: 3 × 4 at creation (102008-102019), 2 × 8 by the cascade, then 10.
        XCTAssertEqual(s.shards(of: "colocation_table").map(\.id.rawValue), Array(102_028...102_035))
        XCTAssertEqual(s.shards(of: "dist_table").map(\.id.rawValue), Array(102_036...102_045))
        XCTAssertEqual(s.shards(of: "dist_table").map(\.range!), HashRange.uniform(shardCount: 10))
        let w1 = s.node(name: "w1", port: 5432)!.id, w2 = s.node(name: "w2", port: 5432)!.id
        XCTAssertEqual(s.shards(of: "dist_table").map { s.placements(of: $0.id).map(\.node) }, (0..<10).map { [$0 % 2 == 0 ? w1 : w2] })
        let notices = { (t: String) in ["creating a new table for public.\(t)", "moving the data of public.\(t)", "dropping the old public.\(t)", "renaming the new table to public.\(t)"] }
        XCTAssertEqual(r.messages, (notices("dist_table").map { "r.sql:10: NOTICE:  \($0)" } + notices("colocation_table").map { "r.sql:10: NOTICE:  \($0)" }
                                    + notices("dist_table").map { "r.sql:11: NOTICE:  \($0)" }))
    }

    /// Citus's parameter checks, with its texts (CheckAlterDistributedTableConversionParameters).
    func testAlterDistributedTableRefusesWhatCitusRefuses() {
        let setUp = """
            SELECT citus_add_node('w1', 5432);
            CREATE TABLE t (a int);
            SELECT create_distributed_table('t', 'a', shard_count := 4);
            CREATE TABLE u (a int);
            SELECT create_distributed_table('u', 'a', colocate_with := 't');
            CREATE TABLE r (a int);
            SELECT create_reference_table('r');

            """
        XCTAssertEqual(runError(setUp + "SELECT alter_distributed_table('t', shard_count := 8);"), """
            r.sql:8:1: error: cascade_to_colocated parameter is necessary
            DETAIL:  this table is colocated with some other tables
            HINT:  cascade_to_colocated := false will break the current colocation, cascade_to_colocated := true will change the shard count of colocated tables too.
            """)
        XCTAssertEqual(runError(setUp + "SELECT alter_distributed_table('t', shard_count := 4, cascade_to_colocated := true);"),
                       "r.sql:8:1: error: this call doesn't change any properties of the table\nHINT:  check citus_tables view to see current properties of the table")
        XCTAssertEqual(runError(setUp + "SELECT alter_distributed_table('t', shard_count := 0);"),
                       "r.sql:8:1: error: shard_count cannot be 0\nHINT:  if you no longer want this to be a distributed table you can try undistribute_table() function")
        XCTAssertEqual(runError(setUp + "SELECT alter_distributed_table('t');"),
                       "r.sql:8:1: error: you have to specify at least one of the distribution_column, shard_count or colocate_with parameters")
        XCTAssertEqual(runError(setUp + "SELECT alter_distributed_table('t', cascade_to_colocated := true);"),
                       "r.sql:8:1: error: shard_count or colocate_with is necessary for cascading to colocated tables")
        XCTAssertEqual(runError(setUp + "SELECT alter_distributed_table('r', shard_count := 8);"),
                       "r.sql:8:1: error: cannot alter table because the table is not distributed")
    }

    /// Issue 23, item 11: runbooks as DBAs write them. psql meta-commands and status calls are
    /// passed over with a note; a misspelt function gets "did you mean"; a misspelt Citus
    /// setting (the 13.2 docs' own `citus.max_background_task_executor`) is warned, not taken
    /// silently; errors say `error:` once.
    func testRunbooksAsDBAsWriteThem() throws {
        let text = """
            \\set ON_ERROR_STOP on
            \\timing
            SELECT * FROM citus_rebalance_status();
            CALL citus_cleanup_orphaned_resources();
            SELECT table_name, count(*) FROM citus_shards GROUP BY 1;
            SET citus.max_background_task_executor = 4;
            \\echo done
            """
        let statements = try SQLRunbookParser.parse(text, file: "r.sql")
        XCTAssertEqual(statements.map(\.line), [1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(statements[0].kind, .passedOver(reason: "psql meta-command \\set (psql's, not Citus's)"))
        XCTAssertEqual(statements[4].kind, .passedOver(reason: "a read-only query of citus_shards"))
        let nodes = "nodeid,groupid,nodename,nodeport\n1,0,coord,5432\n2,1,w1,5432\n"
        var state = ClusterState()
        try ClusterCSV.loadNodes(try CSVTable.parse(nodes, file: "n.csv"), into: &state)
        var runner = RunbookRunner(state: state, file: "r.sql")
        try runner.run(statements)
        XCTAssertEqual(runner.messages, [
            "r.sql:1: note: passed over psql meta-command \\set (psql's, not Citus's)",
            "r.sql:2: note: passed over psql meta-command \\timing (psql's, not Citus's)",
            "r.sql:3: note: passed over citus_rebalance_status(): it reports or cleans up and changes no placement",
            "r.sql:4: note: passed over citus_cleanup_orphaned_resources(): it reports or cleans up and changes no placement",
            "r.sql:5: note: passed over a read-only query of citus_shards",
            "r.sql:6: WARNING:  unrecognized configuration parameter \"citus.max_background_task_executor\": PostgreSQL keeps it as a placeholder and Citus never reads it, so it changes nothing; did you mean citus.max_background_task_executors?",
            "r.sql:7: note: passed over psql meta-command \\echo (psql's, not Citus's)",
        ])
        var fresh = RunbookRunner(state: state, file: "r.sql")
        XCTAssertThrowsError(try fresh.run(try SQLRunbookParser.parse("SELECT citus_rebalnce_start();", file: "r.sql"))) { e in
            XCTAssertTrue("\(e)".hasPrefix("r.sql:1:1: error: citus-sim does not support citus_rebalnce_start(); did you mean citus_rebalance_start()? supported: "), "\(e)")
        }
    }

    /// Issue 21: the docs' `ALTER DATABASE ... SET statement_timeout` is accepted (with a note on
    /// what it applies to) and reaches the reloaded settings the simulation reads.
    func testAlterDatabaseSetIsAccepted() throws {
        let statements = try SQLRunbookParser.parse("ALTER DATABASE app SET statement_timeout = '5s';\nALTER DATABASE app SET citus.max_shared_pool_siz TO 10;", file: "r.sql")
        XCTAssertEqual(statements[0].kind, .setDatabaseDefault(name: "statement_timeout", value: .string("5s")))
        var state = ClusterState()
        try ClusterCSV.loadNodes(try CSVTable.parse("nodeid,groupid,nodename,nodeport\n1,0,coord,5432\n", file: "n.csv"), into: &state)
        var runner = RunbookRunner(state: state, file: "r.sql")
        try runner.run(statements)
        XCTAssertEqual(runner.reloadedSettings.map(\.name), ["statement_timeout", "citus.max_shared_pool_siz"])
        XCTAssertTrue(runner.messages[0].contains("note: ALTER DATABASE ... SET statement_timeout applies to new sessions"), "\(runner.messages)")
        XCTAssertTrue(runner.messages.contains { $0.contains("did you mean citus.max_shared_pool_size?") }, "\(runner.messages)")
    }

    /// Issue 21: REPLICA IDENTITY FULL gets the docs' caution, and the runner knows which tables
    /// the apply worker must scan for.
    func testReplicaIdentityFullIsWarned() throws {
        var state = ClusterState()
        try ClusterCSV.loadNodes(try CSVTable.parse("nodeid,groupid,nodename,nodeport\n1,0,coord,5432\n", file: "n.csv"), into: &state)
        var runner = RunbookRunner(state: state, file: "r.sql")
        try runner.run(try SQLRunbookParser.parse("CREATE TABLE t (a bigint);\nALTER TABLE t REPLICA IDENTITY FULL;\nALTER TABLE t REPLICA IDENTITY DEFAULT;", file: "r.sql"))
        XCTAssertEqual(runner.messages.count, 1, "\(runner.messages)")
        XCTAssertTrue(runner.messages[0].hasPrefix("r.sql:2: WARNING:  REPLICA IDENTITY FULL on t: "), "\(runner.messages)")
        // The tables the apply worker must scan for: FULL without a primary key, until a key or
        // another identity is set (the simulator slows their logical catch-up).
        var keys = RunbookRunner(state: state, file: "r.sql")
        try keys.run(try SQLRunbookParser.parse("CREATE TABLE t (a bigint);\nCREATE TABLE k (a bigint PRIMARY KEY);\nALTER TABLE t REPLICA IDENTITY FULL;\nALTER TABLE k REPLICA IDENTITY FULL;", file: "r.sql"))
        XCTAssertEqual(keys.replicaIdentityFull, ["t"])
        try keys.run(try SQLRunbookParser.parse("ALTER TABLE t ADD PRIMARY KEY (a);", file: "r.sql"))
        XCTAssertEqual(keys.replicaIdentityFull, [])
    }
    /// Issue 21: the docs quote the command for `run_command_on_workers` in dollars; the body is
    /// taken as written (quotes included), an unclosed tag is an error at its position, and the
    /// call is passed over with a note that says nothing runs on the workers.
    func testDollarQuotedCommandsAsTheDocsWriteThem() throws {
        let statements = try SQLRunbookParser.parse("""
            SELECT run_command_on_workers($$ALTER SYSTEM SET work_mem = '64MB'$$);
            SELECT run_command_on_workers($cmd$SELECT '$$'$cmd$);
            """, file: "r.sql")
        guard case .call("run_command_on_workers", let a)? = statements.first?.kind, case .call(_, let b) = statements[1].kind else { return XCTFail("\(statements)") }
        XCTAssertEqual(a.map(\.value), [.string("ALTER SYSTEM SET work_mem = '64MB'")])
        XCTAssertEqual(b.map(\.value), [.string("SELECT '$$'")])
        XCTAssertEqual(parseError("SELECT 1;\nSELECT run_command_on_workers($x$SELECT 1$$);"),
                       "r.sql:2:31: error: a dollar-quoted string is never closed (a closing `$x$` is missing)")
        var state = ClusterState()
        try ClusterCSV.loadNodes(try CSVTable.parse("nodeid,groupid,nodename,nodeport\n1,0,coord,5432\n", file: "n.csv"), into: &state)
        var runner = RunbookRunner(state: state, file: "r.sql")
        try runner.run(statements)
        XCTAssertEqual(runner.messages.count, 2)
        XCTAssertTrue(runner.messages[0].hasPrefix("r.sql:1: note: passed over run_command_on_workers(): citus-sim runs nothing on the workers"), "\(runner.messages)")
    }

    /// Issue 21: `apply` runs snapshot-based node addition (FACTS F) as a timeline does: the
    /// clone (by host and port, or by the primary's node id) is no node until promoted, and
    /// promotion gives it its half of the primary's shard groups, the split plan's half.
    func testSnapshotBasedNodeAdditionInARunbook() throws {
        let setup = """
            SELECT citus_add_node('w1', 5432);
            SELECT citus_add_node('w2', 5432);
            CREATE TABLE events (tenant_id bigint PRIMARY KEY);
            SELECT create_distributed_table('events', 'tenant_id', shard_count := 8);
            """
        for add in ["SELECT citus_add_clone_node('w3', 5432, 'w1', 5432);", "SELECT citus_add_clone_node_with_nodeid('w3', 5432, 1);"] {
            let registered = try run(setup + "\n" + add)
            XCTAssertNil(registered.state.node(name: "w3", port: 5432), "a clone is no node before promotion")
            let before = registered.state
            let primary = try XCTUnwrap(before.node(name: "w1", port: 5432))
            let plan = CloneSplitPlanner.plan(state: before, primary: primary.id, strategy: try XCTUnwrap(RebalanceStrategy.named(before.settings.defaultRebalanceStrategy)))
            let toClone = Set(plan.filter { $0.side == .clone }.map(\.shardID))
            XCTAssertFalse(toClone.isEmpty)
            let promoted = try run(setup + "\n" + add + "\nSELECT citus_promote_clone_and_rebalance(3);")
            let clone = try XCTUnwrap(promoted.state.node(name: "w3", port: 5432))
            XCTAssertEqual(clone.id, NodeID(3))
            XCTAssertTrue(clone.isActive)
            let onClone = Set(promoted.state.placements.filter { $0.node == clone.id }.map(\.shard))
            XCTAssertEqual(onClone, toClone)
            XCTAssertEqual(promoted.state.placements.count, before.placements.count, "no shard is copied")
        }
    }
}
