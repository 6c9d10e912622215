import Diagnostics
import Scenario
import Simulation
import XCTest

final class ClusterScenarioTests: XCTestCase {
    let valid = """
        version: 1
        kind: cluster
        run: {seed: 3, duration: 1m, warmup: 10s, replications: 2}
        cluster:
          coordinator: {cores: 8, memory_gib: 32}
          workers: {count: 2, cores: 4, memory_gib: 16, shared_buffers_gib: 4}
        citus: {shard_count: 8, statement_timeout: 2s}
        tables:
          - {name: events, type: distributed}
          - {name: ref, type: reference, size_mib: 5}
        tenants: {count: 100, total_size_gib: 1}
        workload:
          arrivals: {rate_per_second: 50, sessions: 10, step: {at: 30s, rate_per_second: 80}}
          classes:
            - {name: lookup, kind: router, share: 1, worker_cpu: {distribution: exponential, mean: 1ms}}
        slo:
          p99_ms: {lookup: 20}
        """

    func findings(_ yaml: String) -> [String] {
        do {
            _ = try ScenarioLoader.load(text: yaml, file: "c.yaml", name: "c")
            return []
        } catch let e as InputError {
            return e.findings.map(\.description)
        } catch { return ["\(error)"] }
    }

    func testAbsurdSizesAreRefusedWithEstimates() throws {
        let tenants = findings(valid.replacingOccurrences(of: "tenants: {count: 100,", with: "tenants: {count: 1000000000000,")).filter { $0.contains("error:") }
        XCTAssertEqual(tenants.count, 1, "\(tenants)")
        XCTAssertTrue(tenants[0].hasPrefix("c.yaml:11:18: error: `tenants.count` is 1000000000000: 90.9 TiB of memory"), tenants[0])
        let workers = findings(valid.replacingOccurrences(of: "workers: {count: 2,", with: "workers: {count: 1e6,"))
        XCTAssertTrue(workers.contains { $0.contains("`cluster.workers.count` is 1e6: 3.8 GiB of memory") }, "\(workers)")
        // Found by `citus-sim fuzz`: 1e308 workers overflowed the estimate's formatting (a crash).
        let overflow = findings(valid.replacingOccurrences(of: "workers: {count: 2,", with: "workers: {count: 1e308,"))
        XCTAssertTrue(overflow.contains { $0.contains("`cluster.workers.count` is 1e308: more than a zettabyte of memory") }, "\(overflow)")
        // A year at 50,000 queries/s: allowed, but the user is told what it costs first.
        let year = valid.replacingOccurrences(of: "duration: 1m", with: "duration: 8760h").replacingOccurrences(of: "rate_per_second: 50,", with: "rate_per_second: 50000,")
        let (_, warnings) = try ScenarioLoader.load(text: year, file: "c.yaml", name: "c")
        XCTAssertTrue(warnings.contains { $0.message.contains("this run would take about") && $0.message.contains("days") || $0.message.contains("years") }, "\(warnings)")
        // Time series of a long run at a short interval: refused on memory.
        let series = findings(year.replacingOccurrences(of: "replications: 2}", with: "replications: 2, sample_interval: 1ms}"))
        XCTAssertTrue(series.contains { $0.contains("would need about") && $0.contains("of memory per replication") }, "\(series)")
    }

    func testValidClusterScenario() throws {
        let (loaded, warnings) = try ScenarioLoader.load(text: valid, file: "c.yaml", name: "c")
        guard case .cluster(let s) = loaded else { return XCTFail() }
        XCTAssertEqual(s.run.duration, .minutes(1))
        XCTAssertEqual(s.cluster.workerCount, 2)
        XCTAssertEqual(s.cluster.worker.sharedBuffersBytes, 4 * 1_073_741_824)
        XCTAssertEqual(s.citus.statementTimeout, .seconds(2))
        XCTAssertEqual(s.tables.map(\.name), ["events", "ref"])
        XCTAssertEqual(s.workload.classes.map(\.name), ["lookup"])
        XCTAssertEqual(s.workload.classes[0].table, "events", "defaults to the first distributed table")
        guard case .open(let curve, let sessions) = s.workload.arrivals else { return XCTFail() }
        XCTAssertEqual(sessions, 10)
        XCTAssertEqual(curve, .step(before: 50, after: 80, at: .seconds(30)))
        XCTAssertEqual(s.slo.p99Ms.map(\.ms), [20])
        XCTAssertEqual(warnings.count, 1, "fewer than 3 replications")
    }

