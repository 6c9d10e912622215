import Foundation
import XCTest

/// Issue 23, item 10: the command line a new user reaches for in the first hour.
final class FirstHourCommandTests: XCTestCase {
    func run(_ arguments: [String]) throws -> CLI.Output { try CLI.run(arguments) }

    /// Every `init` template is written, validates, and runs (the sizing one is a `recommend`
    /// question: it validates, and runs as a plain simulation too).
    func testInitTemplatesValidateAndRun() throws {
        let dir = try CLI.temporaryDirectory(self)
        for template in ["multi-tenant", "realtime", "sizing"] {
            let file = dir.appendingPathComponent("\(template).yaml").path
            let w = try run(["init", "--template", template, "--out", file])
            XCTAssertEqual(w.status, 0, w.stderr)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            XCTAssertTrue(text.hasPrefix("# A starting scenario written by `citus-sim init`"))
            let v = try run(["validate", file])
            XCTAssertEqual(v.status, 0, "\(template): \(v.stderr)")
            let r = try run(["run", file, "--duration", "40s", "--set", "run.warmup=5s", "--set", "run.replications=2", "--out", dir.appendingPathComponent(template).path, "--threads", "1"])
            XCTAssertEqual(r.status, 0, "\(template): \(r.stderr)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("\(template)/report.html").path))
        }
        // An existing file is not replaced without --force; a bad template is named.
        let again = try run(["init", "--out", dir.appendingPathComponent("sizing.yaml").path])
        XCTAssertEqual(again.status, 2)
        XCTAssertTrue(again.stderr.contains("exists; choose another --out or pass --force"), again.stderr)
        let bad = try run(["init", "--template", "saas"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--template must be one of multi-tenant, realtime, sizing, got saas"), bad.stderr)
    }

    /// `--set` and `--duration` change the run as the file's own keys would, and a bad value
    /// or key is reported against the argument, exit 2, nothing written.
    func testSetAndDurationAreQuickWhatIfs() throws {
        let dir = try CLI.temporaryDirectory(self)
        let base = ["run", "Scenarios/multi-tenant-saas.yaml", "--set", "run.replications=1", "--duration", "45s", "--set", "run.warmup=5s", "--threads", "1"]
        let a = try run(base + ["--out", dir.appendingPathComponent("a").path])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(a.stdout.contains("8 workers x 16 cores, 32 shards, 100000 tenants, 1 replications"), a.stdout)
        let summary = try String(contentsOfFile: dir.appendingPathComponent("a/summary.json").path, encoding: .utf8)
        XCTAssertTrue(summary.contains("\"duration_seconds\": 45.000"), String(summary.prefix(600)))
        let b = try run(base + ["--set", "citus.shard_count=64", "--out", dir.appendingPathComponent("b").path])
        XCTAssertEqual(b.status, 0, b.stderr)
        XCTAssertTrue(b.stdout.contains("8 workers x 16 cores, 64 shards"), b.stdout)
        let bad = try run(base + ["--set", "citus.shard_count=lots", "--out", dir.appendingPathComponent("c").path])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--set citus.shard_count=lots: error: `citus.shard_count`"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("c").path))
        let typo = try run(["validate", "Scenarios/multi-tenant-saas.yaml", "--set", "citus.shard_cont=64"])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("--set citus.shard_cont=64: error: unknown key `citus.shard_cont`"), typo.stderr)
        let malformed = try run(["validate", "Scenarios/multi-tenant-saas.yaml", "--set", "shard_count"])
        XCTAssertEqual(malformed.status, 2)
        XCTAssertTrue(malformed.stderr.contains("--set takes KEY=VALUE"), malformed.stderr)
    }

    /// `--version` names the Citus release; help shows one default for --threads and tells
    /// `run` writes report.html.
    func testVersionAndHelp() throws {
        let v = try run(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.stdout.contains("Citus 13.2"), v.stdout)
        let help = try run(["run", "--help"])
        XCTAssertTrue(help.stdout.contains("report.html"), help.stdout)
        let threads = help.stdout.components(separatedBy: "--threads <threads>").last ?? ""
        let line = threads.components(separatedBy: "--trace").first ?? ""
        XCTAssertEqual(line.components(separatedBy: "default").count - 1, 1, "one default for --threads: \(line)")
    }

    /// Item 11 (and issue 21): runbooks chain. `apply --nodes-out` writes the node table after
    /// `citus_add_node`, so the next runbook can move shards to the new node; the shards file
    /// keeps a text distribution column, so isolating a text tenant still works afterwards.
    func testApplyChainsAfterAddNodeAndKeepsTextKeys() throws {
        let dir = try CLI.temporaryDirectory(self)
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        try "nodeid,groupid,nodename,nodeport,shouldhaveshards\n1,0,coordinator,5432,f\n2,1,worker-1,5432,t\n3,2,worker-2,5432,t\n"
            .write(toFile: path("nodes.csv"), atomically: true, encoding: .utf8)
        try """
            table_name,shardid,citus_table_type,colocation_id,nodename,nodeport,shard_size,shardminvalue,shardmaxvalue,distribution_column_type
            orgs,102008,distributed,1,worker-1,5432,1000000,-2147483648,-1,text
            orgs,102009,distributed,1,worker-2,5432,1000000,0,2147483647,text

            """.write(toFile: path("shards.csv"), atomically: true, encoding: .utf8)
        try "SELECT citus_add_node('worker-3', 5432);\n".write(toFile: path("1.sql"), atomically: true, encoding: .utf8)
        let first = try run(["apply", "--nodes", path("nodes.csv"), "--shards", path("shards.csv"), "--sql", path("1.sql"), "--nodes-out", path("nodes2.csv")])
        XCTAssertEqual(first.status, 0, first.stderr)
        try first.stdout.write(toFile: path("shards2.csv"), atomically: true, encoding: .utf8)
        XCTAssertTrue(first.stdout.hasPrefix("table_name,shardid,citus_table_type,colocation_id,nodename,nodeport,shard_size,shardminvalue,shardmaxvalue,distribution_column_type\n"), first.stdout)
        XCTAssertTrue(try String(contentsOfFile: path("nodes2.csv"), encoding: .utf8).contains("\n4,3,worker-3,5432,default,t,t,primary,default,t,t\n"))
        try """
            SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-3', 5432, shard_transfer_mode := 'block_writes');
            SELECT isolate_tenant_to_new_shard('orgs', 'acme', shard_transfer_mode := 'block_writes');

            """.write(toFile: path("2.sql"), atomically: true, encoding: .utf8)
        let second = try run(["apply", "--nodes", path("nodes2.csv"), "--shards", path("shards2.csv"), "--sql", path("2.sql")])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(second.stdout.split(separator: "\n").filter { $0.hasPrefix("orgs,") }.count, 4, "two shards, one split in three")
        XCTAssertTrue(second.stdout.contains(",worker-3,5432,"), second.stdout)
    }
}

/// Issue 23, item 3: when every candidate is rejected before simulation, the report says why
/// in the open, with the cheapest candidate's rules, instead of empty tables and charts.
final class NothingSimulatedTests: XCTestCase {
    func testAdviceSaysWhyNothingWasSimulated() throws {
        let dir = try CLI.temporaryDirectory(self)
        let file = dir.appendingPathComponent("s.yaml").path
        XCTAssertEqual(try CLI.run(["init", "--template", "sizing", "--out", file]).status, 0)
        let r = try CLI.run(["recommend", file, "--budget", "0.01", "--out", dir.appendingPathComponent("out").path, "--threads", "1"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("nothing was simulated: every candidate was rejected before simulation (budget: "), r.stdout)
        let html = try String(contentsOfFile: dir.appendingPathComponent("out/report.html").path, encoding: .utf8)
        XCTAssertTrue(html.contains("Nothing was simulated: every one of the"), "the reason is shown")
        XCTAssertTrue(html.contains("<details open>"), "the rejected candidates are open")
        XCTAssertTrue(html.contains("shard-count-multi-tenant") || html.contains("Multi-tenant SaaS: choose 32 to 128 shards"), "the cheapest candidate's rules are listed")
        XCTAssertFalse(html.contains(">no data<"), "no empty chart")
    }
}
