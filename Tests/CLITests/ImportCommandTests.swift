import Foundation
import XCTest

/// `citus-sim import` against a real PostgreSQL 15 server under a pgbench load.
final class ImportCommandTests: XCTestCase {
    static let password = "sekret-Pw-4711"

    /// A single server, imported with --distribute: the scenario validates and runs, the model of
    /// the measured server reproduces each class's observed mean within ±15% on fresh seeds, the
    /// psql exports give the same scenario, and the password is in no output.
    func testSingleServerImportReproducesPgbenchLatencies() throws {
        let pg = try TemporaryPostgres()
        addTeardownBlock { pg.stop() }
        let dir = try CLI.temporaryDirectory(self)
        try pg.psql("CREATE EXTENSION pg_stat_statements")
        try pg.pgbench(["-i", "-s", "5", "-q"])
        try pg.psql("ANALYZE")
        try pg.psql("SELECT pg_stat_statements_reset()")
        try pg.pgbench(["-c", "4", "-j", "2", "-T", "8", "-b", "select-only@9", "-b", "simple-update@1"])

        // The offline path: the psql script the command prints, run by psql in a directory.
        let script = try CLI.run(["import", "--psql-script"])
        XCTAssertEqual(script.status, 0, script.stderr)
        let exports = dir.appendingPathComponent("exports")
        try FileManager.default.createDirectory(at: exports, withIntermediateDirectories: true)
        if getuid() == 0 { try TemporaryPostgres.run("/bin/chown", ["postgres:", exports.path]) }
        let scriptFile = exports.appendingPathComponent("export.psql")
        try script.stdout.write(to: scriptFile, atomically: true, encoding: .utf8)
        let psql = ["/usr/bin/psql", "-X", "-q", "-h", "127.0.0.1", "-p", "\(pg.port)", "-U", "postgres", "-d", "postgres", "-f", scriptFile.path]
        let shell = "cd '\(exports.path)' && " + psql.map { "'\($0)'" }.joined(separator: " ")
        if getuid() == 0 { try TemporaryPostgres.run("/usr/sbin/runuser", ["-u", "postgres", "--", "/bin/sh", "-c", shell]) } else { try TemporaryPostgres.run("/bin/sh", ["-c", shell]) }

        // Observed means, read after the exports so both see the same counters.
        let observed = try pg.psql("SELECT query, sum(calls * mean_exec_time) / sum(calls) FROM pg_stat_statements WHERE query ~ '^(SELECT abalance|UPDATE pgbench_accounts|INSERT INTO pgbench_history)' GROUP BY query")
        var observedMs: [String: Double] = [:]
        for line in observed.split(separator: "\n") {
            let parts = line.split(separator: "|")
            let name = parts[0].hasPrefix("SELECT") ? "select_pgbench_accounts" : parts[0].hasPrefix("UPDATE") ? "update_pgbench_accounts" : "insert_pgbench_history"
            observedMs[name] = Double(parts[1])
        }
        XCTAssertEqual(observedMs.count, 3, observed)

        let hardware = dir.appendingPathComponent("hardware.yaml")
        // fsync is off on the test server, so its "disk" absorbs WAL flushes at memory speed.
        try "source: {cores: 2, memory_gib: 8, disk_iops: 1000000, disk_latency: 1us}\nworkers: {count: 2, cores: 4, memory_gib: 16}\n"
            .write(to: hardware, atomically: true, encoding: .utf8)
        let args = ["--hardware", hardware.path, "--distribute", "pgbench_accounts=aid", "--distribute", "pgbench_history=aid",
                    "--reference", "pgbench_branches", "--reference", "pgbench_tellers"]
        let url = "postgres://postgres:\(Self.password)@127.0.0.1:\(pg.port)/postgres?sslmode=disable"
        let scenario = dir.appendingPathComponent("imported.yaml"), model = dir.appendingPathComponent("source.yaml")
        let live = try CLI.run(["import", url, "--out", scenario.path, "--source-model", model.path] + args)
        XCTAssertEqual(live.status, 0, live.stderr)
        let text = try String(contentsOf: scenario, encoding: .utf8)
        for c in ["select_pgbench_accounts", "update_pgbench_accounts", "insert_pgbench_history"] {
            XCTAssertTrue(text.contains("- name: \(c)\n      kind: router"), "class \(c) missing or not a router class:\n\(text)")
        }
        XCTAssertTrue(text.contains("count: 500000  # pg_stats.n_distinct"), text)

        XCTAssertEqual(try CLI.run(["validate", scenario.path]).status, 0)
        let runOut = dir.appendingPathComponent("run")
        let run = try CLI.run(["run", scenario.path, "--out", runOut.path, "--duration", "20s", "--set", "run.warmup=5s", "--replications", "1"])
        XCTAssertEqual(run.status, 0, run.stderr)

        // The measured server's model on seeds the calibration did not use.
        let modelOut = dir.appendingPathComponent("model")
        let replay = try CLI.run(["run", model.path, "--out", modelOut.path, "--seed", "99", "--replications", "2"])
        XCTAssertEqual(replay.status, 0, replay.stderr)
        let summary = try String(contentsOf: modelOut.appendingPathComponent("summary.csv"), encoding: .utf8)
        for (name, ms) in observedMs {
            let row = summary.split(separator: "\n").first { $0.hasPrefix("\(name).latency_mean_ms,") }
            let simulated = row.flatMap { Double($0.split(separator: ",")[1]) }
            XCTAssertNotNil(simulated, "no \(name).latency_mean_ms in summary.csv")
            XCTAssertEqual(simulated ?? 0, ms, accuracy: 0.15 * ms, "\(name): simulated \(simulated ?? 0) ms against the observed \(ms) ms")
        }

        // The exports give the same tables, tenants and classes (the rate's window differs: the
        // exports were read a moment earlier).
        let fromCSV = dir.appendingPathComponent("from-csv.yaml")
        let offline = try CLI.run(["import", "--csv", exports.path, "--out", fromCSV.path] + args)
        XCTAssertEqual(offline.status, 0, offline.stderr)
        let csvText = try String(contentsOf: fromCSV, encoding: .utf8)
        func structure(_ yaml: String) -> [Substring] {
            yaml.split(separator: "\n").filter { l in ["  - {name:", "  count:", "    - name:", "      kind:", "      command:", "      share:", "      table:"].contains { l.hasPrefix($0) } }
        }
        XCTAssertEqual(structure(text), structure(csvText))
        XCTAssertEqual(structure(text).count, 4 + 1 + 3 * 5)

        // The password appears in no output of either import.
        for output in [live.stdout, live.stderr, text, try String(contentsOf: model, encoding: .utf8), offline.stdout, offline.stderr, csvText] {
            XCTAssertFalse(output.contains(Self.password), "the password leaked into: \(output.prefix(300))")
        }
        XCTAssertTrue(live.stdout.contains("postgres://postgres:***@127.0.0.1"), live.stdout)

        // A monitoring role (pg_monitor, SELECT on the tables, no superuser) with a password
        // imports the same classes; a wrong password and TLS the server does not offer are one
        // line each, exit 2, nothing written, no password shown.
        try pg.psql("CREATE ROLE monitor LOGIN PASSWORD '\(Self.password)' IN ROLE pg_monitor")
        try pg.psql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO monitor")
        try pg.requirePassword(for: "monitor")
        let monitored = dir.appendingPathComponent("monitor.yaml")
        let asMonitor = try CLI.run(["import", "postgres://monitor:\(Self.password)@127.0.0.1:\(pg.port)/postgres?sslmode=disable", "--out", monitored.path, "--no-calibrate"] + args)
        XCTAssertEqual(asMonitor.status, 0, asMonitor.stderr)
        XCTAssertEqual(structure(try String(contentsOf: monitored, encoding: .utf8)), structure(text))
        let refusedOut = dir.appendingPathComponent("refused.yaml")
        for (url, expected) in [("postgres://monitor:wrong-\(Self.password)@127.0.0.1:\(pg.port)/postgres?sslmode=disable", "authentication refused"),
                                ("postgres://monitor:\(Self.password)@127.0.0.1:\(pg.port)/postgres?sslmode=require", "does not accept TLS")] {
            let r = try CLI.run(["import", url, "--out", refusedOut.path] + args)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertEqual(r.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr)
            XCTAssertFalse((r.stdout + r.stderr).contains(Self.password), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: refusedOut.path))
        }
    }

    /// A single server with two whales (30% and 10% of the rows) among 1,000 tenants: the
    /// import keeps each most common tenant's own share of the data and of the queries, as
    /// pg_stats has them, instead of smoothing them into the Zipf fit.
    func testSingleServerWhalesKeepTheirOwnShares() throws {
        let pg = try TemporaryPostgres()
        addTeardownBlock { pg.stop() }
        let dir = try CLI.temporaryDirectory(self)
        try pg.psql("CREATE TABLE orders (tenant_id int, amount int, note text)")
        try pg.psql("""
            INSERT INTO orders SELECT CASE WHEN i <= 6000 THEN 1 WHEN i <= 8000 THEN 2 ELSE 3 + i % 1000 END, i, repeat('x', 50)
            FROM generate_series(1, 20000) AS i
            """)
        try pg.psql("ANALYZE orders")
        try pg.psql("CREATE EXTENSION pg_stat_statements")
        for t in [1, 2, 7] { try pg.psql("SELECT sum(amount) FROM orders WHERE tenant_id = \(t)") }
        let freqs = try pg.psql("SELECT array_to_string(most_common_freqs, ',') FROM pg_stats WHERE tablename = 'orders' AND attname = 'tenant_id'")
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Double($0) }
        XCTAssertEqual(freqs.prefix(2).map { ($0 * 100).rounded() }, [30, 10], "pg_stats reads the whole table (20,000 rows < its 30,000-row sample)")
        let out = dir.appendingPathComponent("orders.yaml")
        let r = try CLI.run(["import", "postgres://postgres@127.0.0.1:\(pg.port)/postgres?sslmode=disable", "--distribute", "orders=tenant_id",
                             "--out", out.path, "--no-calibrate"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: out, encoding: .utf8)
        let total = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("  total_size_gib: ") }.flatMap { Double($0.split(separator: " ")[1]) })
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("    - {rank: ") }
        XCTAssertEqual(rows.count, freqs.count)
        func field(_ row: Substring, _ key: String) -> Double? {
            row.components(separatedBy: "\(key): ").dropFirst().first.flatMap { Double($0.prefix { $0 != "," && $0 != "}" }) }
        }
        for (k, f) in freqs.enumerated() {
            XCTAssertEqual(try XCTUnwrap(field(rows[k], "activity_share")), f, accuracy: 1.01e-6, "rank \(k + 1)")
            XCTAssertEqual(try XCTUnwrap(field(rows[k], "size_gib")), f * total, accuracy: 2e-6 + 1e-3 * f * total, "rank \(k + 1)")
        }
        XCTAssertEqual(try CLI.run(["validate", out.path]).status, 0)
    }

    /// Each table's replica identity as logical replication sees it: a primary key or an identity
    /// index is one (FULL with a key still finds rows by the key), FULL without a key is `full`
    /// (the apply worker scans for every UPDATE and DELETE), none or NOTHING is none.
    func testReplicaIdentityAsLogicalReplicationSeesIt() throws {
        let pg = try TemporaryPostgres()
        addTeardownBlock { pg.stop() }
        let dir = try CLI.temporaryDirectory(self)
        try pg.psql("""
            CREATE TABLE keyed (t int PRIMARY KEY); CREATE TABLE full_keyed (t int PRIMARY KEY); ALTER TABLE full_keyed REPLICA IDENTITY FULL;
            CREATE TABLE full_scan (t int); ALTER TABLE full_scan REPLICA IDENTITY FULL;
            CREATE TABLE by_index (t int NOT NULL); CREATE UNIQUE INDEX by_index_t ON by_index (t); ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_t;
            CREATE TABLE bare (t int); CREATE TABLE nothing (t int PRIMARY KEY); ALTER TABLE nothing REPLICA IDENTITY NOTHING
            """)
        let names = ["keyed", "full_keyed", "full_scan", "by_index", "bare", "nothing"]
        try pg.psql("CREATE EXTENSION pg_stat_statements")
        for name in names { try pg.psql("SELECT count(*) FROM \(name) WHERE t = 1") }
        let out = dir.appendingPathComponent("identity.yaml")
        let r = try CLI.run(["import", "postgres://postgres@127.0.0.1:\(pg.port)/postgres?sslmode=disable", "--out", out.path, "--no-calibrate"]
                            + names.flatMap { ["--distribute", "\($0)=t"] })
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: out, encoding: .utf8)
        let identity = names.map { name in
            text.split(separator: "\n").first { $0.contains("{name: \"\(name)\",") }?.components(separatedBy: "replica_identity: ").dropFirst().first?.prefix { $0 != "," }
        }
        XCTAssertEqual(identity, ["true", "true", "full", "true", "false", "false"], text)
        XCTAssertEqual(try CLI.run(["validate", out.path]).status, 0)
    }

    /// A refused connection is one line naming the redacted URL, exit 2, nothing written.
    func testUnreachableServerIsOneLineAndWritesNothing() throws {
        let dir = try CLI.temporaryDirectory(self)
        let out = dir.appendingPathComponent("s.yaml")
        let port = try TemporaryPostgres.freePort()
        let r = try CLI.run(["import", "postgres://app:\(Self.password)@127.0.0.1:\(port)/db?sslmode=disable&connect_timeout=5", "--out", out.path,
                             "--distribute", "t=c"])
        XCTAssertEqual(r.status, 2, r.stderr)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
        XCTAssertEqual(errors.count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("cannot connect to postgres://app:***@127.0.0.1:\(port)/db"), r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains(Self.password))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    /// A bad sslmode names the parameter and the valid values, without the password.
    func testBadConnectionStringNamesTheProblem() throws {
        let r = try CLI.run(["import", "postgres://app:\(Self.password)@db:5432/x?sslmode=sometimes", "--out", "/tmp/never-written.yaml"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("sslmode=sometimes") && r.stderr.contains("verify-full"), r.stderr)
        XCTAssertFalse(r.stderr.contains(Self.password), r.stderr)
    }
}

/// The Citus path, on psql exports recorded from the lab's real Citus 13.2 (experiment i:
/// Lab/measured/import-citus): a multi-tenant workload on an uneven layout.
final class CitusImportTests: XCTestCase {
    static let exports = "Lab/measured/import-citus"

    func testLabExportsImportAsTheCommittedScenario() throws {
        let dir = try CLI.temporaryDirectory(self)
        let out = dir.appendingPathComponent("citus.yaml")
        let r = try CLI.run(["import", "--csv", Self.exports, "--hardware", "\(Self.exports)/hardware.yaml", "--out", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: out, encoding: .utf8)
        // The same scenario but for the layout's paths, which are relative to where it is written.
        let committed = try String(contentsOf: CLI.packageRoot.appendingPathComponent("Lab/replay/imported/citus-lab.yaml"), encoding: .utf8)
        func withoutLayout(_ s: String) -> String { s.split(separator: "\n").filter { !$0.hasPrefix("  layout:") }.joined(separator: "\n") }
        XCTAssertEqual(withoutLayout(text), withoutLayout(committed), "a fresh import differs from the committed one (bash Reports/regenerate)")
        XCTAssertTrue(committed.contains("  layout: {nodes: \"../../measured/import-citus/nodes.csv\", shards: \"../../measured/import-citus/shards.csv\"}"), committed)
        XCTAssertTrue(text.contains("  layout: {nodes: \""), text)
        // What the cluster has: 3 workers (pg_dist_node), two colocated distributed tables and a
        // reference table (citus_shards), the kinds Citus reported (citus_stat_statements), the
        // application's 4 pgbench sessions (pg_stat_activity), the tenants' activity fitted.
        XCTAssertTrue(text.contains("workers: {count: 3,"), text)
        XCTAssertTrue(text.contains("{name: \"imp_accounts\", type: distributed"), text)
        XCTAssertTrue(text.contains("{name: \"imp_events\", type: distributed") && text.contains("colocate_with: \"imp_accounts\""), text)
        XCTAssertTrue(text.contains("{name: \"imp_plans\", type: reference"), text)
        XCTAssertTrue(text.contains("- name: select_imp_events\n      kind: router"), text)
        XCTAssertTrue(text.contains("- name: update_imp_accounts\n      kind: router"), text)
        XCTAssertTrue(text.contains("- name: select_imp_events_all_shards\n      kind: multi_shard"), text)
        XCTAssertTrue(text.contains("sessions: 4  # pg_stat_activity"), text)
        // activity_zipf: minus the least-squares slope of log(count) on log(rank), recomputed here.
        let tenants = try String(contentsOf: CLI.packageRoot.appendingPathComponent("\(Self.exports)/tenants.csv"), encoding: .utf8)
        let counts = tenants.split(separator: "\n").dropFirst().map { row -> Double in
            let f = row.split(separator: ","); return (Double(f[1]) ?? 0) + (Double(f[2]) ?? 0)
        }.filter { $0 > 0 }.sorted(by: >)
        let xs = counts.indices.map { log(Double($0 + 1)) }, ys = counts.map { log($0) }
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        let slope = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        let zipf = text.split(separator: "\n").first { $0.hasPrefix("  activity_zipf:") }.flatMap { Double($0.split(separator: " ")[1]) }
        XCTAssertEqual(zipf ?? 0, -slope, accuracy: 0.001)
        // The 100 listed tenants keep their own shares: count / (the listed counts + the unseen
        // ranks 101-1000 on the fitted line), rounded down to 6 decimals.
        let scale = exp(my - slope * mx)
        let tail = (101...1_000).reduce(0.0) { $0 + scale * pow(Double($1), slope) }
        let total = counts.reduce(0, +) + tail
        let shares = text.split(separator: "\n").filter { $0.hasPrefix("    - {rank: ") }.compactMap { line in
            line.split(separator: " ").last.flatMap { Double($0.dropLast()) }
        }
        XCTAssertEqual(shares.count, counts.count)
        for (k, share) in shares.enumerated() { XCTAssertEqual(share, counts[k] / total, accuracy: 1.01e-6, "rank \(k + 1)") }
        XCTAssertLessThanOrEqual(shares.reduce(0, +), 1)
        XCTAssertFalse(text.contains("did not converge"), text)
    }

    /// A hardware file may give the workers in groups of different sizes, in node order: the
    /// imported scenario has them as `cluster.workers` groups (validated and run); a group
    /// without a count is an error at its line, and nothing is written.
    func testHardwareFileGroupsWorkersOfDifferentSizes() throws {
        let dir = try CLI.temporaryDirectory(self)
        let hardware = dir.appendingPathComponent("hw.yaml")
        try "coordinator: {cores: 2, memory_gib: 6}\nworkers:\n  - {count: 2, cores: 2, memory_gib: 6}\n  - {count: 1, cores: 4, memory_gib: 12, disk_iops: 5000}\n"
            .write(to: hardware, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("groups.yaml")
        let r = try CLI.run(["import", "--csv", Self.exports, "--hardware", hardware.path, "--out", out.path, "--no-calibrate"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(text.contains("  workers:  # pg_dist_node: 3 worker(s); sizes from \(hardware.path), in node order\n    - {count: 2, cores: 2, memory_gib: 6"), text)
        XCTAssertTrue(text.contains("\n    - {count: 1, cores: 4, memory_gib: 12,"), text)
        XCTAssertTrue(text.contains("disk_iops: 5000"), text)
        let run = try CLI.run(["run", out.path, "--out", dir.appendingPathComponent("run").path, "--duration", "10s", "--set", "run.warmup=2s", "--replications", "1"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let nodes = try String(contentsOf: dir.appendingPathComponent("run/nodes.csv"), encoding: .utf8)
        XCTAssertTrue(nodes.contains("worker-3"), nodes)

        try "workers:\n  - {cores: 2, memory_gib: 6}\n".write(to: hardware, atomically: true, encoding: .utf8)
        let bad = dir.appendingPathComponent("bad.yaml")
        let refused = try CLI.run(["import", "--csv", Self.exports, "--hardware", hardware.path, "--out", bad.path, "--no-calibrate"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("\(hardware.path):2:"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("count"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad.path))
    }

    /// work_mem and hash_mem_multiplier come from pg_settings (work_mem in kB) onto every node,
    /// when they are not PostgreSQL 15's defaults (which the scenario's defaults are).
    func testWorkMemComesFromPgSettings() throws {
        let dir = try CLI.temporaryDirectory(self)
        let exports = dir.appendingPathComponent("exports")
        try FileManager.default.copyItem(atPath: Self.exports, toPath: exports.path)
        let settings = exports.appendingPathComponent("settings.csv")
        let original = try String(contentsOf: settings, encoding: .utf8)
        XCTAssertTrue(original.contains("\nwork_mem,4096,kB\n"), "the lab's export has the default work_mem")
        try (original.replacingOccurrences(of: "\nwork_mem,4096,kB\n", with: "\nwork_mem,65536,kB\n") + "hash_mem_multiplier,1.5,\n")
            .write(to: settings, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("workmem.yaml")
        let r = try CLI.run(["import", "--csv", exports.path, "--out", out.path, "--no-calibrate"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: out, encoding: .utf8)
        let nodes = text.components(separatedBy: "\n").filter { $0.contains("memory_gib:") }
        XCTAssertEqual(nodes.count, 2, text)
        for line in nodes { XCTAssertTrue(line.contains("work_mem_mib: 64, hash_mem_multiplier: 1.5"), line) }
        let committed = try String(contentsOfFile: "Lab/replay/imported/citus-lab.yaml", encoding: .utf8)
        XCTAssertFalse(committed.contains("work_mem_mib"), "the default work_mem is not written")
    }

    /// Two reads of the same cluster (`--earlier`) give the capacity runway: compound growth
    /// per month of the data (citus_shards) and of the traffic (citus_stat_tenants' queries)
    /// between the reads' times. An earlier read that is not earlier is refused, nothing written.
    func testTwoReadsGiveTheRunwaysGrowth() throws {
        let dir = try CLI.temporaryDirectory(self)
        let earlier = dir.appendingPathComponent("earlier")
        try FileManager.default.copyItem(at: CLI.packageRoot.appendingPathComponent(Self.exports), to: earlier)
        func rewrite(_ file: String, _ change: ([String], inout [String]) -> Void) throws {
            let url = earlier.appendingPathComponent(file)
            var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            for i in lines.indices.dropFirst() { change(lines[0], &lines[i]) }
            try (lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        }
        func total(_ dir: URL, _ file: String, _ columns: [String]) throws -> Double {
            let lines = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let index = columns.map { c in lines[0].firstIndex { $0 == c }! }
            return lines.dropFirst().reduce(0) { sum, row in sum + index.reduce(0) { $0 + (Double(row[$1]) ?? 0) } }
        }
        // 30 days before the lab's read, with 4/5 of the data and half the tenants' queries.
        try rewrite("server.csv") { h, row in row[h.firstIndex(of: "read_at")!] = "2026-11-05T11:25:17Z" }
        try rewrite("shards.csv") { h, row in let i = h.firstIndex(of: "shard_size")!; row[i] = String(Int(row[i])! * 4 / 5) }
        try rewrite("tenants.csv") { h, row in
            for c in ["query_count_in_this_period", "query_count_in_last_period"] { let i = h.firstIndex(of: c)!; row[i] = String(Int(row[i])! / 2) }
        }
        let now = CLI.packageRoot.appendingPathComponent(Self.exports)
        let months = 30 / 30.4375
        let data = pow(try total(now, "shards.csv", ["shard_size"]) / total(earlier, "shards.csv", ["shard_size"]), 1 / months) - 1
        let queries = ["query_count_in_this_period", "query_count_in_last_period"]
        let traffic = pow(try total(now, "tenants.csv", queries) / total(earlier, "tenants.csv", queries), 1 / months) - 1
        XCTAssertGreaterThan(traffic, data)
        let out = dir.appendingPathComponent("grown.yaml")
        let r = try CLI.run(["import", "--csv", Self.exports, "--hardware", "\(Self.exports)/hardware.yaml", "--earlier", earlier.path, "--out", out.path, "--no-calibrate"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOf: out, encoding: .utf8)
        let runway = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("  runway: {") }, text)
        func field(_ key: String) -> Double? { runway.components(separatedBy: "\(key): ").dropFirst().first.flatMap { Double($0.prefix { $0 != "," && $0 != "}" }) } }
        XCTAssertEqual(try XCTUnwrap(field("data_per_month")), data, accuracy: 5e-4 * data)
        XCTAssertEqual(try XCTUnwrap(field("traffic_per_month")), traffic, accuracy: 5e-4 * traffic)
        XCTAssertTrue(runway.contains("as_of: 2026-12}"), String(runway))
        XCTAssertEqual(try CLI.run(["validate", out.path]).status, 0)

        let refusedOut = dir.appendingPathComponent("refused.yaml")
        let refused = try CLI.run(["import", "--csv", earlier.path, "--earlier", Self.exports, "--out", refusedOut.path, "--no-calibrate"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("error: --earlier: the exports in \(Self.exports), read at 2026-12-05T11:25:17Z, is not before this read (2026-11-05T11:25:17Z)"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: refusedOut.path))
    }

    /// The imported scenario reproduces each class's observed mean time on seeds the
    /// calibration did not use (the calibration ran seed 1 for 60 s).
    func testImportedScenarioReproducesTheObservedMeans() throws {
        let dir = try CLI.temporaryDirectory(self)
        let run = try CLI.run(["run", "Lab/replay/imported/citus-lab.yaml", "--out", dir.path, "--seed", "42", "--duration", "2m",
                               "--set", "run.warmup=20s", "--replications", "2"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let summary = try String(contentsOf: dir.appendingPathComponent("summary.csv"), encoding: .utf8)
        let statements = try String(contentsOf: CLI.packageRoot.appendingPathComponent("\(Self.exports)/statements.csv"), encoding: .utf8)
        for (name, prefix) in [("select_imp_events", "\"SELECT count(*), max(id)"), ("update_imp_accounts", "UPDATE imp_accounts"),
                               ("select_imp_events_all_shards", "SELECT count(*) FROM imp_events WHERE payload")] {
            let row = statements.split(separator: "\n").first { $0.contains(prefix) }
            let observed = row.flatMap { Double($0.split(separator: ",")[3]) }  // mean_exec_time
            let simulated = summary.split(separator: "\n").first { $0.hasPrefix("\(name).service_mean_ms,") }.flatMap { Double($0.split(separator: ",")[1]) }
            XCTAssertNotNil(observed, name)
            XCTAssertNotNil(simulated, name)
            XCTAssertEqual(simulated ?? 0, observed ?? 1, accuracy: 0.15 * (observed ?? 1), "\(name): simulated \(simulated ?? 0) ms, observed \(observed ?? 0) ms")
        }
    }

    /// `plan` on the exported metadata gives the plan Citus itself gave for that cluster
    /// (get_rebalance_table_shards_plan(), exported with it).
    func testPlanOnTheExportsIsCitusPlan() throws {
        let r = try CLI.run(["plan", "--nodes", "\(Self.exports)/nodes.csv", "--shards", "\(Self.exports)/shards.csv"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let citus = try String(contentsOf: CLI.packageRoot.appendingPathComponent("\(Self.exports)/rebalance_plan.csv"), encoding: .utf8)
        XCTAssertEqual(r.stdout, citus)
        XCTAssertGreaterThan(citus.split(separator: "\n").count, 1, "Citus planned no move; the fixture should be uneven")
    }
}

/// README lists the export script for operators who read before they run anything.
final class ImportDocumentationTests: XCTestCase {
    func testReadmeListsTheExportScriptExactly() throws {
        let readme = try String(contentsOf: CLI.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "<!-- psql-script -->\n```sql\n")), end = try XCTUnwrap(readme.range(of: "```\n<!-- /psql-script -->"))
        let script = try CLI.run(["import", "--psql-script"])
        XCTAssertEqual(script.status, 0)
        XCTAssertEqual(String(readme[start.upperBound..<end.lowerBound]), script.stdout, "README's export script differs from `citus-sim import --psql-script`")
    }
}
