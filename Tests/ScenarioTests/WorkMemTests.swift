import Experiments
import Reporting
import Scenario
import SimCore
import Simulation
import XCTest

/// Issue 18, memory: the work_mem that a shard task's sort and hash nodes hold on its worker
/// (`WorkMem`), in the memory envelope beside shared_buffers and the backends; a task that does
/// not fit fails with "out of memory", and its query with it.
final class WorkMemTests: XCTestCase {
    /// 2 workers with 8 shards of `events` each; one client session runs one fan-out at a time
    /// (2 per second); each reads `readKiB` per shard task with `nodes` (YAML keys of the
    /// class); worker RAM `memoryGiB` (shared_buffers a quarter of it) and `workMem` YAML keys.
    func scenario(memoryGiB: Double = 16, workMem: String = "work_mem_mib: 64", nodes: String = "sort_nodes: 1, hash_nodes: 1",
                  readKiB: Double = 100_000, pool: Int = 1) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 5, duration: 40s, warmup: 5s, replications: 1, sample_interval: 10s}
            cluster:
              coordinator: {cores: 16, memory_gib: 32}
              workers: {count: 2, cores: 2, memory_gib: \(memoryGiB), max_connections: 1000, \(workMem)}
              tls: false
            citus: {shard_count: 16, max_adaptive_executor_pool_size: \(pool)}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 200, total_size_gib: 0.1}
            workload:
              arrivals: {rate_per_second: 2, sessions: 1}
              classes:
                - {name: report, kind: multi_shard, share: 1, table: events, worker_cpu: {distribution: constant, value: 5ms}, bytes_read_kib: \(readKiB), \(nodes)}
            """
        return try RunFixture.cluster(yaml, file: "workmem.yaml")
    }

    func metrics(_ s: ClusterScenario) throws -> [String: Double] { try RunFixture.metrics(s) }

    /// A worker backend that read the worker's 8 shards (the `BackendMemory` defaults).
    var backend: Double {
        let m = BackendMemory()
        return m.freshBytes + m.workerFirstQueryBytes + 8 * m.workerBytesPerShard
    }

    /// One task per worker at a time (pool size 1): the envelope's peak is shared_buffers, the
    /// peak backends (the session's connection and the maintenance daemon's) and one task's
    /// work_mem: a sort node's 64 MiB and a hash node's 2 × 64 MiB, which the 100,000 KiB the
    /// task reads caps. Without sort or hash nodes nothing is added, and nothing fails.
    func testATasksSortAndHashNodesHoldWorkMemWhileItRuns() throws {
        let gib = 1_073_741_824.0
        let perTask = 64 * 1_048_576 + 100_000 * 1_024.0
        let m = try metrics(try scenario())
        let connections = m["worker-1.connections_peak"] ?? 0
        XCTAssertEqual(connections, 2, "the session's cached connection and the maintenance daemon's")
        XCTAssertEqual(m["worker-1.memory_peak_gib"] ?? 0, (4 * gib + connections * backend + perTask) / gib, accuracy: 1e-9)
        XCTAssertEqual(m["worker-1.out_of_memory_errors"] ?? -1, 0)
        XCTAssertGreaterThan(m["report.throughput_per_second"] ?? 0, 1.5, "2 fan-outs per second complete")

        let none = try metrics(try scenario(nodes: "sort_nodes: 0"))
        XCTAssertEqual(none["worker-1.memory_peak_gib"] ?? 0, (4 * gib + connections * backend) / gib, accuracy: 1e-9)
        XCTAssertNil(none["worker-1.out_of_memory_errors"], "no class holds work_mem: the metric is not reported")
    }

    /// hash_mem_multiplier and work_mem are the worker's settings: 1 × 16 MiB per hash node.
    func testHashMemMultiplierScalesHashNodes() throws {
        let gib = 1_073_741_824.0
        let m = try metrics(try scenario(workMem: "work_mem_mib: 16, hash_mem_multiplier: 1", nodes: "hash_nodes: 3"))
        let connections = m["worker-1.connections_peak"] ?? 0
        XCTAssertEqual(m["worker-1.memory_peak_gib"] ?? 0, (4 * gib + connections * backend + 3 * 16 * 1_048_576) / gib, accuracy: 1e-9)
    }

    /// 2 GiB of RAM leave 0.5 GiB beside shared_buffers and the OS's 1 GiB. A task whose hash
    /// nodes want 2 × 2 × 256 MiB fails with "out of memory" and every fan-out fails; one that
    /// wants 300 MiB fits one at a time (pool size 1: each task gives it back before the next),
    /// but not with 8 tasks at once (pool size 8), where the second fails its query.
    func testATaskPastItsWorkersMemoryFailsItsQuery() throws {
        let tooLarge = try metrics(try scenario(memoryGiB: 2, workMem: "work_mem_mib: 256", nodes: "hash_nodes: 2", readKiB: 1_048_576))
        XCTAssertGreaterThan(tooLarge["worker-1.out_of_memory_errors"] ?? 0, 0)
        XCTAssertEqual(tooLarge["report.throughput_per_second"] ?? -1, 0, "every fan-out fails")
        XCTAssertGreaterThan(tooLarge["report.errors"] ?? 0, 50)
        XCTAssertLessThanOrEqual(tooLarge["worker-1.memory_peak_gib"] ?? .infinity, 1 + 1e-12)

        let oneAtATime = try metrics(try scenario(memoryGiB: 2, workMem: "work_mem_mib: 300", nodes: "sort_nodes: 1", readKiB: 1_048_576))
        XCTAssertEqual(oneAtATime["worker-1.out_of_memory_errors"] ?? -1, 0)
        XCTAssertEqual(oneAtATime["report.errors"] ?? -1, 0)
        XCTAssertGreaterThan(oneAtATime["report.throughput_per_second"] ?? 0, 1.5)

        let parallel = try metrics(try scenario(memoryGiB: 2, workMem: "work_mem_mib: 300", nodes: "sort_nodes: 1", readKiB: 1_048_576, pool: 8))
        XCTAssertGreaterThan(parallel["worker-1.out_of_memory_errors"] ?? 0, 0)
        XCTAssertGreaterThan(parallel["report.errors"] ?? 0, 0)
        XCTAssertLessThanOrEqual(parallel["worker-1.memory_peak_gib"] ?? .infinity, 1 + 1e-12)
    }

    /// Under load with timeouts cancelling tasks and out-of-memory errors failing queries, every
    /// byte of work_mem taken is given back once the requests drain (and the connections agree).
    func testWorkMemIsGivenBackWhateverEndsTheTask() throws {
        var s = try scenario(memoryGiB: 2, workMem: "work_mem_mib: 40", nodes: "sort_nodes: 2, hash_nodes: 1", readKiB: 1_048_576, pool: 8)
        s.citus.statementTimeout = .milliseconds(60)
        s.workload.arrivals = .open(.step(before: 40, after: 0, at: .seconds(20)), sessions: 20)
        let model = try RunFixture.runToEnd(s, seed: 3)
        XCTAssertEqual(model.drainedAccountingProblems(), [])
        XCTAssertGreaterThan(model.metrics.outOfMemoryErrors.reduce(0, +), 0, "some tasks did not fit")
        XCTAssertGreaterThan(model.metrics.cancelledTasks, 0, "some tasks were cancelled by the timeout")
    }

    /// report.html says what its memory figures count: work_mem when a class has sort or hash nodes.
    func testTheReportSaysWhetherWorkMemIsCounted() throws {
        func page(_ nodes: String) throws -> String {
            let report = ClusterReport(try ClusterExperiment.run(try scenario(nodes: nodes), threads: 1))
            return try XCTUnwrap(report.files.first { $0.name == "report.html" }?.contents)
        }
        let counted = try page("sort_nodes: 1")
        XCTAssertTrue(counted.contains("the work_mem of running shard tasks is counted"))
        XCTAssertFalse(counted.contains("work_mem is not counted"))
        let not = try page("sort_nodes: 0")
        XCTAssertTrue(not.contains("work_mem is not counted."))
        XCTAssertFalse(not.contains("the work_mem of running shard tasks is counted"))
    }

    /// The keys are checked where they are written.
    func testTheKeysAreChecked() throws {
        XCTAssertThrowsError(try scenario(nodes: "sort_nodes: -1")) { error in
            XCTAssertTrue("\(error)".contains("workmem.yaml:15:"), "\(error)")
            XCTAssertTrue("\(error)".contains("sort_nodes"), "\(error)")
        }
        XCTAssertThrowsError(try scenario(workMem: "work_mem_mib: 0")) { error in
            XCTAssertTrue("\(error)".contains("workmem.yaml:6:"), "\(error)")
            XCTAssertTrue("\(error)".contains("work_mem_mib"), "\(error)")
        }
        XCTAssertThrowsError(try scenario(workMem: "hash_mem_multiplier: 0.5")) { error in
            XCTAssertTrue("\(error)".contains("hash_mem_multiplier"), "\(error)")
        }
        let s = try scenario(workMem: "work_mem_mib: 8, hash_mem_multiplier: 1.5")
        XCTAssertEqual(s.cluster.worker.workMemBytes, 8 * 1_048_576)
        XCTAssertEqual(s.cluster.worker.hashMemMultiplier, 1.5)
        XCTAssertEqual(s.workload.classes[0].sortNodes, 1)
        XCTAssertEqual(s.workload.classes[0].hashNodes, 1)
    }
}
