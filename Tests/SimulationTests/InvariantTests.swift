import SimCore
import Simulation
import Workload
import XCTest

final class InvariantTests: XCTestCase {
    /// For many seeds and settings (shards on the coordinator or not, loopback pools, local
    /// execution on or off): once arrivals stop and everything drains, no request is
    /// left and every backend and shared-pool slot belongs to a session's cached connection.
    func testConnectionsAreNeverLeaked() throws {
        for seed in UInt64(1)...12 {
            var rng = seed
            func pick<T>(_ options: [T]) -> T { rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return options[Int(rng >> 33) % options.count] }
            let timeout: SimDuration? = pick([nil, .milliseconds(30), .milliseconds(200)])
            let pool = pick([1, 4, 16]), sharedLimit = pick([0, 6, 40]), workerMax = pick([30, 200]), databases = pick([1, 3])
            let hasShards = pick([false, true]), localLimit = pick([0, 6, -1]), localExecution = pick([true, true, false])
            var scenario = try ScenarioBuilder.scenario(
                workers: 3, workerCores: 4, shardCount: 12,
                classes: [ScenarioBuilder.router(cpu: .exponential(mean: 0.004)),
                          QueryClass(name: "report", kind: .multiShard, share: 0.3, table: "events", workerCPU: .exponential(mean: 0.01), coordinatorCPU: .constant(0.001)),
                          QueryClass(name: "copy", kind: .insertSelectCoordinator, share: 0.1, table: "events", workerCPU: .exponential(mean: 0.005),
                                     coordinatorCPU: .constant(0.001), resultBytes: 4_096, writeBytes: 4_096)],
                arrivals: .open(.step(before: 400, after: 0, at: .seconds(20)), sessions: 40), duration: .seconds(120), warmup: .seconds(2),
                latency: .microseconds(300), tls: true, connectionSetupCPU: .milliseconds(2),
                citus: { $0.statementTimeout = timeout; $0.maxAdaptiveExecutorPoolSize = pool; $0.maxSharedPoolSize = sharedLimit
                         $0.localSharedPoolSize = localLimit; $0.enableLocalExecution = localExecution },
                workerMaxConnections: workerMax)
            scenario.workload.databases = databases
            scenario.cluster.coordinatorHasShards = hasShards
            var engine = Engine(model: try ClusterSimulation(scenario: scenario, layout: try ClusterRun.layout(for: scenario), seed: seed))
            engine.model.start(&engine.scheduler)
            _ = engine.run(until: .zero + scenario.run.duration)
            XCTAssertEqual(engine.model.drainedAccountingProblems(), [], "seed \(seed)")
        }
    }
}

final class DatabasesTests: XCTestCase {
    /// Citus counts shared-pool connections per database: three databases on the same
    /// servers may together open three times max_shared_pool_size connections to a worker,
    /// beyond its max_connections, where one database stays within it.
    func testDatabasesShareWorkersMaxConnections() throws {
        func run(databases: Int) throws -> ClusterRunResult {
            var s = try ScenarioBuilder.scenario(
                workers: 2, workerCores: 8, shardCount: 8, classes: [ScenarioBuilder.router(cpu: .exponential(mean: 0.002))],
                arrivals: .closed(clients: 90, think: .exponential(mean: 0.01)), duration: .seconds(20), warmup: .seconds(2),
                citus: { $0.maxSharedPoolSize = 20 }, workerMaxConnections: 43)
            s.workload.databases = databases
            return try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 4)
        }
        let one = try run(databases: 1), three = try run(databases: 3)
        XCTAssertLessThanOrEqual(one.value("worker-1.connections_peak"), 20)
        XCTAssertEqual(one.value("worker-1.connections_refused"), 0)
        XCTAssertGreaterThan(three.value("worker-1.connections_peak"), 20, "each database has its own shared-pool budget")
        XCTAssertLessThanOrEqual(three.value("worker-1.connections_peak"), 40, "max_connections 43 less 3 reserved")
        XCTAssertGreaterThan(three.value("worker-1.connections_refused") + three.value("lookup.errors"), 0)
    }
}

final class TenantStreamTests: XCTestCase {
    /// The model draws each arrival's tenant one arrival ahead (to prefetch the alias entry):
    /// the recorded tenants must still be the `workload.tenants` stream's draws in order, as
    /// a plain sampler over the same activity gives them.
    func testTenantsFollowTheNamedStreamInOrder() throws {
        let s = try ScenarioBuilder.scenario(
            workers: 2, workerCores: 4, shardCount: 8, classes: [ScenarioBuilder.router(cpu: .exponential(mean: 0.001))],
            arrivals: .open(.constant(500), sessions: 20), duration: .seconds(10), warmup: .zero)
        let seed: UInt64 = 7
        let trace = try XCTUnwrap(try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: seed, record: true).trace)
        XCTAssertGreaterThan(trace.count, 4_000)
        let sampler = try AliasTable(weights: s.workload.tenants.activity)
        let stream = RandomStream(runSeed: seed, name: "workload.tenants")
        let expected = (0..<trace.count).map { _ in TenantIndex(sampler.sample(stream)) }
        XCTAssertEqual(trace.tenants, expected)
        XCTAssertGreaterThan(Set(expected).count, 100, "many tenants drawn")
    }
}
