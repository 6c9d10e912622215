import Foundation
import XCTest

/// `citus-sim apply --schemas-out`: the `citus_schemas` view of tenant schemas after a runbook,
/// its sizes printed as a real PostgreSQL 15's `pg_size_pretty` prints them.
final class SchemaCommandTests: XCTestCase {
    static let nodes = """
        nodeid,groupid,nodename,nodeport,shouldhaveshards
        1,0,coord,5432,f
        2,1,w1,5432,t
        3,2,w2,5432,t

        """

    /// Schema sizes across every unit boundary of pg_size_pretty, each compared with what the
    /// server prints for the same number; the runbook's move and new schema show in both files.
    func testCitusSchemasSizesAsPostgresPrintsThem() throws {
        let pg = try TemporaryPostgres()
        addTeardownBlock { pg.stop() }
        let dir = try CLI.temporaryDirectory(self)
        // Bytes around each unit change and rounding step, up to petabytes.
        let sizes: [Int64] = [0, 1, 10_239, 10_240, 10_751, 10_752, 1_048_575, 20_970_496, 20_971_519, 20_971_520,
                              5_368_709_120, 21_474_312_191, 21_474_836_480, 1_099_511_627_776, 22_517_998_136_852_479, 1_688_849_860_263_936]
        var shards = "table_name,shardid,citus_table_type,colocation_id,nodename,nodeport,shard_size\n"
        for (i, size) in sizes.enumerated() {
            // Two tables per schema whose sizes add up to `size`.
            shards += "s\(i).a,\(200 + 2 * i),schema,\(10 + i),w\(i % 2 + 1),5432,\(size / 2)\n"
            shards += "s\(i).b,\(201 + 2 * i),schema,\(10 + i),w\(i % 2 + 1),5432,\(size - size / 2)\n"
        }
        try Self.nodes.write(to: dir.appendingPathComponent("nodes.csv"), atomically: true, encoding: .utf8)
        try shards.write(to: dir.appendingPathComponent("shards.csv"), atomically: true, encoding: .utf8)
        try """
            SELECT citus_schema_move('s0', 'w2', 5432, 'block_writes');
            SET citus.enable_schema_based_sharding TO on;
            CREATE SCHEMA zz_new;
            CREATE TABLE zz_new.t (id bigint PRIMARY KEY);
            """.write(to: dir.appendingPathComponent("r.sql"), atomically: true, encoding: .utf8)
        let schemasFile = dir.appendingPathComponent("schemas.csv")
        let out = try CLI.run(["apply", "--nodes", dir.appendingPathComponent("nodes.csv").path, "--shards", dir.appendingPathComponent("shards.csv").path,
                               "--sql", dir.appendingPathComponent("r.sql").path, "--schemas-out", schemasFile.path])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("s0.a,200,schema,10,w2,5432,0,,\n"), "s0 moved to w2:\n\(out.stdout)")
        XCTAssertTrue(out.stdout.contains("zz_new.t,"), out.stdout)

        let rows = try String(contentsOf: schemasFile, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows.map { String($0[0]) }, (0..<sizes.count).map { "s\($0)" }.sorted() + ["zz_new"], "schema-name order")
        let printed = try pg.psql("SELECT pg_size_pretty(x) FROM unnest(ARRAY[\(sizes.map(String.init).joined(separator: ","))]::bigint[]) WITH ORDINALITY AS u(x, n) ORDER BY n")
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(printed.count, sizes.count)
        for (i, size) in sizes.enumerated() {
            let row = try XCTUnwrap(rows.first { $0[0] == "s\(i)" })
            XCTAssertEqual(String(row[1]), "\(10 + i)", "colocation id")
            XCTAssertEqual(String(row[3]), "\(size)", "bytes of s\(i)")
            XCTAssertEqual(String(row[2]), printed[i], "pg_size_pretty(\(size))")
        }

        // A runbook that fails writes neither file.
        let failing = dir.appendingPathComponent("bad.sql"), none = dir.appendingPathComponent("none.csv")
        try "SELECT citus_schema_move('nope', 'w2', 5432);".write(to: failing, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["apply", "--nodes", dir.appendingPathComponent("nodes.csv").path, "--shards", dir.appendingPathComponent("shards.csv").path,
                               "--sql", failing.path, "--schemas-out", none.path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("bad.sql:1:1: error: schema \"nope\" does not exist"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: none.path))
    }

    /// A run's `shards_after.csv` / `nodes_after.csv` chain into `plan`: after the timeline's
    /// by_shard_count rebalance, planning again finds nothing to move; `citus_schemas_after.csv`
    /// lists every tenant schema with the worker-4 move in the metadata.
    func testRunMetadataAfterChainsIntoPlan() throws {
        let dir = try CLI.temporaryDirectory(self)
        let scenario = dir.appendingPathComponent("schemas.yaml")
        try """
            version: 1
            kind: cluster
            run: {seed: 3, duration: 2m, warmup: 0s, replications: 2}
            cluster:
              coordinator: {cores: 4, memory_gib: 16}
              workers: {count: 3, cores: 4, memory_gib: 16, disk_mb_per_second: 1000}
            citus: {enable_schema_based_sharding: true}
            tables:
              - {name: orders, type: distributed, data_share: 1}
            tenants: {count: 60, total_size_gib: 3, size_zipf: 1.0, activity_zipf: 0.8}
            workload:
              arrivals: {rate_per_second: 200, sessions: 20}
              classes:
                - {name: lookup, kind: router, share: 1, table: orders, worker_cpu: {distribution: exponential, mean: 1ms}}
            timeline:
              - at: 10s
                sql: |
                  SELECT citus_add_node('worker-4', 5432);
                  SELECT rebalance_table_shards(rebalance_strategy := 'by_shard_count', shard_transfer_mode := 'block_writes');
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let run = try CLI.run(["run", scenario.path, "--out", out.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("60 tenant schemas (one shard per table each)"), run.stdout)
        let plan = try CLI.run(["plan", "--nodes", out.appendingPathComponent("nodes_after.csv").path, "--shards", out.appendingPathComponent("shards_after.csv").path,
                                "--strategy", "by_shard_count"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        XCTAssertEqual(plan.stdout, "table_name,shardid,shard_size,sourcename,sourceport,targetname,targetport\n", "balanced: nothing left to move")
        let shards = try String(contentsOf: out.appendingPathComponent("shards_after.csv"), encoding: .utf8)
        XCTAssertEqual(shards.components(separatedBy: ",schema,").count - 1, 60, "one tenant-schema row per schema")
        XCTAssertEqual(shards.components(separatedBy: ",worker-4,").count - 1, 15, "by_shard_count: 60 schemas over 4 workers")
        let schemas = try String(contentsOf: out.appendingPathComponent("citus_schemas_after.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(schemas.count, 61)
        XCTAssertTrue(schemas[1].hasPrefix("tenant_1,1,"), String(schemas[1]))
    }
}