    func testClusterErrorsAreLocatedAndCollected() {
        let bad = valid
            .replacingOccurrences(of: "workers: {count: 2, cores: 4", with: "workers: {count: 0, cores: 4")
            .replacingOccurrences(of: "kind: router", with: "kind: teleport")
            .replacingOccurrences(of: "lookup: 20", with: "lookpu: 20")
            .replacingOccurrences(of: "{name: ref, type: reference", with: "{name: ref, type: refrence")
        // Each mistake once: no cascade from the bad table type or the failed sections.
        XCTAssertEqual(findings(bad), [
            "c.yaml:3:57: warning: fewer than 3 replications give very wide confidence intervals",
            "c.yaml:6:20: error: `cluster.workers.count` is 0; expected an integer in 1...100000",
            "c.yaml:10:23: error: `tables[1].type` is `refrence`; expected one of distributed, reference",
            "c.yaml:15:28: error: `workload.classes[0].kind` is `teleport`; expected one of router, multi_shard, reference_join, insert_select_pushdown, insert_select_coordinator, across_schemas",
        ])
        XCTAssertEqual(findings(valid.replacingOccurrences(of: "lookup: 20", with: "lookpu: 20")).last,
                       "c.yaml:17:12: error: `slo.p99_ms.lookpu` names no query class; classes: lookup")
    }

    /// More sessions (each caching a connection per worker) than max_shared_pool_size, with
    /// fan-outs and no statement_timeout: fan-outs can wait for a slot for minutes. Warned at
    /// the setting; quiet with a timeout or within the pool.
    func testSharedPoolSmallerThanSessionsWarns() throws {
        let fanOut = valid.replacingOccurrences(of: "kind: router", with: "kind: multi_shard")
        let tight = fanOut.replacingOccurrences(of: "citus: {shard_count: 8, statement_timeout: 2s}", with: "citus: {shard_count: 8, max_shared_pool_size: 4}")
        let (_, warnings) = try ScenarioLoader.load(text: tight, file: "c.yaml", name: "c")
        let messages = warnings.map(\.description)
        XCTAssertTrue(messages.contains { $0.hasPrefix("c.yaml:7:47: warning: 10 client sessions per database can cache 1 connection(s) each to every worker, more than the 4 citus.max_shared_pool_size allows") }, "\(messages)")
        // 10 sessions and 10 slots: one slot is the maintenance daemon's, so one session can wait.
        let (_, daemon) = try ScenarioLoader.load(text: tight.replacingOccurrences(of: "max_shared_pool_size: 4", with: "max_shared_pool_size: 10"), file: "c.yaml", name: "c")
        XCTAssertTrue(daemon.contains { $0.message.contains("more than the 10 citus.max_shared_pool_size allows (less the maintenance daemon's)") }, "\(daemon)")
        for quiet in [fanOut.replacingOccurrences(of: "statement_timeout: 2s", with: "statement_timeout: 2s, max_shared_pool_size: 4"),
                      tight.replacingOccurrences(of: "max_shared_pool_size: 4", with: "max_shared_pool_size: 11"),
                      tight.replacingOccurrences(of: "max_shared_pool_size: 4", with: "max_shared_pool_size: 10, distributed_deadlock_detection_factor: -1"),
                      valid.replacingOccurrences(of: "citus: {shard_count: 8, statement_timeout: 2s}", with: "citus: {shard_count: 8, max_shared_pool_size: 4}")] {
            let (_, none) = try ScenarioLoader.load(text: quiet, file: "c.yaml", name: "c")
            XCTAssertFalse(none.contains { $0.message.contains("max_shared_pool_size allows") }, "\(none)")
        }
    }

    /// Citus refuses a deadlock detection factor between −1 and 1; so does the reader.
    func testDeadlockDetectionFactorIsMinusOneOrAboveOne() throws {
        let half = valid.replacingOccurrences(of: "citus: {shard_count: 8, statement_timeout: 2s}", with: "citus: {shard_count: 8, statement_timeout: 2s, distributed_deadlock_detection_factor: 0.5}")
        XCTAssertEqual(findings(half).filter { $0.contains(": error: ") },
                       ["c.yaml:7:87: error: `citus.distributed_deadlock_detection_factor` is 0.5; expected -1 (off) or a number > 1, as Citus accepts"])
        for ok in ["-1", "3"] {
            let (loaded, _) = try ScenarioLoader.load(text: half.replacingOccurrences(of: "factor: 0.5", with: "factor: \(ok)"), file: "c.yaml", name: "c")
            guard case .cluster(let s) = loaded else { return XCTFail("not a cluster scenario") }
            XCTAssertEqual(s.citus.deadlockDetection, ok != "-1")
        }
    }

