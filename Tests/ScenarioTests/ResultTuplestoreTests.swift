import Experiments
import Scenario
import SimCore
import Simulation
import XCTest

/// Issue 18, memory: a fan-out gathers its shard tasks' rows on the coordinator in a
/// tuplestore of up to the coordinator's work_mem (`ResultTuplestore`), counted in the
/// coordinator's memory peak.
final class ResultTuplestoreTests: XCTestCase {
    /// 4 client sessions run 16-shard fan-outs back to back; each task returns `resultKiB`;
    /// the coordinator's work_mem is 1 MiB.
    func scenario(resultKiB: Double, load: String = "clients: {count: 4, think_time: {distribution: constant, value: 0ms}}",
                  kind: String = "multi_shard", merge: String = "",
                  coordinator: String = "cores: 16, memory_gib: 32, work_mem_mib: 1") throws -> ClusterScenario {
        try RunFixture.cluster("""
            version: 1
            kind: cluster
            run: {seed: 2, duration: 20s, warmup: 2s, replications: 1, sample_interval: 5s}
            cluster:
              coordinator: {\(coordinator)}
              workers: {count: 2, cores: 4, memory_gib: 16}
              tls: false
            citus: {shard_count: 16}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 200, total_size_gib: 0.1}
            workload:
              \(load)
              classes:
                - {name: report, kind: \(kind), share: 1, table: events, worker_cpu: {distribution: constant, value: 20ms}, coordinator_cpu: {distribution: constant, value: 0.1ms}, result_bytes_kib: \(resultKiB)\(merge)}
            """, file: "tuplestore.yaml")
    }

    func coordinatorPeak(_ s: ClusterScenario) throws -> Double {
        try XCTUnwrap(try RunFixture.metrics(s)["coordinator.memory_peak_gib"]) * 1_073_741_824
    }

    /// The sessions spend almost all their time in the fan-out, so at the peak all 4 hold a
    /// tuplestore: 16 × 1 MiB of rows is capped at work_mem (the rest spills), 16 × 16 KiB is
    /// held whole, and a class that returns nothing adds nothing.
    func testEachRunningFanOutHoldsItsRowsUpToWorkMem() throws {
        let base = try coordinatorPeak(try scenario(resultKiB: 0))
        XCTAssertEqual(try coordinatorPeak(try scenario(resultKiB: 1_024)) - base, 4 * 1_048_576, accuracy: 1)
        XCTAssertEqual(try coordinatorPeak(try scenario(resultKiB: 16)) - base, 4 * 16 * 16 * 1_024, accuracy: 1)
    }

    /// The combine query's nodes come on top of the tuplestore, each capped by the coordinator's
    /// work_mem (a hash node's by work_mem × the default hash_mem_multiplier 2) and by the rows
    /// gathered: per query 1 + 1 + 2 MiB of 16 MiB of rows, or 3 × the 256 KiB of small rows.
    func testTheCombineQuerysSortAndHashNodesHoldWorkMemToo() throws {
        let base = try coordinatorPeak(try scenario(resultKiB: 0))
        let merge = ", merge_sort_nodes: 1, merge_hash_nodes: 1"
        XCTAssertEqual(try coordinatorPeak(try scenario(resultKiB: 1_024, merge: merge)) - base, 4 * 4 * 1_048_576, accuracy: 1)
        XCTAssertEqual(try coordinatorPeak(try scenario(resultKiB: 16, merge: merge)) - base, 4 * 3 * 16 * 16 * 1_024, accuracy: 1)
    }

    /// A router query has no combine query: the keys are refused there, with the line.
    func testTheMergeKeysAreForFanOuts() throws {
        XCTAssertThrowsError(try scenario(resultKiB: 1, kind: "router", merge: ", merge_hash_nodes: 1")) { error in
            XCTAssertTrue("\(error)".contains("tuplestore.yaml:15:"), "\(error)")
            XCTAssertTrue("\(error)".contains("merge_hash_nodes"), "\(error)")
        }
        XCTAssertThrowsError(try scenario(resultKiB: 1, merge: ", merge_sort_nodes: -1")) { error in
            XCTAssertTrue("\(error)".contains("merge_sort_nodes"), "\(error)")
        }
        XCTAssertEqual(try scenario(resultKiB: 1, merge: ", merge_sort_nodes: 2").workload.classes[0].mergeSortNodes, 2)
    }

