import Scenario
import SimCore
import Simulation
import XCTest

/// Fan-out results accounted for when they leave the worker, instead of with a `deliver`
/// event when they reach the coordinator (`canDeliverEarly`), must change no outcome. With
/// constant shard-task demands the random streams are consumed in the same order either way,
/// so every request must end at the same microsecond: the sums of service times, the
/// latency histograms and the connection counts must be equal, not just close.
final class EarlyDeliveryTests: XCTestCase {
    func scenario(citus: String, rate: Double, sessions: Int, timeout: String = "", cores: Int = 4) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 3, duration: 60s, warmup: 5s, replications: 1}
            cluster:
              coordinator: {cores: 4, memory_gib: 32, max_connections: 300}
              workers: {count: 3, cores: \(cores), memory_gib: 8}
              network_latency: 400us
            citus: {shard_count: 12\(citus)\(timeout)}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 2000, total_size_gib: 200}
            workload:
              arrivals: {rate_per_second: \(rate), sessions: \(sessions)}
              classes:
                - {name: lookup, kind: router, share: 0.6, table: events, worker_cpu: {distribution: constant, value: 2ms}, bytes_read_kib: 64}
                - {name: report, kind: multi_shard, share: 0.3, table: events, worker_cpu: {distribution: constant, value: 3ms}, bytes_read_kib: 256}
                - {name: purge, kind: multi_shard, share: 0.1, table: events, command: delete, worker_cpu: {distribution: constant, value: 1ms}, write_bytes_kib: 8}
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "early.yaml", name: "early")
        guard case .cluster(var s) = loaded else { throw XCTSkip("not a cluster scenario") }
        // Arrivals stop at 50 s, so every request drains before the end.
        s.workload.arrivals = .open(.step(before: rate, after: 0, at: .seconds(50)), sessions: sessions)
        return s
    }

    /// (events handled, deliver events, metrics) of one run.
    func run(_ s: ClusterScenario, early: Bool) throws -> (UInt64, UInt64, SimulationMetrics) {
        var model = try ClusterSimulation(scenario: s, layout: try ClusterRun.layout(for: s), seed: 11)
        model.earlyDeliveryAllowed = early
        var engine = Engine(model: model)
        engine.model.start(&engine.scheduler)
        _ = engine.run(until: .zero + s.run.duration)
        XCTAssertEqual(engine.model.drainedAccountingProblems(), [])
        return (engine.eventsHandled, engine.model.eventCounts[Int(ClusterEvent.deliver.rawValue)], engine.model.metrics)
    }

    func testAccountingResultsAheadChangesNoOutcome() throws {
        // Many cores: the CPUs never share (n <= c), so virtual time moves in whole
        // microseconds and completions tie-break the same way; with sharing, the order of the
        // floating-point steps differs and single requests may end a microsecond apart.
        let cases: [(String, ClusterScenario)] = [
            // Slow start with cached connections.
            ("slow start", try scenario(citus: ", max_adaptive_executor_pool_size: 4", rate: 420, sessions: 40, cores: 64)),
            // A small shared pool: connection waits and skipped optional connections.
            ("shared pool", try scenario(citus: ", max_shared_pool_size: 8, max_cached_conns_per_worker: 0", rate: 250, sessions: 30, cores: 64)),
            // Timeouts cancel tasks and stop pools; no slow start.
            ("timeouts", try scenario(citus: ", executor_slow_start_interval: 0ms", rate: 300, sessions: 60,
                                      timeout: ", statement_timeout: 20ms", cores: 64)),
        ]
        XCTAssertGreaterThan(try run(cases[2].1, early: false).2.timeouts[1], 1_000, "the timeout case times out fan-outs")
        for (name, s) in cases {
            let (eventsAhead, deliversAhead, ahead) = try run(s, early: true)
            let (eventsExact, deliversExact, exact) = try run(s, early: false)
            XCTAssertLessThan(deliversAhead, deliversExact * 3 / 4, "\(name): most fan-out results need no event")
            XCTAssertLessThan(eventsAhead, eventsExact, name)
            XCTAssertGreaterThan(exact.completed[1], 1_000, "\(name): enough fan-outs to compare")
            XCTAssertEqual(ahead.completed, exact.completed, name)
            XCTAssertEqual(ahead.timeouts, exact.timeouts, name)
            XCTAssertEqual(ahead.errors, exact.errors, name)
            XCTAssertEqual(ahead.serviceMicroseconds, exact.serviceMicroseconds, name)
            for c in 0..<3 {
                for q in [50.0, 90, 99, 99.9] {
                    XCTAssertEqual(ahead.latency[c].percentileMilliseconds(q), exact.latency[c].percentileMilliseconds(q), "\(name) class \(c) p\(q)")
                }
            }
            XCTAssertEqual(ahead.connectionsOpened, exact.connectionsOpened, name)
            XCTAssertEqual(ahead.connectionWaits, exact.connectionWaits, name)
            XCTAssertEqual(ahead.optionalConnectionsSkipped, exact.optionalConnectionsSkipped, name)
            XCTAssertEqual(ahead.cancelledTasks, exact.cancelledTasks, name)
            XCTAssertEqual(ahead.tenantCPUSeconds, exact.tenantCPUSeconds, name)
        }
    }
}