    /// `replica_identity` is true, false or full (REPLICA IDENTITY FULL without a primary key).
    func testReplicaIdentityIsTrueFalseOrFull() throws {
        let full = valid.replacingOccurrences(of: "{name: events, type: distributed}", with: "{name: events, type: distributed, replica_identity: full}")
        let (loaded, _) = try ScenarioLoader.load(text: full, file: "c.yaml", name: "c")
        guard case .cluster(let s) = loaded else { return XCTFail("not a cluster scenario") }
        XCTAssertEqual(s.tables.map(\.replicaIdentityFull), [true, false])
        XCTAssertEqual(s.tables.map(\.hasReplicaIdentity), [true, true])
        XCTAssertEqual(findings(full.replacingOccurrences(of: "replica_identity: full", with: "replica_identity: fulll")).filter { $0.contains(": error: ") },
                       ["c.yaml:9:57: error: `tables[0].replica_identity` must be true, false or full (REPLICA IDENTITY FULL without a primary key)"])
    }

    /// Row counts convert through the table's row width; KiB and rows of one volume conflict.
    func testRowCountsUseTheTablesRowWidth() throws {
        let rows = valid.replacingOccurrences(of: "- {name: events, type: distributed}", with: "- {name: events, type: distributed, row_bytes: 400}")
            .replacingOccurrences(of: "worker_cpu: {distribution: exponential, mean: 1ms}}", with: "worker_cpu: {distribution: exponential, mean: 1ms}, rows_read: 50, rows_returned: 10, rows_written: 2}")
        let (loaded, _) = try ScenarioLoader.load(text: rows, file: "c.yaml", name: "c")
        guard case .cluster(let s) = loaded else { return XCTFail("not a cluster scenario") }
        XCTAssertEqual(s.tables[0].rowBytes, 400)
        let c = s.workload.classes[0]
        XCTAssertEqual([c.bytesRead, c.resultBytes, c.writeBytes], [20_000, 4_000, 800])
        let both = rows.replacingOccurrences(of: "rows_read: 50", with: "rows_read: 50, bytes_read_kib: 4")
        let e = findings(both).filter { $0.contains(": error: ") }
        XCTAssertEqual(e.count, 1, "\(e)")
        XCTAssertTrue(e.first?.hasPrefix("c.yaml:15:109: error: ") ?? false, "\(e)")
        XCTAssertTrue(e.first?.contains("give `workload.classes[0].bytes_read_kib` or `workload.classes[0].rows_read`, not both") ?? false, "\(e)")
    }

    func testCacheWarnings() throws {
        let whale = valid.replacingOccurrences(of: "tenants: {count: 100, total_size_gib: 1}", with: "tenants: {count: 100, total_size_gib: 200, size_zipf: 2}")
        let (_, warnings) = try ScenarioLoader.load(text: whale, file: "c.yaml", name: "c")
        let messages = warnings.map(\.description)
        XCTAssertTrue(messages.contains { $0.hasPrefix("c.yaml:11:10: warning: the largest tenant (122 GiB) is larger than a worker's cache (") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("data per worker (100 GiB on average) exceeds a worker's cache") }, "\(messages)")
        let (_, quiet) = try ScenarioLoader.load(text: valid, file: "c.yaml", name: "c")
        XCTAssertFalse(quiet.contains { $0.message.contains("cache") })
    }

    func testDatabases() throws {
        let (loaded, _) = try ScenarioLoader.load(text: valid.replacingOccurrences(of: "  arrivals:", with: "  databases: 2\n  arrivals:"), file: "c.yaml", name: "c")
        guard case .cluster(let s) = loaded else { return XCTFail() }
        XCTAssertEqual(s.workload.databases, 2)
        XCTAssertTrue(findings(valid.replacingOccurrences(of: "  arrivals:", with: "  databases: 20\n  arrivals:"))
            .contains { $0.contains("`workload.databases` (20) needs at least one client session per database; there are 10") })
    }

    func testCrossChecks() throws {
        let tooManySessions = valid.replacingOccurrences(of: "sessions: 10", with: "sessions: 600")
        XCTAssertTrue(findings(tooManySessions).contains { $0.contains("600 client sessions exceed the coordinator's max_connections (500") })
        let (_, warnings) = try ScenarioLoader.load(text: valid.replacingOccurrences(of: "shared_buffers_gib: 4}", with: "shared_buffers_gib: 4, max_connections: 100}"),
                                                    file: "c.yaml", name: "c")
        XCTAssertTrue(warnings.contains { $0.message.contains("max_shared_pool_size") }, "\(warnings)")
        XCTAssertTrue(findings(valid.replacingOccurrences(of: "warmup: 10s", with: "warmup: 2m")).contains { $0.contains("`run.warmup` must be shorter than `run.duration`") })
        XCTAssertTrue(findings(valid.replacingOccurrences(of: "shared_buffers_gib: 4", with: "shared_buffers_gib: 40")).contains { $0.contains("must be less than `memory_gib`") })
    }
}