    /// A coordinator with 2 GiB of RAM (1 GiB after the OS, 0.5 of it shared_buffers) and a
    /// work_mem of 64 MiB: each fan-out holds 64 MiB of tuplestore and 64 MiB of hash node (its
    /// 64 MiB of rows cap both), so three of the four sessions' fan-outs fit and the fourth fails
    /// with out of memory, at once, as often as it tries. With 4 GiB all four fit.
    func testAFanOutThatWouldOverfillTheCoordinatorFailsOutOfMemory() throws {
        let small = "cores: 16, memory_gib: 2, shared_buffers_gib: 0.5, work_mem_mib: 64"
        let merge = ", merge_hash_nodes: 1"
        let base = try RunFixture.metrics(try scenario(resultKiB: 0, merge: merge, coordinator: small))
        let tight = try RunFixture.metrics(try scenario(resultKiB: 4_096, merge: merge, coordinator: small))
        let failed = try XCTUnwrap(tight["coordinator.out_of_memory_errors"])
        XCTAssertGreaterThan(failed, 0)
        // Every failed query is one the coordinator had no memory for. The class counts queries
        // that arrived after the warm-up, the coordinator failures after it: they differ by at
        // most the 4 sessions' queries in flight at the warm-up mark.
        XCTAssertEqual(try XCTUnwrap(tight["report.errors"]), failed, accuracy: 4)
        let peak = try XCTUnwrap(tight["coordinator.memory_peak_gib"]), limit = try XCTUnwrap(tight["coordinator.memory_limit_gib"])
        XCTAssertEqual(limit, 1, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(peak, limit)
        XCTAssertEqual((peak - base["coordinator.memory_peak_gib"]!) * 1_073_741_824, 3 * 128 * 1_048_576, accuracy: 1, "three fan-outs at the peak")
        XCTAssertGreaterThan(tight["report.throughput_per_second"] ?? 0, 0, "the three that fit still answer")

        let roomy = try RunFixture.metrics(try scenario(resultKiB: 4_096, merge: merge, coordinator: "cores: 16, memory_gib: 4, shared_buffers_gib: 0.5, work_mem_mib: 64"))
        XCTAssertEqual(roomy["coordinator.out_of_memory_errors"], 0)
        XCTAssertEqual(roomy["report.errors"], 0)
    }

    /// Queries failed for the coordinator's memory give back everything they took.
    func testAQueryFailedForTheCoordinatorsMemoryLeavesNothingHeld() throws {
        var s = try scenario(resultKiB: 4_096, load: "arrivals: {rate_per_second: 200, sessions: 8}", merge: ", merge_hash_nodes: 1",
                             coordinator: "cores: 16, memory_gib: 2, shared_buffers_gib: 0.5, work_mem_mib: 64")
        s.workload.arrivals = .open(.step(before: 200, after: 0, at: .seconds(10)), sessions: 8)
        let model = try RunFixture.runToEnd(s, seed: 4)
        XCTAssertEqual(model.drainedAccountingProblems(), [])
        XCTAssertGreaterThan(model.metrics.errors.reduce(0, +), 0, "some queries failed for memory")
    }

    /// Timeouts answer queries before their fan-outs end: once the arrivals stop and the
    /// requests drain, every tuplestore has been given back.
    func testTuplestoresAreGivenBackWhateverEndsTheQuery() throws {
        var s = try scenario(resultKiB: 64, load: "arrivals: {rate_per_second: 300, sessions: 12}")
        s.citus.statementTimeout = .milliseconds(50)
        s.workload.arrivals = .open(.step(before: 300, after: 0, at: .seconds(10)), sessions: 12)
        let model = try RunFixture.runToEnd(s, seed: 3)
        XCTAssertEqual(model.drainedAccountingProblems(), [])
        XCTAssertGreaterThan(model.metrics.timeouts.reduce(0, +), 0, "some queries timed out")
    }
}
