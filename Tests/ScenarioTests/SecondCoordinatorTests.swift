import Diagnostics
import Experiments
import Reporting
import Scenario
import SimCore
import Simulation
import XCTest

/// A second coordinator (timeline event `add_coordinator`): client sessions are balanced
/// across the coordinators that are up, each coordinator has its own CPU, NIC and shared
/// connection pools, and DDL and cluster operations still go through the first.
final class SecondCoordinatorTests: XCTestCase {
    /// Coordinator-bound inserts; `timeline` as YAML lines (indented 2).
    func scenario(coordinatorCores: Int = 4, coordinatorCount: Int = 1, rate: Double = 3_400, sessions: Int = 200, duration: String = "6m", sharedPool: Int = 0, workerMaxConnections: Int = 1_000,
                  multiShardShare: Double = 0, statementTimeout: String = "0s", timeline: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 3, duration: \(duration), warmup: 0s, replications: 1, sample_interval: 10s}
            cluster:
              coordinator: {cores: \(coordinatorCores), count: \(coordinatorCount), memory_gib: 32}
              workers: {count: 2, cores: 16, memory_gib: 64, max_connections: \(workerMaxConnections)}
            citus: {shard_count: 8, max_shared_pool_size: \(sharedPool), statement_timeout: \(statementTimeout)}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 1000, total_size_gib: 1}
            workload:
              arrivals: {rate_per_second: \(rate), sessions: \(sessions)}
              classes:
                - {name: insert, kind: router, share: \(1 - multiShardShare), table: events, command: insert, coordinator_cpu: {distribution: exponential, mean: 1ms}, worker_cpu: {distribution: exponential, mean: 100us}}
            \(multiShardShare > 0 ? "    - {name: report, kind: multi_shard, share: \(multiShardShare), table: events, coordinator_cpu: {distribution: exponential, mean: 1ms}, worker_cpu: {distribution: exponential, mean: 20ms}}" : "")
            timeline:
            \(timeline)
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "coordinators.yaml", name: "coordinators")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    func run(_ s: ClusterScenario) throws -> ClusterRunResult { try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 5) }

    /// Utilisation is offered load over capacity (λ·E[S]/c): 850 inserts/s × 1 ms on 1 core
    /// is 0.85 before the second coordinator joins, 0.425 on each after; every query runs.
    /// The p99 falls with the load.
    func testSecondCoordinatorTakesHalfTheCoordinatorLoad() throws {
        let r = try run(try scenario(coordinatorCores: 1, rate: 850, duration: "4m", timeline: "  - {at: 2m, event: add_coordinator, node: coordinator-2}"))
        XCTAssertEqual(r.coordinatorNames, ["coordinator", "coordinator-2"])
        let second = 1 + r.workerNames.count  // CPU series: coordinator, workers, added coordinators
        let before = r.measurements.series.filter { $0.timeSeconds <= 120 }, after = r.measurements.series.filter { $0.timeSeconds > 130 }
        func mean(_ rows: [SeriesRow], _ f: (SeriesRow) -> Double) -> Double { rows.map(f).reduce(0, +) / Double(rows.count) }
        XCTAssertEqual(mean(before) { $0.cpuUtilization[0] }, 0.85, accuracy: 0.85 * 0.03)
        XCTAssertEqual(mean(before) { $0.cpuUtilization[second] }, 0)
        XCTAssertEqual(mean(after) { $0.cpuUtilization[0] }, 0.425, accuracy: 0.425 * 0.03)
        XCTAssertEqual(mean(after) { $0.cpuUtilization[second] }, 0.425, accuracy: 0.425 * 0.03)
        XCTAssertLessThan(mean(after) { $0.p99Ms[0] }, 0.6 * mean(before) { $0.p99Ms[0] })
        XCTAssertEqual(r.value("error_rate"), 0)
        XCTAssertEqual(r.value("coordinator-2.cpu_utilization"), 0.425 / 2, accuracy: 0.425 / 2 * 0.05, "half the window at 0.425")
        XCTAssertEqual(r.value("coordinator_cpu_utilization_max"), (0.85 + 0.425) / 2, accuracy: 0.6375 * 0.03, "the first coordinator is the busier one")
        let op = try XCTUnwrap(r.operations?.operations.first)
        XCTAssertEqual(op.status, "done")
        XCTAssertGreaterThan(try XCTUnwrap(op.end), op.start, "the metadata is synced before it takes sessions")
    }

    /// `cluster.coordinator.count: 2`: both coordinators take sessions from the first query
    /// (0.425 of a core each for 850 inserts/s × 1 ms), the second is a node the timeline can
    /// name, and when it fails the first takes the whole load (0.85).
    func testCoordinatorsFromTheStartShareTheLoad() throws {
        let r = try run(try scenario(coordinatorCores: 1, coordinatorCount: 2, rate: 850, duration: "4m",
                                     timeline: "  - {at: 2m, event: node_fails, node: coordinator-2, standby: false}"))
        XCTAssertEqual(r.coordinatorNames, ["coordinator", "coordinator-2"])
        let second = 1 + r.workerNames.count
        let before = r.measurements.series.filter { $0.timeSeconds <= 120 }, after = r.measurements.series.filter { $0.timeSeconds > 130 }
        func mean(_ rows: [SeriesRow], _ f: (SeriesRow) -> Double) -> Double { rows.map(f).reduce(0, +) / Double(rows.count) }
        XCTAssertEqual(mean(before) { $0.cpuUtilization[0] }, 0.425, accuracy: 0.425 * 0.03)
        XCTAssertEqual(mean(before) { $0.cpuUtilization[second] }, 0.425, accuracy: 0.425 * 0.03)
        XCTAssertEqual(mean(after) { $0.cpuUtilization[0] }, 0.85, accuracy: 0.85 * 0.03)
        XCTAssertEqual(mean(after) { $0.cpuUtilization[second] }, 0)
    }

    /// A count outside 1...64 is an error at its line and column.
    func testCoordinatorCountIsChecked() throws {
        let yaml = try scenarioText(count: 0)
        XCTAssertThrowsError(try ScenarioLoader.load(text: yaml, file: "c.yaml", name: "c")) { error in
            let findings = (error as? InputError)?.findings ?? []
            XCTAssertEqual(findings.map { "\($0.line):\($0.column)" }, ["2:34"], "\(findings)")
            XCTAssertEqual(findings.first?.message, "`cluster.coordinator.count` is 0; expected an integer in 1...64")
        }
    }

    private func scenarioText(count: Int) throws -> String {
        """
        cluster:
          coordinator: {cores: 4, count: \(count), memory_gib: 32}
          workers: {count: 2, cores: 16, memory_gib: 64}
        version: 1
        kind: cluster
        tables:
          - {name: events, type: distributed}
        tenants: {count: 10, total_size_gib: 1}
        workload:
          arrivals: {rate_per_second: 10, sessions: 10}
          classes:
            - {name: insert, kind: router, share: 1, table: events, command: insert, coordinator_cpu: {distribution: exponential, mean: 1ms}, worker_cpu: {distribution: exponential, mean: 100us}}
        """
    }

    /// slo.max_cpu_utilization holds for the busiest coordinator once the timeline adds one:
    /// here the second (0.425 of its core for a minute, then 0.85 while the first is down:
    /// 0.64 on average) misses 50% while the first (0.21) alone would meet it.
    func testCPUObjectiveAppliesToTheBusiestCoordinator() throws {
        var s = try scenario(coordinatorCores: 1, rate: 850, duration: "2m", timeline: """
              - {at: 0s, event: add_coordinator, node: coordinator-2}
              - {at: 1m, event: node_fails, node: coordinator, standby: true}
            """)
        s.slo.maxCPUUtilization = 0.5
        s.run.replications = 2
        let report = ClusterReport(try ClusterExperiment.run(s, threads: 1))
        let check = try XCTUnwrap(report.sloResults.first { $0.objective == "busiest coordinator CPU" })
        XCTAssertEqual(check.metric, "coordinator_cpu_utilization_max")
        XCTAssertEqual(check.measured.mean, (0.425 + 0.85) / 2, accuracy: 0.05)
        XCTAssertFalse(check.met)
        XCTAssertEqual(try XCTUnwrap(report.first.metrics.first { $0.name == "coordinator.cpu_utilization" }).value, 0.425 / 2, accuracy: 0.03)
        XCTAssertFalse(report.sloResults.contains { $0.metric == "coordinator.cpu_utilization" })
    }

    /// Each coordinator counts its own connections against citus.max_shared_pool_size (the
    /// counters live in each node's shared memory), so two coordinators may together hold
    /// twice that many connections to a worker; its max_connections still caps them.
    func testEachCoordinatorHasItsOwnSharedPool() throws {
        func peak(_ timeline: String) throws -> ClusterRunResult {
            try run(try scenario(rate: 1_500, sessions: 120, duration: "40s", sharedPool: 20, workerMaxConnections: 43, multiShardShare: 0.5, timeline: timeline))
        }
        let one = try peak("  - {at: 30m, event: add_coordinator, node: coordinator-2}")
        let two = try peak("  - {at: 0s, event: add_coordinator, node: coordinator-2}")
        XCTAssertLessThanOrEqual(one.value("worker-1.connections_peak"), 20)
        XCTAssertGreaterThan(two.value("worker-1.connections_peak"), 20)
        XCTAssertLessThanOrEqual(two.value("worker-1.connections_peak"), 40, "max_connections 43 less 3 reserved")
    }

    /// With the first coordinator down, queries keep running through the second (the load
    /// balancer's health check), but the DBA's statements fail: they go through the first.
    /// Without a second coordinator, every query fails while the coordinator is down.
    func testDDLOnlyThroughTheFirstCoordinator() throws {
        let s = try scenario(rate: 500, duration: "4m", timeline: """
              - {at: 10s, event: add_coordinator, node: coordinator-2}
              - {at: 1m, event: node_fails, node: coordinator}
              - {at: 2m, sql: "SELECT citus_set_node_property('worker-1', 5432, 'shouldhaveshards', false);"}
              - {at: 3m, event: node_returns, node: coordinator}
              - {at: 210s, sql: "SELECT citus_set_node_property('worker-1', 5432, 'shouldhaveshards', false);"}
            """)
        let r = try run(s)
        let ops = try XCTUnwrap(r.operations).operations
        XCTAssertEqual(ops.map(\.status), ["done", "done", "error", "done", "done"])
        XCTAssertTrue(try XCTUnwrap(ops[2].error).contains("the first coordinator is down"))
        XCTAssertEqual(r.value("error_rate"), 0, "queries went to coordinator-2 while the first was down")
        let down = r.measurements.series.filter { $0.timeSeconds > 70 && $0.timeSeconds <= 180 }
        XCTAssertEqual(down.map { $0.cpuUtilization[0] }.max(), 0, "no work on the failed coordinator")

        let alone = try run(try scenario(rate: 500, duration: "4m", timeline: """
              - {at: 1m, event: node_fails, node: coordinator}
              - {at: 3m, event: node_returns, node: coordinator}
            """))
        XCTAssertGreaterThan(alone.value("error_rate"), 0.4, "two of four minutes without a coordinator")
    }

    /// Sessions that move between coordinators close the connections they cached through the
    /// old one: once everything drains, every backend and shared-pool slot is a cached one.
    /// (statement_timeout ends the waits of fan-outs that hold connections to one worker
    /// while waiting for a slot to another, which Citus does not time out either, FACTS G.)
    func testSessionsMovingBetweenCoordinatorsLeakNoConnections() throws {
        var s = try scenario(rate: 1_500, sessions: 60, duration: "2m", sharedPool: 12, workerMaxConnections: 40, multiShardShare: 0.3,
                             statementTimeout: "500ms", timeline: """
              - {at: 5s, event: add_coordinator, node: coordinator-2}
              - {at: 20s, event: node_fails, node: coordinator}
              - {at: 30s, event: node_returns, node: coordinator}
              - {at: 40s, event: add_coordinator, node: coordinator-3}
              - {at: 50s, event: node_fails, node: coordinator-2}
            """)
        s.workload.arrivals = .open(.step(before: 1_500, after: 0, at: .seconds(60)), sessions: 60)
        let model = try RunFixture.runToEnd(s, seed: 9)
        XCTAssertEqual(model.drainedAccountingProblems(), [])
        XCTAssertGreaterThan(model.metrics.completed.reduce(0, +), 20_000)
    }

    /// A new coordinator needs a name no node has yet; it can then fail and return by name.
    func testAddCoordinatorNamesAreChecked() throws {
        XCTAssertThrowsError(try scenario(timeline: "  - {at: 1m, event: add_coordinator, node: worker-2}")) { error in
            XCTAssertTrue("\(error)".contains("coordinators.yaml:17:44: error: `timeline[0].node` is `worker-2`, already a node of the cluster"), "\(error)")
        }
        XCTAssertNoThrow(try scenario(timeline: """
              - {at: 1m, event: add_coordinator, node: coordinator-2}
              - {at: 2m, event: node_fails, node: coordinator-2, standby: true}
            """))
    }
}

extension ClusterRunResult {
    /// A summary figure by name (NaN when absent, so comparisons fail).
    func value(_ name: String) -> Double { metrics.first { $0.name == name }?.value ?? .nan }
}
