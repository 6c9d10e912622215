import Foundation
import XCTest

/// Runs the built `citus-sim` executable as a user would, from the package root.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable built beside this test bundle.
    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("citus-sim").path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("citus-sim")
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ arguments: [String]) throws -> Output {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = packageRoot
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh directory removed when `test` ends.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("citus-sim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }
}

/// `run` and `validate` in separate processes: Swift seeds `Hasher` per process, so only
/// separate processes show that no dictionary or set order reaches the output.
final class CommandLineTests: XCTestCase {
    func run(_ arguments: [String]) throws -> CLI.Output { try CLI.run(arguments) }
    func temporaryDirectory() throws -> URL { try CLI.temporaryDirectory(self) }

    func contents(_ dir: URL) throws -> String {
        try ["summary.json", "summary.csv"].map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined()
    }

    /// SIGINT during a run: a message on stderr saying nothing was written and how far it got,
    /// exit 130, and the output directory as it was.
    func testInterruptedRunLeavesPreviousResults() throws {
        let dir = try temporaryDirectory().appendingPathComponent("out")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try "previous".write(to: dir.appendingPathComponent("summary.json"), atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = CLI.executable
        p.arguments = ["run", "Scenarios/multi-tenant-saas.yaml", "--out", dir.path, "--threads", "1"]
        p.currentDirectoryURL = CLI.packageRoot
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        Thread.sleep(forTimeInterval: 3)  // loaded and simulating (the three replications take longer)
        p.interrupt()
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 130, e)
        // One thread: a replication takes a few seconds, so 0, 1 or 2 of 3 may have finished.
        let said = "interrupted: nothing written; the previous results in \(dir.path) are unchanged. replications finished before the interrupt: "
        XCTAssertTrue(["0/3", "1/3", "2/3"].contains { e.contains(said + $0) }, e)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("summary.json"), encoding: .utf8), "previous")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["summary.json"])
    }

    /// A small cluster scenario whose p99 target (0.01 ms) nothing meets, written to `dir`/s.yaml.
    static func impossibleSLOScenario(in dir: URL, advisor: String = "") throws -> URL {
        let scenario = dir.appendingPathComponent("s.yaml")
        try ("""
            version: 1
            kind: cluster
            run: {seed: 1, duration: 10s, warmup: 2s, replications: 3}
            cluster:
              coordinator: {cores: 4, memory_gib: 8}
              workers: {count: 2, cores: 2, memory_gib: 8}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 200, total_size_gib: 1}
            workload:
              arrivals: {rate_per_second: 100, sessions: 20}
              classes:
                - {name: lookup, kind: router, share: 1, table: events, worker_cpu: {distribution: exponential, mean: 2ms}}
            slo:
              p99_ms: {lookup: 0.01}

            """ + advisor).write(to: scenario, atomically: true, encoding: .utf8)
        return scenario
    }

    /// `run --check` exits 1 when an objective is missed, and still writes the results.
    func testRunCheckExitsOneOnAMissedSLO() throws {
        let tmp = try temporaryDirectory()
        let scenario = try Self.impossibleSLOScenario(in: tmp)
        let out = tmp.appendingPathComponent("out")
        let missed = try run(["run", scenario.path, "--out", out.path, "--check"])
        XCTAssertEqual(missed.status, 1, missed.stderr)
        XCTAssertTrue(missed.stdout.contains("SLO lookup p99 <= 0.0 ms: NOT met"), missed.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.json").path))
        XCTAssertEqual(try run(["run", scenario.path, "--out", out.path]).status, 0, "without --check a miss is not an error")
    }

    /// `recommend` with an objective nothing meets: exit 1, the closest candidates named, files written.
    func testRecommendWithoutAnAnswerExitsOne() throws {
        let tmp = try temporaryDirectory()
        let scenario = try Self.impossibleSLOScenario(in: tmp, advisor: """
            advisor:
              search: {worker_counts: [1], instances: [general-2, general-4]}
              scale_out: false
            """)
        let out = tmp.appendingPathComponent("advice")
        let r = try run(["recommend", scenario.path, "--out", out.path, "--threads", "2"])
        XCTAssertEqual(r.status, 1, r.stderr)
        // Which of the two comes closer is the model's answer: the message names advice.json's
        // first closest candidate, with its miss.
        let advice = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("advice.json"))) as? [String: Any]
        let closest = try XCTUnwrap((advice?["closest"] as? [[String: Any]])?.first?["label"] as? String)
        XCTAssertTrue(closest.hasPrefix("1 x general-"), closest)
        XCTAssertTrue(r.stdout.hasPrefix("No configuration meets every SLO (2 simulated of 2); closest: \(closest): misses lookup p99"), r.stdout)
        XCTAssertFalse(r.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")
        for f in ["recommendations.csv", "advice.json", "report.html"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), f)
        }
    }

    /// Same scenario and seed in two processes (and with different thread counts) give
    /// byte-identical files; another seed changes them.
    func testRunsAreByteIdenticalAcrossProcessesAndThreadCounts() throws {
        let tmp = try temporaryDirectory()
        let scenario = "Scenarios/kernel-station.yaml"
        let small = ["--replications", "4"]
        let a = tmp.appendingPathComponent("a"), b = tmp.appendingPathComponent("b"), c = tmp.appendingPathComponent("c")
        XCTAssertEqual(try run(["run", scenario, "--out", a.path, "--threads", "1"] + small).status, 0)
        XCTAssertEqual(try run(["run", scenario, "--out", b.path, "--threads", "3"] + small).status, 0)
        XCTAssertEqual(try run(["run", scenario, "--out", c.path, "--seed", "43"] + small).status, 0)
        let first = try contents(a)
        XCTAssertTrue(first.contains("\"response_latency_p99_ms\""))
        XCTAssertEqual(first, try contents(b))
        XCTAssertNotEqual(first, try contents(c))
    }

    /// The same for a cluster scenario: all output files, two processes, 1 vs 2 threads.
    func testClusterRunsAreByteIdenticalAcrossProcessesAndThreadCounts() throws {
        let tmp = try temporaryDirectory()
        let scenario = tmp.appendingPathComponent("small.yaml")
        try """
            version: 1
            kind: cluster
            run: {seed: 5, duration: 20s, warmup: 2s, replications: 2, sample_interval: 5s}
            cluster:
              coordinator: {cores: 8, memory_gib: 32}
              workers: {count: 3, cores: 4, memory_gib: 16, shared_buffers_gib: 4}
            citus: {shard_count: 12, stat_tenants_track: all, stat_statements_track: all}
            tables: [{name: events, type: distributed}]
            tenants: {count: 500, total_size_gib: 20, size_zipf: 1.1}
            workload:
              arrivals: {rate_per_second: 300, sessions: 20}
              classes:
                - {name: lookup, kind: router, share: 0.9, worker_cpu: {distribution: exponential, mean: 2ms}, bytes_read_kib: 64}
                - {name: report, kind: multi_shard, share: 0.1, worker_cpu: {distribution: exponential, mean: 5ms}}
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let names = ["summary.json", "summary.csv", "classes.csv", "nodes.csv", "tenants.csv", "timeseries_classes.csv", "timeseries_nodes.csv", "stat_tenants.csv", "stat_statements.csv"]
        func output(_ dir: URL) throws -> String { try names.map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined() }
        let a = tmp.appendingPathComponent("a"), b = tmp.appendingPathComponent("b"), c = tmp.appendingPathComponent("c")
        XCTAssertEqual(try run(["run", scenario.path, "--out", a.path, "--threads", "1"]).status, 0)
        XCTAssertEqual(try run(["run", scenario.path, "--out", b.path, "--threads", "2"]).status, 0)
        XCTAssertEqual(try run(["run", scenario.path, "--out", c.path, "--seed", "6"]).status, 0)
        let first = try output(a)
        XCTAssertTrue(first.contains("\"lookup\"") && first.contains("tenant_attribute"))
        XCTAssertEqual(first, try output(b))
        XCTAssertNotEqual(first, try output(c))
    }

    func testInvalidInputExitsTwoWithLocatedMessagesAndWritesNothing() throws {
        let tmp = try temporaryDirectory()
        let bad = tmp.appendingPathComponent("bad.yaml")
        try "version: 1\nkind: station\nstation:\n  servers: -1\n".write(to: bad, atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("out")
        let r = try run(["run", bad.path, "--out", out.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("\(bad.path):4:12: error: `station.servers` is -1"), r.stderr)
        XCTAssertTrue(r.stderr.contains("missing key `station.discipline`"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertEqual(try run(["run", bad.path, "--threads", "0"]).status, 2)
        XCTAssertEqual(try run(["validate", tmp.appendingPathComponent("missing.yaml").path]).status, 2)
    }

    func testValidateAcceptsEveryShippedScenario() throws {
        // The shipped scenarios, and the first of the lab's replays of each family (CalibrationTests
        // loads every replay in-process).
        let list = { (dir: String) in
            try FileManager.default.contentsOfDirectory(atPath: CLI.packageRoot.appendingPathComponent(dir).path)
                .filter { $0.hasSuffix(".yaml") }.sorted().map { "\(dir)/\($0)" }
        }
        var files = try list("Scenarios")
        let replays = try list("Lab/replay/generated")
        for family in ["a", "b", "c", "d", "e", "f"] {
            files += try [XCTUnwrap(replays.first { $0.hasPrefix("Lab/replay/generated/\(family)-") }, "no replay of family \(family)")]
        }
        for f in files {
            let r = try run(["validate", f])
            XCTAssertEqual(r.status, 0, "\(f): \(r.stderr)")
        }
    }
}

final class CitusCommandTests: XCTestCase {
    func run(_ arguments: [String]) throws -> CLI.Output { try CLI.run(arguments) }

    func testShardOfPrintsHashAndRange() throws {
        let r = try run(["shard-of", "--shard-count", "32", "--type", "bigint", "1", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // worker_hash(1) = -1905060026 (PostgreSQL 15); 32 shards of 134217728 tokens.
        XCTAssertEqual(r.stdout, """
            value,hash,shard_index,shardminvalue,shardmaxvalue
            1,-1905060026,1,-2013265920,-1879048193
            2,1134484726,24,1073741824,1207959551

            """)
        let bad = try run(["shard-of", "--shard-count", "32", "--type", "int", "1", "x"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stdout, "", "nothing half-written")
        XCTAssertTrue(bad.stderr.contains("argument `x`"), bad.stderr)
        XCTAssertEqual(try run(["shard-of", "--shard-count", "0", "--type", "int", "1"]).status, 2)
        XCTAssertEqual(try run(["shard-of", "--shard-count", "4", "--type", "money", "1"]).status, 2)
    }

    func testPlanAndApplyOnTheShippedExport() throws {
        let files = ["--nodes", "Scenarios/metadata/nodes.csv", "--shards", "Scenarios/metadata/shards.csv"]
        let plan = try run(["plan"] + files + ["--strategy", "by_shard_count"])
        XCTAssertEqual(plan.status, 0, plan.stderr)
        let lines = plan.stdout.split(separator: "\n")
        XCTAssertEqual(lines.first, "table_name,shardid,shard_size,sourcename,sourceport,targetname,targetport")
        XCTAssertEqual(lines.count, 5, "two shard-group moves of two colocated tables onto worker-3")
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.contains(",worker-3,5432") })
        let json = try run(["plan"] + files + ["--format", "json", "--max-shard-moves", "1"])
        XCTAssertEqual(json.status, 0)
        XCTAssertTrue(json.stderr.contains("NOTICE:  Stopped searching before we were out of moves"), json.stderr)
        XCTAssertEqual(try run(["plan"] + files + ["--strategy", "by_magic"]).status, 2)

        let apply = try run(["apply"] + files + ["--sql", "Scenarios/metadata/scale-out.sql"])
        XCTAssertEqual(apply.status, 0, apply.stderr)
        XCTAssertTrue(apply.stdout.hasPrefix("table_name,shardid,citus_table_type,colocation_id,nodename,nodeport,shard_size,shardminvalue,shardmaxvalue\n"))
        XCTAssertTrue(apply.stdout.contains("plans,102024,reference,3,worker-3,5432"), "reference tables copied to the new node")
        // apply's output reads back as SHARDS.csv unchanged (an empty runbook round-trips it).
        let tmp = try CLI.temporaryDirectory(self)
        let out = tmp.appendingPathComponent("after.csv"), empty = tmp.appendingPathComponent("empty.sql")
        try apply.stdout.write(to: out, atomically: true, encoding: .utf8)
        try "-- nothing\n".write(to: empty, atomically: true, encoding: .utf8)
        let again = try run(["apply", "--nodes", "Scenarios/metadata/nodes.csv", "--shards", out.path, "--sql", empty.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, apply.stdout)
    }

    func testApplyStopsAtTheFirstErrorAndPrintsNothing() throws {
        let tmp = try CLI.temporaryDirectory(self)
        let sql = tmp.appendingPathComponent("bad.sql")
        try "SELECT citus_add_node('worker-4', 5432);\nSELECT isolate_tenant_to_new_shard('events', 1);\n".write(to: sql, atomically: true, encoding: .utf8)
        let r = try run(["apply", "--nodes", "Scenarios/metadata/nodes.csv", "--shards", "Scenarios/metadata/shards.csv", "--sql", sql.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("\(sql.path):2:1: error: cannot isolate tenant because \"events\" has colocated tables"), r.stderr)
    }
}

final class TraceTests: XCTestCase {
    func run(_ arguments: [String]) throws -> CLI.Output { try CLI.run(arguments) }

    /// Two configurations with the same seed generate the same request trace (common random
    /// numbers), and replaying a written trace reproduces the run exactly.
    func testTracesAreCommonAcrossConfigurationsAndReplayExactly() throws {
        let tmp = try CLI.temporaryDirectory(self)
        func scenario(shards: Int) throws -> URL {
            let url = tmp.appendingPathComponent("s\(shards).yaml")
            try """
                version: 1
                kind: cluster
                run: {seed: 9, duration: 10s, warmup: 1s, replications: 1, sample_interval: 5s}
                cluster:
                  coordinator: {cores: 8, memory_gib: 32}
                  workers: {count: 2, cores: 4, memory_gib: 16, shared_buffers_gib: 4}
                citus: {shard_count: \(shards)}
                tables: [{name: events, type: distributed}]
                tenants: {count: 300, total_size_gib: 5}
                workload:
                  arrivals: {rate_per_second: 200, sessions: 10}
                  classes:
                    - {name: lookup, kind: router, share: 0.8, worker_cpu: {distribution: exponential, mean: 2ms}}
                    - {name: report, kind: multi_shard, share: 0.2, worker_cpu: {distribution: exponential, mean: 3ms}}
                """.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let a = try scenario(shards: 4), b = try scenario(shards: 16)
        let ta = tmp.appendingPathComponent("a.csv"), tb = tmp.appendingPathComponent("b.csv"), tr = tmp.appendingPathComponent("r.csv")
        XCTAssertEqual(try run(["run", a.path, "--out", tmp.appendingPathComponent("oa").path, "--write-trace", ta.path]).status, 0)
        XCTAssertEqual(try run(["run", b.path, "--out", tmp.appendingPathComponent("ob").path, "--write-trace", tb.path]).status, 0)
        let traceA = try String(contentsOf: ta, encoding: .utf8)
        XCTAssertGreaterThan(traceA.split(separator: "\n").count, 1_500)
        XCTAssertTrue(traceA.hasPrefix("time_s,tenant,query_class\n"))
        XCTAssertEqual(traceA, try String(contentsOf: tb, encoding: .utf8), "same seed, other shard count: same requests")
        // Replaying the trace gives the same results and records the same trace again.
        XCTAssertEqual(try run(["run", a.path, "--out", tmp.appendingPathComponent("or").path, "--trace", ta.path, "--write-trace", tr.path]).status, 0)
        XCTAssertEqual(try String(contentsOf: tr, encoding: .utf8), traceA)
        let summary = { (d: String) in try String(contentsOf: tmp.appendingPathComponent(d).appendingPathComponent("summary.csv"), encoding: .utf8) }
        XCTAssertEqual(try summary("oa"), try summary("or"))
        // A bad trace is located.
        let bad = tmp.appendingPathComponent("bad.csv")
        try "time_s,tenant,query_class\n0.5,1,lookup\n0.4,2,lookup\n".write(to: bad, atomically: true, encoding: .utf8)
        let r = try run(["run", a.path, "--out", tmp.appendingPathComponent("ox").path, "--trace", bad.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("bad.csv:3:0: error: `time_s` 0.4 is earlier than the previous row"), r.stderr)
    }
}
