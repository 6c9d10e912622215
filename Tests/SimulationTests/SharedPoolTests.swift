import SimCore
import Simulation
import Workload
import XCTest

/// The shared pool as the lab measured it: the maintenance daemon's connection takes a slot
/// towards every worker, and the cost-based connection check counts a cached connection's
/// set-up time (adaptive_executor.c, AvgConnectionEstablishmentTime).
final class SharedPoolTests: XCTestCase {
    /// 16 router clients and `citus.max_shared_pool_size` 4 on 3 workers (32 shards): each
    /// session caches a connection per worker it touched, so the pool fills up and the load
    /// hangs. The lab's run opened 3 connections to each worker before it hung (the 4th slot
    /// is the maintenance daemon's); with deadlock detection off all 4 go to sessions.
    func testTheMaintenanceDaemonHoldsOneSlotPerWorker() throws {
        func opened(deadlockDetection: Bool) throws -> (connections: [Int], late: Int) {
            let s = try ScenarioBuilder.scenario(
                workers: 3, workerCores: 2, shardCount: 32, classes: [ScenarioBuilder.router(cpu: .constant(0.0002))],
                arrivals: .closed(clients: 16, think: .constant(0)), duration: .seconds(6), warmup: .zero, replications: 1,
                latency: .microseconds(10), connectionSetupCPU: .milliseconds(3),
                citus: { $0.maxSharedPoolSize = 4; $0.deadlockDetection = deadlockDetection })
            let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1)
            let late = r.measurements.series.filter { $0.timeSeconds > 3 }.reduce(0) { $0 + $1.completed.reduce(0, +) }
            return ((1...3).map { Int(r.value("worker-\($0).connections_opened")) }, late)
        }
        let on = try opened(deadlockDetection: true)
        XCTAssertEqual(on.connections, [3, 3, 3])
        XCTAssertEqual(on.late, 0, "the load hangs: sessions wait for slots other sessions' cached connections hold")
        XCTAssertEqual(try opened(deadlockDetection: false).connections, [4, 4, 4])
    }

    /// A session's second fan-out borrows its cached connection; 11 tasks of 2 ms wait on a
    /// worker. At the 10 ms slow-start round about 4 have finished, so the check compares
    /// keeping the one connection (1 + 2 × ready ms, about 13 ms) with opening one
    /// (2 ms + the mean set-up time). With the cached connection's 50 ms set-up counted, the
    /// existing connection is cheaper and nothing opens; when set-up is quick, new ones do.
    func testACachedConnectionsSetUpTimeCountsInTheCostCheck() throws {
        func secondQueryOpens(setup: SimDuration) throws -> Int {
            func run(_ duration: Double) throws -> Int {
                let s = try ScenarioBuilder.scenario(
                    workers: 3, workerCores: 16, shardCount: 32, classes: [ScenarioBuilder.fanOut(cpu: .constant(0.002))],
                    arrivals: .closed(clients: 1, think: .constant(5)), duration: SimDuration(seconds: duration), warmup: .zero, replications: 1,
                    latency: .microseconds(10), connectionSetupCPU: setup)
                let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1)
                return (1...3).reduce(0) { $0 + Int(r.value("worker-\($1).connections_opened")) }
            }
            return try run(11) - run(7.5)  // the second query starts after 5 s of thought
        }
        XCTAssertEqual(try secondQueryOpens(setup: .milliseconds(50)), 0)
        XCTAssertGreaterThan(try secondQueryOpens(setup: .microseconds(100)), 0)
    }
}
