import ClusterModel
import Runbook
import Scenario
import SimCore
import Simulation
import Workload
import XCTest

/// A coordinator with shards (`cluster.coordinator_has_shards`): it is the first node of
/// Citus's round robin, runs single-shard queries on its own shards in-process (local
/// execution), reaches them in fan-outs over loopback connections limited by
/// citus.local_shared_pool_size, and fails over to in-process execution without one (FACTS G,
/// local_executor.c, adaptive_executor.c).
final class LocalExecutionTests: XCTestCase {
    /// 2 workers plus the coordinator, 24 shards (8 per node), `classes` as YAML list items.
    func scenario(sessions: Int = 8, rate: Double = 50, latency: String = "250us", citus: String = "", hasShards: Bool = true,
                  duration: String = "40s", watch: [Int] = [], classes: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 3, duration: \(duration), warmup: 0s, replications: 1, watch_tenants: \(watch)}
            cluster:
              coordinator: {cores: 8, memory_gib: 32, max_connections: 200}
              workers: {count: 2, cores: 8, memory_gib: 32}
              network_latency: \(latency)
              coordinator_has_shards: \(hasShards)
            citus: {shard_count: 24\(citus)}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 600, total_size_gib: 1}
            workload:
              arrivals: {rate_per_second: \(rate), sessions: \(sessions)}
              classes:
            \(classes)
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "local.yaml", name: "local")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    let report = "    - {name: report, kind: multi_shard, share: 1, table: events, coordinator_cpu: {distribution: constant, value: 100us}, worker_cpu: {distribution: constant, value: 5ms}}"

    func run(_ s: ClusterScenario) throws -> ClusterRunResult { try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 5) }

    /// Citus places shard i on sorted node i mod 3 and `coordinator` sorts before `worker-1`:
    /// the coordinator holds shards 0, 3, 6, ...; without the setting it holds none.
    func testCoordinatorIsTheFirstNodeOfTheRoundRobin() throws {
        let s = try scenario(classes: report)
        let layout = try ClusterRun.layout(for: s)
        let coordinator = try XCTUnwrap(layout.state.nodes.first { $0.isCoordinator })
        XCTAssertEqual(layout.workerIDs.first, coordinator.id)
        XCTAssertEqual(layout.shardWorker[0], (0..<24).map { WorkerIndex($0 % 3) })
        let firstShard = try XCTUnwrap(layout.state.shards(of: "events").min { $0.range!.min < $1.range!.min })
        XCTAssertEqual(layout.state.placements(of: firstShard.id).map(\.node), [coordinator.id])
        let plain = try ClusterRun.layout(for: try scenario(hasShards: false, classes: report))
        XCTAssertFalse(plain.workerIDs.contains(coordinator.id))
        XCTAssertEqual(plain.shardWorker[0], (0..<24).map { WorkerIndex($0 % 2) })
    }

    /// Router queries to the coordinator's shards open no connection and skip the network
    /// (both ways, 10 ms each here); the others pay 2 × 10 ms. The share run locally is the
    /// activity of the tenants on the coordinator's shards.
    func testRouterQueriesOnTheCoordinatorsShardsRunInProcess() throws {
        let lookup = "    - {name: lookup, kind: router, share: 1, table: events, coordinator_cpu: {distribution: constant, value: 100us}, worker_cpu: {distribution: exponential, mean: 1ms}}"
        let probe = try scenario(classes: lookup)
        let layout = try ClusterRun.layout(for: probe)
        let onCoordinator = { (t: Int) in layout.worker(table: 0, tenant: TenantIndex(t)) == 0 }
        let local = try XCTUnwrap((0..<600).first(where: onCoordinator)), remote = try XCTUnwrap((0..<600).first { !onCoordinator($0) })
        let r = try run(try scenario(rate: 200, latency: "10ms", duration: "60s", watch: [local + 1, remote + 1], classes: lookup))
        let activity = probe.workload.tenants.activity
        let localShare = (0..<600).filter(onCoordinator).reduce(0.0) { $0 + activity[$1] } / activity.reduce(0, +)
        let completed = r.value("lookup.throughput_per_second")
        XCTAssertEqual(r.value("coordinator.local_executions_per_second") / completed, localShare, accuracy: 0.03)
        XCTAssertEqual(r.value("coordinator.connections_opened"), 0)
        XCTAssertGreaterThan(r.value("worker-1.connections_opened"), 0)
        XCTAssertLessThan(r.value("tenant\(local + 1).latency_p50_ms"), 5, "no network round trip")
        XCTAssertGreaterThan(r.value("tenant\(remote + 1).latency_p50_ms"), 20, "two 10 ms hops")
        XCTAssertEqual(r.value("error_rate"), 0)
    }

    /// Fan-outs reach the coordinator's shards over loopback connections, never more at once
    /// than citus.local_shared_pool_size; a larger one lets more open. A session fails over
    /// only while it holds no cached loopback connection and the others' extra connections fill
    /// the pool (a session's first fan-outs; how many depends on timing, 1 to 3 here as the
    /// executor's costs vary); each failover runs the coordinator's 8 shards in-process.
    func testLoopbackConnectionsStayWithinTheLocalSharedPool() throws {
        let tight = try run(try scenario(sessions: 4, rate: 150, citus: ", local_shared_pool_size: 6", classes: report))
        XCTAssertGreaterThan(tight.value("coordinator.connections_opened"), 0)
        XCTAssertLessThanOrEqual(tight.value("coordinator.connections_peak"), 6)
        XCTAssertGreaterThan(tight.value("coordinator.optional_connections_skipped"), 0)
        let roomy = try run(try scenario(sessions: 4, rate: 150, citus: ", local_shared_pool_size: 100", classes: report))
        XCTAssertGreaterThan(roomy.value("coordinator.connections_peak"), 6)
        let failovers = tight.value("coordinator.local_failovers")
        XCTAssertEqual(tight.value("coordinator.local_executions_per_second") * 40, 8 * failovers, accuracy: 1e-6, "in-process tasks only for failed-over pools")
        XCTAssertLessThan(failovers, 0.01 * tight.value("report.throughput_per_second") * 40, "almost every fan-out got a loopback connection or kept its cached one")
        XCTAssertEqual(roomy.value("coordinator.local_failovers"), 0)
        XCTAssertEqual(tight.value("error_rate"), 0)
    }

    /// With client backends + 1 above citus.local_shared_pool_size no loopback connection
    /// opens: every fan-out fails over to local execution, which runs the coordinator's 8
    /// shards one at a time after the remote tasks (≥ 8 × 5 ms at idle, against ~5 ms plus a
    /// connection when loopback connections may open; no slow start here). With local
    /// execution off, they fail.
    func testFanOutsFailOverToLocalExecutionWithoutALoopbackConnection() throws {
        let failover = try run(try scenario(sessions: 10, rate: 5, citus: ", local_shared_pool_size: 10, executor_slow_start_interval: 0s", classes: report))
        XCTAssertEqual(failover.value("coordinator.connections_opened"), 0)
        let queries = failover.value("report.throughput_per_second") * 40
        XCTAssertEqual(failover.value("coordinator.local_failovers"), queries, accuracy: 1)
        XCTAssertEqual(failover.value("coordinator.local_executions_per_second") * 40, 8 * queries, accuracy: 8)
        XCTAssertGreaterThanOrEqual(failover.value("report.latency_p50_ms"), 40)
        XCTAssertEqual(failover.value("error_rate"), 0)
        let loopback = try run(try scenario(sessions: 10, rate: 5, citus: ", executor_slow_start_interval: 0s", classes: report))
        XCTAssertEqual(loopback.value("coordinator.local_failovers"), 0)
        XCTAssertLessThan(loopback.value("report.latency_p50_ms"), 20)
        let off = try run(try scenario(sessions: 10, rate: 5, citus: ", local_shared_pool_size: 10, enable_local_execution: false", classes: report))
        XCTAssertEqual(off.value("error_rate"), 1)
    }

    /// multi_shard_modify_mode 'sequential': the local tasks run in-process first, then each
    /// worker's 8 tasks over one connection: ≥ 16 × 2 ms at idle, where running both parts
    /// at once would take about 8 × 2 ms.
    func testSequentialModificationsRunLocalTasksFirst() throws {
        let update = "    - {name: update, kind: multi_shard, share: 1, table: events, command: update, coordinator_cpu: {distribution: constant, value: 100us}, worker_cpu: {distribution: constant, value: 2ms}}"
        let r = try run(try scenario(sessions: 4, rate: 5, citus: ", multi_shard_modify_mode: sequential", classes: update))
        XCTAssertEqual(r.value("coordinator.connections_opened"), 0)
        XCTAssertEqual(r.value("coordinator.local_executions_per_second") / r.value("update.throughput_per_second"), 8, accuracy: 0.5)
        XCTAssertGreaterThanOrEqual(r.value("update.latency_p50_ms"), 32)
        XCTAssertLessThan(r.value("update.latency_p50_ms"), 45)
    }

    /// Citus's rebalancer counts the coordinator with shards as a node: after adding a third
    /// worker, by shard count 24 shards spread 6 per node, so each of the three old nodes, the
    /// coordinator included, gives up 2. The moves copy from the coordinator's disk and queries go on.
    func testRebalanceMovesShardsOffTheCoordinator() throws {
        let (loaded, _) = try ScenarioLoader.load(text: """
            version: 1
            kind: cluster
            run: {seed: 3, duration: 3m, warmup: 0s, replications: 1}
            cluster:
              coordinator: {cores: 8, memory_gib: 32, max_connections: 200}
              workers: {count: 2, cores: 8, memory_gib: 32}
              coordinator_has_shards: true
            citus: {shard_count: 24}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 600, total_size_gib: 12}
            workload:
              arrivals: {rate_per_second: 100, sessions: 8}
              classes:
                - {name: lookup, kind: router, share: 1, table: events, worker_cpu: {distribution: exponential, mean: 1ms}}
            timeline:
              - at: 10s
                sql: |
                  SELECT citus_add_node('worker-3', 5432);
                  SELECT citus_rebalance_start(rebalance_strategy := 'by_shard_count');
                  SELECT citus_rebalance_wait();
            """, file: "rebalance.yaml", name: "rebalance")
        guard case .cluster(let s) = loaded else { return XCTFail("not a cluster scenario") }
        let r = try run(s)
        let log = try XCTUnwrap(r.operations)
        XCTAssertTrue(log.operations.allSatisfy { $0.status == "done" }, "\(log.operations.map(\.status))")
        let moves = log.transfers.filter { $0.kind == "move" }
        XCTAssertEqual(moves.count, 6)
        XCTAssertEqual(moves.filter { $0.source == "coordinator" }.count, 2)
        XCTAssertEqual(Set(moves.map(\.target)), ["worker-3"])
        XCTAssertGreaterThan(r.value("coordinator.disk_utilization"), 0, "the copies read the coordinator's disk")
        XCTAssertEqual(r.value("error_rate"), 0)
    }

    /// `validate` warns, at the key, when the client sessions leave no room for loopback connections.
    func testValidateWarnsWhenSessionsLeaveNoLoopbackConnections() throws {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 3, duration: 40s, warmup: 0s, replications: 3}
            cluster:
              coordinator: {cores: 8, memory_gib: 32, max_connections: 200}
              workers: {count: 2, cores: 8, memory_gib: 32}
              coordinator_has_shards: true
            tables:
              - {name: events, type: distributed}
            tenants: {count: 600, total_size_gib: 1}
            workload:
              arrivals: {rate_per_second: 50, sessions: 150}
              classes:
            \(report)
            """
        let (_, findings) = try ScenarioLoader.load(text: yaml, file: "local.yaml", name: "local")
        let warning = try XCTUnwrap(findings.first { $0.message.contains("client sessions on the coordinator") })
        XCTAssertEqual("\(warning)".prefix(23), "local.yaml:7:27: warnin")
        XCTAssertTrue(warning.message.contains("citus.local_shared_pool_size 100"), warning.message)
        XCTAssertEqual(findings.filter { $0.severity == .error }.count, 0)
    }

    /// Mixed load with timeouts, loopback connections, failovers and local execution: once
    /// every request has drained, every backend and shared-pool slot is a cached connection.
    func testLocalExecutionLeaksNoConnections() throws {
        let mixed = """
                - {name: lookup, kind: router, share: 0.6, table: events, worker_cpu: {distribution: exponential, mean: 1ms}}
                - {name: report, kind: multi_shard, share: 0.3, table: events, worker_cpu: {distribution: exponential, mean: 8ms}}
                - {name: update, kind: multi_shard, share: 0.1, table: events, command: update, worker_cpu: {distribution: exponential, mean: 2ms}}
            """
        // Failovers only (12 client backends + 1 > 6); loopback connections and failovers; sequential writes.
        for (sessions, pool, mode) in [(12, 6, "parallel"), (4, 6, "parallel"), (12, 100, "sequential")] {
            var s = try scenario(sessions: sessions, rate: 400, citus: ", local_shared_pool_size: \(pool), statement_timeout: 60ms, multi_shard_modify_mode: \(mode)", classes: mixed)
            s.workload.arrivals = .open(.step(before: 400, after: 0, at: .seconds(20)), sessions: sessions)
            let model = try RunFixture.runToEnd(s, seed: 9)
            XCTAssertEqual(model.drainedAccountingProblems(), [], "pool \(pool), \(mode)")
            if sessions == 4 {
                XCTAssertGreaterThan(model.metrics.localFailovers, 0)
                XCTAssertGreaterThan(model.metrics.connectionsOpened[0], 0, "loopback connections")
            }
            XCTAssertGreaterThan(model.metrics.localExecutions, 1_000)
            XCTAssertGreaterThan(model.metrics.timeouts.reduce(0, +), 0, "the timeouts are exercised")
        }
    }
}
