import Diagnostics
import Scenario
import SimCore
import Simulation
import Workload
import XCTest

/// Cluster operations in simulated time (issue: operations over time). Each test states the
/// Citus behaviour it checks; scenarios are small so the suite stays fast.
final class OperationsTests: XCTestCase {
    /// A 4-worker cluster with write traffic, and `timeline` (YAML lines, indented 2).
    func scenario(workers: Int = 4, shards: Int = 8, identity: Bool = true, rate: Double = 400, duration: String = "6m", sessions: Int = 64,
                  operations: String = "", updateShare: Double = 0.2, tables: String? = nil, watch: String = "[]", timeline: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 11, duration: \(duration), warmup: 0s, replications: 1, sample_interval: 10s, watch_tenants: \(watch)}
            cluster:
              coordinator: {cores: 8, memory_gib: 32}
              workers: {count: \(workers), cores: 8, memory_gib: 64, disk_mb_per_second: 2000, max_connections: 1000}
            citus: {shard_count: \(shards)}
            \(operations)
            tables:
            \(tables ?? """
              - {name: events, type: distributed, data_share: 0.8, replica_identity: \(identity)}
              - {name: accounts, type: distributed, colocate_with: events, data_share: 0.2, replica_identity: \(identity)}
              - {name: plans, type: reference, size_mib: 10}
            """)
            tenants: {count: 2000, total_size_gib: 16, size_zipf: 0.8, activity_zipf: 0.9}
            workload:
              arrivals: {rate_per_second: \(rate), sessions: \(sessions)}
              classes:
                - {name: lookup, kind: router, share: \(1 - updateShare), table: events, worker_cpu: {distribution: exponential, mean: 1ms}, bytes_read_kib: 16}
                - {name: update, kind: router, share: \(updateShare), table: events, command: update, worker_cpu: {distribution: exponential, mean: 1ms}, write_bytes_kib: 8}
            timeline:
            \(timeline)
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "ops.yaml", name: "ops")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    func run(_ s: ClusterScenario, seed: UInt64 = 5) throws -> ClusterRunResult {
        try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: seed)
    }

    func log(_ s: ClusterScenario) throws -> OperationLog { try XCTUnwrap(try run(s).operations) }

    // MARK: Transfer modes

    /// FACTS D.1: `auto` refuses tables without a replica identity with Citus's error, DETAIL
    /// and HINT, at the statement's time; the run continues and later statements run.
    func testAutoModeNeedsReplicaIdentity() throws {
        let s = try scenario(identity: false, timeline: """
              - {at: 1m, sql: "SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432);"}
              - {at: 2m, sql: "SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432, shard_transfer_mode := 'block_writes');"}
            """)
        let l = try log(s)
        XCTAssertEqual(l.operations[0].status, "error")
        XCTAssertEqual(l.operations[0].error, """
            ERROR:  cannot use logical replication to transfer shards of the relation events since it doesn't have a REPLICA IDENTITY or PRIMARY KEY
            DETAIL:  UPDATE and DELETE commands on the shard will error out during logical replication unless there is a REPLICA IDENTITY or PRIMARY KEY.
            HINT:  If you wish to continue without a replica identity set the shard_transfer_mode to 'force_logical' or 'block_writes'.
            """)
        XCTAssertEqual(l.operations[0].start, .zero + .minutes(1))
        XCTAssertEqual(l.operations[1].status, "done", "block_writes needs no replica identity")
        XCTAssertEqual(l.transfers.count, 1)
    }

    /// FACTS D.3/D.4: block_writes blocks writes to the group for the whole transfer; a
    /// logical move only for the final catch-up and the metadata commit.
    func testBlockWritesBlocksForTheWholeCopyLogicalOnlyAtTheEnd() throws {
        func moved(_ mode: String) throws -> OperationLog.Transfer {
            let s = try scenario(timeline: """
                  - {at: 1m, sql: "SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432, shard_transfer_mode := '\(mode)');"}
                """)
            return try XCTUnwrap(try log(s).transfers.first)
        }
        let blocking = try moved("block_writes"), logical = try moved("force_logical")
        XCTAssertEqual(blocking.status, "done")
        XCTAssertEqual(logical.status, "done")
        let blockingWindow = try XCTUnwrap(blocking.end) - XCTUnwrap(blocking.blockStart)
        let logicalWindow = try XCTUnwrap(logical.end) - XCTUnwrap(logical.blockStart)
        let copy = try XCTUnwrap(blocking.copyEnd) - XCTUnwrap(blocking.copyStart)
        XCTAssertGreaterThanOrEqual(blockingWindow, copy, "block_writes: blocked at least for the copy")
        XCTAssertEqual(blocking.blockStart, blocking.start, "block_writes: blocked from the start")
        XCTAssertLessThanOrEqual(logicalWindow, .seconds(2), "logical: the final catch-up and the commit only")
        XCTAssertGreaterThan(blocking.writeBlockedSeconds, 10 * logical.writeBlockedSeconds)
        XCTAssertGreaterThan(logical.writesDelayed, 0, "some writes arrive during the final block")
        XCTAssertLessThan(try XCTUnwrap(logical.blockStart), try XCTUnwrap(logical.end))
    }

    /// Issue 21: REPLICA IDENTITY FULL without a primary key slows a logical move's catch-up,
    /// since the apply worker scans the target shard for every UPDATE it replays (PostgreSQL
    /// 15); at a scan rate too low for the update rate the catch-up never converges and the
    /// move is still running when the run ends. A table with a key moves as before.
    func testReplicaIdentityFullSlowsTheCatchUp() throws {
        func moved(_ identity: String, scanMiBPerSecond: Double = 500) throws -> OperationLog.Transfer {
            let s = try scenario(operations: "operations: {full_identity_scan_mib_per_second: \(scanMiBPerSecond)}", updateShare: 0.02, tables: """
                  - {name: events, type: distributed, data_share: 0.8, replica_identity: \(identity)}
                  - {name: accounts, type: distributed, colocate_with: events, data_share: 0.2, replica_identity: \(identity)}
                """, timeline: """
                  - {at: 1m, sql: "SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432, 'force_logical');"}
                """)
            return try XCTUnwrap(try log(s).transfers.first)
        }
        func catchUp(_ t: OperationLog.Transfer) throws -> SimDuration { try XCTUnwrap(t.catchUpEnd) - XCTUnwrap(t.copyEnd) }
        let keyed = try moved("true"), full = try moved("full", scanMiBPerSecond: 20_000)
        XCTAssertEqual(keyed.status, "done")
        XCTAssertEqual(full.status, "done")
        XCTAssertEqual(try XCTUnwrap(keyed.copyEnd) - keyed.start, try XCTUnwrap(full.copyEnd) - full.start, "the copy is the same")
        XCTAssertGreaterThan(try catchUp(full), try catchUp(keyed), "each replayed UPDATE scans a ~1.6 GiB shard")
        // About 1 update/s to the group against a 1.6 GiB scan at 500 MiB/s (3 s each): it never converges.
        let stuck = try moved("full")
        XCTAssertEqual(stuck.status, "running")
        XCTAssertNil(stuck.catchUpEnd)
    }

    /// FACTS D.1: force_logical lets UPDATE/DELETE fail on tables without a replica identity
    /// while the group moves; reads and the other groups are untouched.
    func testForceLogicalFailsUpdatesWithoutReplicaIdentity() throws {
        let s = try scenario(identity: false, timeline: """
              - {at: 1m, sql: "SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432, 'force_logical');"}
            """)
        let r = try run(s)
        let t = try XCTUnwrap(r.operations?.transfers.first)
        XCTAssertEqual(t.status, "done")
        XCTAssertGreaterThan(t.writesFailed, 0)
        let lookup = r.measurements.errors[0], update = r.measurements.errors[1]
        XCTAssertEqual(lookup, 0, "reads never fail")
        XCTAssertEqual(update, t.writesFailed)
    }

    // MARK: Background jobs and parallelism

    /// FACTS C.2: with Citus 13.2's defaults (one executor) no two tasks run at once; with
    /// more executors but one per node, moves that share the new node still run one at a
    /// time; with two per node and four executors they overlap and the job finishes sooner.
    func testParallelRebalanceOnlyWhenExecutorsAllowIt() throws {
        func job(_ settings: String, colocated: Bool = false) throws -> (duration: SimDuration, maxParallel: Int, runs: [OperationLog.TaskRun]) {
            let s = try scenario(shards: 16, duration: "15m", timeline: """
                  - {at: 30s, sql: "SELECT citus_add_node('worker-5', 5432); SELECT citus_add_node('worker-6', 5432);"}
                  - at: 1m
                    sql: |
                      \(settings)
                      SELECT pg_reload_conf();
                      SELECT citus_rebalance_start(parallel_transfer_colocated_shards := \(colocated));
                      SELECT citus_rebalance_wait();
                """)
            let l = try log(s)
            let runs = l.taskRuns.filter { $0.command.contains("citus_move_shard_placement") }
            XCTAssertFalse(runs.isEmpty)
            XCTAssertTrue(runs.allSatisfy { $0.status == "done" })
            var maxParallel = 0
            for r in runs {
                maxParallel = max(maxParallel, runs.filter { $0.start <= r.start && r.start < ($0.end ?? .zero) }.count)
            }
            let wait = try XCTUnwrap(l.operations.first { $0.label.contains("citus_rebalance_wait") })
            return (try XCTUnwrap(wait.end) - wait.start, maxParallel, runs)
        }
        let defaults = try job("ALTER SYSTEM SET citus.max_background_task_executors_per_node = 1;")
        XCTAssertEqual(defaults.maxParallel, 1, "one executor cluster-wide by default")
        let perNodeOne = try job("ALTER SYSTEM SET citus.max_background_task_executors = 8;", colocated: true)
        let parallel = try job("""
            ALTER SYSTEM SET citus.max_background_task_executors = 8;
                  ALTER SYSTEM SET citus.max_background_task_executors_per_node = 2;
            """, colocated: true)
        XCTAssertGreaterThan(parallel.maxParallel, perNodeOne.maxParallel)
        XCTAssertLessThan(parallel.duration, defaults.duration)
        // Per node limit: no node ever in more tasks than allowed.
        for (limit, runs) in [(1, perNodeOne.runs), (2, parallel.runs)] {
            for r in runs {
                for node in r.nodes.split(separator: " ") {
                    let concurrent = runs.filter { $0.nodes.split(separator: " ").contains(node) && $0.start <= r.start && r.start < ($0.end ?? .zero) }
                    XCTAssertLessThanOrEqual(concurrent.count, limit, "\(node) at \(r.start)")
                }
            }
        }
    }

    /// FACTS C.1: a task starts only after the tasks it depends on are done (a node is
    /// emptied before it is filled; colocated chains).
    func testTasksStartAfterTheirDependencies() throws {
        let s = try scenario(shards: 16, duration: "20m", timeline: """
              - {at: 30s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - at: 1m
                sql: |
                  ALTER SYSTEM SET citus.max_background_task_executors = 8;
                  SELECT pg_reload_conf();
                  SELECT citus_drain_node('worker-1', 5432, 'block_writes');
                  SELECT citus_rebalance_start(rebalance_strategy := 'by_shard_count');
            """)
        let l = try log(s)
        let runs = l.taskRuns
        XCTAssertFalse(runs.isEmpty)
        var checked = 0
        for r in runs {
            for d in r.dependsOn {
                let dep = try XCTUnwrap(runs.last { $0.task == d && $0.job == r.job })
                XCTAssertEqual(dep.status, "done")
                XCTAssertLessThanOrEqual(try XCTUnwrap(dep.end), r.start)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 0)
    }

    /// FACTS C.2, against a hand-computed timeline: the first task starts at the maintenance
    /// daemon's check (the 5 s grid after citus_rebalance_start at 62 s: 65 s); with one executor
    /// each next task starts the instant the previous one ends (its executor's report wakes the
    /// monitor), not at the monitor's next 1 s tick.
    func testTasksRunBackToBackAfterTheFirstPickUp() throws {
        let s = try scenario(shards: 8, duration: "20m", timeline: """
              - {at: 30s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 62s, sql: "SELECT citus_rebalance_start(shard_transfer_mode := 'block_writes');"}
            """)
        let runs = try log(s).taskRuns.filter { $0.status == "done" }
        XCTAssertGreaterThan(runs.count, 1)
        XCTAssertEqual(runs[0].start, SimTime.zero + .seconds(65))
        for (a, b) in zip(runs, runs.dropFirst()) {
            XCTAssertEqual(b.start, try XCTUnwrap(a.end), "task \(b.task) starts when task \(a.task) ends")
        }
    }

    // MARK: Catch-up

    /// FACTS D.3: logical replication must catch up with the writes; a write rate above the
    /// apply throughput never converges and the move fails after the timeout.
    func testCatchUpFailsWhenWritesOutpaceApply() throws {
        let slow = try scenario(rate: 1000, duration: "4m", operations: "operations: {logical_apply_mib_per_second: 0.05, logical_replication_timeout: 2m}",
                                updateShare: 0.5, timeline: """
              - {at: 1m, sql: "SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432);"}
            """)
        let l = try log(slow)
        let t = try XCTUnwrap(l.transfers.first)
        XCTAssertEqual(t.status, "error")
        XCTAssertTrue(t.error?.hasPrefix("ERROR:  The logical replication waiting timeout of 120000 msec is exceeded") ?? false, t.error ?? "")
        XCTAssertEqual(l.operations[0].status, "error")
        // Writes stay on the source: nothing was blocked for long.
        XCTAssertLessThan(t.writeBlockedSeconds, 5)
        let fast = try scenario(rate: 1000, duration: "4m", updateShare: 0.5, timeline: """
              - {at: 1m, sql: "SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432);"}
            """)
        XCTAssertEqual(try log(fast).transfers.first?.status, "done")
    }

    // MARK: Snapshot-based node addition

    /// FACTS F: a clone built by base backup takes half of the primary's shard groups at
    /// promotion without copying shard data; add-node + rebalance moves data.
    func testSnapshotBasedAdditionMovesNoShardData() throws {
        let s = try scenario(duration: "10m", timeline: """
              - {at: 30s, sql: "SELECT citus_add_clone_node('worker-5', 5432, 'worker-1', 5432);"}
              - {at: 5m, sql: "SELECT citus_promote_clone_and_rebalance(6);"}
            """)
        let r = try run(s)
        let l = try XCTUnwrap(r.operations)
        XCTAssertEqual(l.operations.map(\.status), ["done", "done"], l.messages.map(\.text).joined(separator: "\n"))
        XCTAssertEqual(l.transfers.map(\.kind), ["clone", "clone"])
        XCTAssertEqual(l.operations[1].bytesCopied, 0, "promotion copies no shard data")
        XCTAssertFalse(l.transfers.contains { $0.kind == "move" })
        XCTAssertGreaterThan(l.operations[0].bytesCopied, 0, "the base backup copies the primary")
        XCTAssertGreaterThan(l.operations[1].writeBlockedGroupSeconds, 0, "writes to the primary wait for the clone to catch up")
        // The promoted clone serves queries afterwards.
        XCTAssertEqual(r.workerNames.last, "worker-5")
        XCTAssertGreaterThan(r.measurements.pagesRead[4], 0)

        let regular = try scenario(duration: "10m", timeline: """
              - {at: 30s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 1m, sql: "SELECT rebalance_table_shards();"}
            """)
        let moved = try log(regular)
        XCTAssertGreaterThan(moved.operations[1].bytesCopied, 0)
        XCTAssertTrue(moved.transfers.contains { $0.kind == "move" })
    }

    // MARK: Tenant isolation

    /// FACTS E: isolating the largest tenant splits its shard group into three on the same
    /// node (CASCADE over the colocated table); a move then gives it its own node.
    func testIsolateTenantSplitsThenMoves() throws {
        // Tenant 1's worker, from the initial placement; its isolated shard is the middle child
        // of events' split (ids after the 8 + 8 + 1 shards: 102025, 102026, 102027).
        let plain = try scenario(timeline: "  - {at: 1m, event: rate_multiplier, factor: 1}")
        let layout = try ClusterRun.layout(for: plain)
        let worker = "worker-\(layout.worker(table: 0, tenant: 0).index + 1)"
        let s = try scenario(duration: "10m", watch: "[1]", timeline: """
              - {at: 30s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 1m, sql: "SELECT isolate_tenant_to_new_shard('events', 1, 'CASCADE', shard_transfer_mode := 'block_writes');"}
              - {at: 3m, sql: "SELECT citus_move_shard_placement(102026, '\(worker)', 5432, 'worker-5', 5432, 'block_writes');"}
            """)
        let r = try run(s)
        let l = try XCTUnwrap(r.operations)
        XCTAssertEqual(l.operations.map(\.status), ["done", "done", "done"], l.operations.compactMap(\.error).joined(separator: "\n"))
        // The watched tenant and its initial neighbours have their own latency figures.
        XCTAssertEqual(r.measurements.watchGroup[0], 0)
        XCTAssertEqual(r.measurements.watchGroup.filter { $0 == 1 }.count, layout.tenantShard[0].indices.filter {
            $0 > 0 && layout.worker(table: 0, tenant: TenantIndex($0)) == layout.worker(table: 0, tenant: 0)
        }.count)
        XCTAssertGreaterThan(r.measurements.watchLatency[0].count, 0)
        XCTAssertGreaterThan(r.measurements.watchLatency[1].count, r.measurements.watchLatency[0].count)
        XCTAssertNotNil(r.metrics.first { $0.name == "tenant1_neighbours.latency_p99_ms" })
        let split = try XCTUnwrap(l.transfers.first { $0.kind == "split" })
        XCTAssertEqual(split.source, split.target, "children stay on the source's node")
        XCTAssertGreaterThan(split.bytes, 0)
        let move = try XCTUnwrap(l.transfers.first { $0.kind == "move" })
        XCTAssertEqual(move.target, "worker-5")
        XCTAssertLessThan(move.bytes, split.bytes, "the isolated tenant's group is smaller than the shard it came from")
    }

    // MARK: Failures

    /// A worker without a standby: its queries fail until it returns; with a standby only
    /// for detection + promotion; in `wait` mode they wait instead of failing.
    func testWorkerFailureWithAndWithoutStandby() throws {
        func errors(_ timeline: String, operations: String = "") throws -> (errors: Int, p99: Double) {
            let r = try run(try scenario(duration: "5m", operations: operations, timeline: timeline))
            return (r.measurements.errors.reduce(0, +), r.measurements.latency[0].summary.p99Ms)
        }
        let none = try errors("  - {at: 1m, event: node_fails, node: worker-2}")
        let standby = try errors("  - {at: 1m, event: node_fails, node: worker-2, standby: true}")
        let back = try errors("""
              - {at: 1m, event: node_fails, node: worker-2}
              - {at: 2m, event: node_returns, node: worker-2}
            """)
        XCTAssertGreaterThan(none.errors, standby.errors)
        XCTAssertGreaterThan(standby.errors, 0)
        XCTAssertGreaterThan(none.errors, back.errors)
        let waiting = try errors("  - {at: 1m, event: node_fails, node: worker-2, standby: true}", operations: "operations: {queries_to_failed_nodes: wait}")
        XCTAssertEqual(waiting.errors, 0)
        XCTAssertGreaterThan(waiting.p99, standby.p99)
    }

    /// A tenant that grows gets more of the queries from then on; a rank outside the
    /// population is a validation error.
    /// citus.metadata_sync_mode (FACTS H; citus PRs 6537, 6728): a transactional sync holds
    /// everything in one transaction and fails at PostgreSQL's 1 GiB allocation limit on large
    /// metadata, and the node is not added; `nontransactional` adds it.
    func testTransactionalMetadataSyncRunsOutOfMemoryOnLargeMetadata() throws {
        let s = try scenario(duration: "3m", operations: "operations: {metadata_sync_bytes_per_placement: 100000000}", timeline: """
              - {at: 10s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 20s, sql: "SELECT citus_drain_node('worker-5', 5432);"}
              - {at: 30s, sql: "SET citus.metadata_sync_mode TO 'nontransactional';"}
              - {at: 40s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 50s, sql: "SELECT citus_drain_node('worker-5', 5432);"}
            """)
        let ops = try log(s).operations
        XCTAssertEqual(ops.map(\.status), ["error", "error", "done", "done", "done"])
        XCTAssertEqual(ops[0].error, "ERROR:  invalid memory alloc request size 1073741824")
        XCTAssertEqual(ops[1].error, "ERROR:  node at \"worker-5:5432\" does not exist", "the failed activation added nothing")
        // 8 + 8 shards and the reference table on 5 nodes: 21 placements, 2.1 GB needed; it
        // fails when half of the 200 µs-per-placement sync has run.
        XCTAssertEqual((try XCTUnwrap(ops[0].end) - ops[0].start).seconds, 21 * 200e-6 * 1_073_741_824 / 2.1e9, accuracy: 1e-5)
        XCTAssertEqual((try XCTUnwrap(ops[3].end) - ops[3].start).seconds, 21 * 200e-6, accuracy: 1e-5)
        let bad = try log(try scenario(duration: "2m", timeline: "  - {at: 1m, sql: \"SET citus.metadata_sync_mode TO 'sometimes';\"}")).operations
        XCTAssertEqual(bad[0].error, "ERROR:  invalid value for parameter \"citus.metadata_sync_mode\": \"sometimes\"\nHINT:  Available values: transactional, nontransactional.")
    }

    /// new_tenants: 200 tenants join at 1m, each twice as active as the mean of the 2,000
    /// tenants there from the start: they then get 0.2 / 1.2 of the queries, none before.
    /// Their data (the mean tenant's size each) lands on their shards' workers.
    func testNewTenantsJoin() throws {
        let s = try scenario(duration: "3m", timeline: """
              - {at: 1m, event: new_tenants, count: 200, activity_factor: 2}
            """)
        XCTAssertEqual(s.workload.tenants.count, 2_200)
        XCTAssertEqual(s.workload.tenants.baseCount, 2_000)
        XCTAssertEqual(s.workload.tenants.sizeBytes[2_000...].max(), 0, "no data before they join")
        let r = try run(s)
        XCTAssertEqual(r.operations?.operations.first?.status, "done")
        let m = r.measurements
        let joined = (2_000..<2_200).reduce(0) { $0 + Int(m.tenantCounts[$1].queries) }
        let all = (0..<2_200).reduce(0) { $0 + Int(m.tenantCounts[$1].queries) }
        let expected = Double(all) * (120.0 / 180.0) * (0.2 / 1.2)
        XCTAssertEqual(Double(joined), expected, accuracy: expected * 0.05, "\(joined) of \(all) queries")
        // The same run with the event after the end: the dormant tenants get nothing.
        let never = try run(try scenario(duration: "3m", timeline: "  - {at: 10m, event: new_tenants, count: 200, activity_factor: 2}"))
        XCTAssertEqual((2_000..<2_200).reduce(0) { $0 + Int(never.measurements.tenantCounts[$1].queries) }, 0)
        XCTAssertThrowsError(try scenario(timeline: "  - {at: 1m, event: new_tenants, count: 0}")) { error in
            XCTAssertTrue("\(error)".contains("ops.yaml:20:41: error: `timeline[0].count`"), "\(error)")
        }
    }

    func testTenantGrows() throws {
        let s = try scenario(duration: "3m", watch: "[5]", timeline: """
              - {at: 1m, event: tenant_grows, rank: 5, size_factor: 20, activity_factor: 50}
            """)
        let r = try run(s)
        XCTAssertEqual(r.operations?.operations.first?.status, "done")
        let before = r.measurements.series.filter { $0.timeSeconds <= 60 }.map { $0.watchThroughput[0] }
        let after = r.measurements.series.filter { $0.timeSeconds > 70 }.map { $0.watchThroughput[0] }
        XCTAssertGreaterThan(after.reduce(0, +) / Double(after.count), 10 * before.reduce(0, +) / Double(before.count))
        XCTAssertThrowsError(try scenario(timeline: "  - {at: 1m, event: tenant_grows, rank: 2001}")) { error in
            XCTAssertTrue("\(error)".contains("rank"), "\(error)")
        }
    }

    // MARK: Calibration and determinism

    /// An idle block_writes move runs at the calibrated copy rate (per stream), plus the overhead.
    func testIdleMoveTakesTheCalibratedTime() throws {
        let s = try scenario(rate: 1, updateShare: 0.01, tables: """
              - {name: events, type: distributed}
            """, timeline: """
              - {at: 1m, sql: "SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432, 'block_writes');"}
            """)
        let t = try XCTUnwrap(try log(s).transfers.first)
        let expected = t.bytes / s.operations.copyBytesPerCoreSecond + s.operations.blockingOverhead.seconds
        let actual = (try XCTUnwrap(t.end) - t.start).seconds
        XCTAssertEqual(actual, expected, accuracy: expected * 0.02 + 0.05)
    }

    func testOperationsAreDeterministic() throws {
        let s = try scenario(duration: "4m", timeline: """
              - {at: 30s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 1m, sql: "SELECT citus_rebalance_start(); SELECT citus_rebalance_wait();"}
            """)
        let a = try log(s), b = try log(s)
        XCTAssertEqual(a.transfers.map(\.end), b.transfers.map(\.end))
        XCTAssertEqual(a.taskRuns.map(\.start), b.taskRuns.map(\.start))
        XCTAssertEqual(a.messages.map(\.text), b.messages.map(\.text))
    }

    // MARK: alter_distributed_table

    /// alter_distributed_table(shard_count := 32, cascade) (commands/alter_table.c): writes to
    /// the tables wait for the whole conversion (ExclusiveLock), reads go on (enough sessions
    /// that the waiting writes do not hold them all); every byte is re-inserted into the new
    /// shards; afterwards queries run against the new shards.
    func testAlterDistributedTableBlocksWritesForTheWholeConversion() throws {
        // A slow copy (the single moves of another machine), so the lock outlasts several intervals.
        let s = try scenario(duration: "4m", sessions: 480, operations: "operations: {copy_mib_per_core_second: 82.3}", updateShare: 0.02, timeline: """
              - {at: 1m, sql: "SELECT alter_distributed_table('events', shard_count := 32, cascade_to_colocated := true);"}
            """)
        let r = try run(s)
        let l = try XCTUnwrap(r.operations)
        let op = l.operations[0]
        XCTAssertEqual(op.status, "done", op.error ?? "")
        let end = try XCTUnwrap(op.end)
        let seconds = (end - op.start).seconds
        XCTAssertGreaterThan(seconds, 5)
        XCTAssertEqual(op.bytesCopied, 16 * 1_073_741_824, accuracy: 1e6, "all of events and accounts")
        XCTAssertEqual(op.writeBlockedGroupSeconds, seconds * 8, accuracy: 1e-6, "the 8 old shard groups, for the whole statement")
        let t = l.transfers[0]
        XCTAssertEqual(t.kind, "alter_table")
        XCTAssertEqual(t.blockStart, op.start)
        XCTAssertGreaterThan(t.writesDelayed, Int(0.015 * 400 * seconds), "2% of 400 queries/s are updates")
        let from = op.start.seconds + 10, to = end.seconds
        let during = r.measurements.series.filter { $0.timeSeconds > from && $0.timeSeconds <= to }
        let update = 1, lookup = 0
        guard !during.isEmpty else { return XCTFail("no interval lies inside the conversion") }
        XCTAssertEqual(during.map { $0.throughput[update] }.max(), 0, "no update completes while the table is locked")
        XCTAssertEqual(during.map { $0.throughput[lookup] }.min()!, 392, accuracy: 392 * 0.25, "lookups go on")
        let settled = to + 30
        let after = r.measurements.series.filter { $0.timeSeconds > settled }
        let updatesAfter: Double = after.map { $0.throughput[update] }.reduce(0, +) / Double(after.count)
        XCTAssertEqual(updatesAfter, 8, accuracy: 8 * 0.2, "updates run again, on the new shards")
        XCTAssertEqual(r.measurements.errors.reduce(0, +), 0)
        let notices: [String] = l.messages.map { $0.1 }.filter { $0.hasPrefix("NOTICE") }
        XCTAssertEqual(notices, [
            "NOTICE:  creating a new table for public.events", "NOTICE:  moving the data of public.events",
            "NOTICE:  creating a new table for public.accounts", "NOTICE:  moving the data of public.accounts",
            "NOTICE:  dropping the old public.events", "NOTICE:  renaming the new table to public.events",
            "NOTICE:  dropping the old public.accounts", "NOTICE:  renaming the new table to public.accounts",
        ])
    }

    /// The repartitioning copy runs max_adaptive_executor_pool_size streams per source worker:
    /// a pool of 1 makes the conversion slower than the default 16.
    func testAlterDistributedTableCopiesInParallelUpToThePoolSize() throws {
        func duration(pool: Int) throws -> Double {
            let s = try scenario(rate: 50, duration: "10m", operations: "", timeline: """
                  - {at: 10s, sql: "SELECT alter_distributed_table('events', shard_count := 16, cascade_to_colocated := true);"}
                """)
            var c = s
            c.citus.maxAdaptiveExecutorPoolSize = pool
            let op = try XCTUnwrap(try run(c).operations?.operations.first)
            XCTAssertEqual(op.status, "done", op.error ?? "")
            return (try XCTUnwrap(op.end) - op.start).seconds
        }
        let one = try duration(pool: 1), sixteen = try duration(pool: 16)
        XCTAssertGreaterThan(one, 1.5 * sixteen, "one stream per worker: \(one) s; sixteen: \(sixteen) s")
    }

    // MARK: Validation

    /// Statements that cannot be parsed or name an unknown function, table or node are
    /// validation errors with the file position; Citus's run-time errors are not.
    func testTimelineValidation() throws {
        func findings(_ timeline: String) -> [String] {
            do {
                _ = try scenario(timeline: timeline)
                return []
            } catch let e as InputError { return e.findings.filter { $0.severity == .error }.map(\.description) } catch { return ["\(error)"] }
        }
        let unknown = findings("  - {at: 1m, sql: \"SELECT citus_frobnicate();\"}")
        XCTAssertEqual(unknown.count, 1)
        XCTAssertTrue(unknown[0].hasPrefix("ops.yaml:20:20: error:"), unknown[0])
        XCTAssertTrue(unknown[0].contains("citus-sim does not simulate citus_frobnicate()"), unknown[0])
        XCTAssertTrue(findings("  - {at: 1m, sql: \"SELECT citus_drain_node('worker-9', 5432);\"}")[0].contains("node `worker-9` is not in the cluster"))
        XCTAssertTrue(findings("  - {at: 1m, sql: \"SELECT rebalance_table_shards('nope');\"}")[0].contains("table `nope` is not in the scenario"))
        XCTAssertTrue(findings("  - {at: 1m, event: node_fails, node: worker-7}")[0].contains("nodes at this point of the timeline"))
        XCTAssertEqual(findings("  - {at: 1m, sql: \"SELECT alter_distributed_table('events', distribution_column := 'b');\"}"), [
            "ops.yaml:20:20: error: alter_distributed_table: citus-sim simulates a change of shard_count (with cascade_to_colocated) only; distribution_column and colocate_with are not modelled",
        ])
        XCTAssertTrue(findings("  - {at: 1m, sql: \"SELECT alter_distributed_table('nope', shard_count := 4);\"}")[0].contains("table `nope` is not in the scenario"))
        let parse = findings("""
              - at: 1m
                sql: |
                  SELECT citus_add_node('worker-5', 5432);
                  SELECT citus_rebalance_start(;
            """)
        XCTAssertEqual(parse.count, 1)
        XCTAssertTrue(parse[0].hasPrefix("ops.yaml:23:36: error:"), parse[0])
        // Two statements on one line are two entries, each labelled with its own text.
        let two = try scenario(timeline: "  - {at: 1m, sql: \"SELECT citus_add_node('worker-5', 5432); SELECT citus_add_node('w;6', 5432);\"}")
        XCTAssertEqual(two.timeline.map(\.label), ["SELECT citus_add_node('worker-5', 5432);", "SELECT citus_add_node('w;6', 5432);"])
        XCTAssertEqual(two.timeline.map(\.column), [20, 61])
        // Adding a node makes it known to later statements.
        XCTAssertEqual(findings("""
              - {at: 1m, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 2m, sql: "SELECT citus_drain_node('worker-5', 5432);"}
            """), [])
    }
}
