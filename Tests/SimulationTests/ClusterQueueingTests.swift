import ParallelRuns
import QueueingModels
import SimCore
import Simulation
import Workload
import XCTest

final class ClusterQueueingTests: XCTestCase {
    func replicate(_ scenario: ClusterScenario, _ metric: String) throws -> ConfidenceInterval {
        let layout = try ClusterRun.layout(for: scenario)
        let reps = try Replications(baseSeed: scenario.run.seed, count: scenario.run.replications)
        let values = reps.run(threads: 2) { _, seed in (try? ClusterRun.run(scenario, layout: layout, seed: seed).value(metric)) ?? .nan }
        return try ConfidenceInterval(samples: values)
    }

    /// One worker with 4 cores, Poisson arrivals at ρ = 0.8, router queries with exponential
    /// CPU and every other cost zero: the cluster is an M/M/4 processor-sharing queue.
    func testRouterQueriesOnOneWorkerAreMMcProcessorSharing() throws {
        let scenario = try ScenarioBuilder.scenario(
            classes: [ScenarioBuilder.router(cpu: .exponential(mean: 0.01))],
            arrivals: .open(.constant(320), sessions: 500), duration: .seconds(220), warmup: .seconds(20), replications: 10)
        let exact = QueueingFormulas.mmcMeanResponse(servers: 4, arrivalRate: 320, meanService: 0.01) * 1e3
        let ci = try replicate(scenario, "lookup.latency_mean_ms")
        print("cluster M/M/4-PS: \(ci.mean) ± \(ci.halfWidth) ms, exact \(exact)")
        XCTAssertLessThan(ci.halfWidth, 0.03 * exact)
        XCTAssertEqual(ci.mean, exact, accuracy: 0.03 * exact)
    }
}

final class ExecutorTests: XCTestCase {
    func run(_ scenario: ClusterScenario, seed: UInt64 = 11) throws -> ClusterRunResult {
        try ClusterRun.run(scenario, layout: try ClusterRun.layout(for: scenario), seed: seed)
    }

    /// k idle workers with one shard each and exponential task CPU: a fan-out's response
    /// is the maximum of k exponentials, mean m·H_k.
    func testFanOutOverIdleShardsIsMaxOfK() throws {
        for k in [2, 4, 8] {
            let scenario = try ScenarioBuilder.scenario(
                workers: k, workerCores: 1, shardCount: k, classes: [ScenarioBuilder.fanOut(cpu: .exponential(mean: 0.01))],
                arrivals: .closed(clients: 1, think: .exponential(mean: 0.05)), duration: .seconds(400), warmup: .seconds(1))
            let r = try run(scenario)
            let harmonic = (1...k).reduce(0.0) { $0 + 1 / Double($1) }
            let exact = 10 * harmonic
            let n = r.value("report.throughput_per_second") * 399
            // Standard error of the mean of a max of k exponentials: sd = m·sqrt(Σ 1/i²).
            let sd = 10 * (1...k).reduce(0.0) { $0 + 1 / Double($1 * $1) }.squareRoot()
            print("fan-out k=\(k): \(r.value("report.latency_mean_ms")) ms, exact \(exact), n \(n)")
            XCTAssertEqual(r.value("report.latency_mean_ms"), exact, accuracy: 4 * sd / n.squareRoot(), "k = \(k)")
            XCTAssertEqual(r.value("worker-1.connections_opened"), 0, "after warm-up the session's cached connection serves every fan-out")
        }
    }

    /// INSERT ... SELECT through the coordinator: the SELECT fans out and its rows come to the
    /// coordinator, which then re-routes them to the target shards, a second fan-out. On idle
    /// shards with exponential task times the latency is two independent max-of-k, twice the
    /// pushed-down kind's (one fan-out that reads and writes on each shard).
    func testInsertSelectViaCoordinatorIsTwoFanOuts() throws {
        let k = 4
        func mean(_ kind: QueryClass.Kind) throws -> (ms: Double, n: Double) {
            let cls = QueryClass(name: "copy", kind: kind, share: 1, table: "events", workerCPU: .exponential(mean: 0.01), coordinatorCPU: .constant(0))
            let scenario = try ScenarioBuilder.scenario(workers: k, workerCores: 1, shardCount: k, classes: [cls],
                                                        arrivals: .closed(clients: 1, think: .exponential(mean: 0.05)), duration: .seconds(400), warmup: .seconds(1))
            let r = try run(scenario)
            return (r.value("copy.latency_mean_ms"), r.value("copy.throughput_per_second") * 399)
        }
        let harmonic = (1...k).reduce(0.0) { $0 + 1 / Double($1) }
        let sd = 10 * (1...k).reduce(0.0) { $0 + 1 / Double($1 * $1) }.squareRoot()
        let pushdown = try mean(.insertSelectPushdown), coordinator = try mean(.insertSelectCoordinator)
        XCTAssertEqual(pushdown.ms, 10 * harmonic, accuracy: 4 * sd / pushdown.n.squareRoot())
        XCTAssertEqual(coordinator.ms, 20 * harmonic, accuracy: 4 * sd * 2.squareRoot() / coordinator.n.squareRoot())
    }

    /// The connection budget (Citus docs): concurrent multi-shard queries × shards per worker
    /// beyond what the shared pool allows makes required connections wait.
    func testConnectionBudgetShowsWaits() throws {
        func scenario(clients: Int) throws -> ClusterScenario {
            try ScenarioBuilder.scenario(
                workers: 2, workerCores: 16, shardCount: 32, classes: [ScenarioBuilder.fanOut(cpu: .exponential(mean: 0.02))],
                arrivals: .closed(clients: clients, think: .exponential(mean: 0.01)), duration: .seconds(40), warmup: .seconds(5),
                citus: { $0.maxSharedPoolSize = 20 })
        }
        let light = try run(try scenario(clients: 1))
        let heavy = try run(try scenario(clients: 60))
        // 60 sessions each keep a cached connection per worker: far beyond 20 slots, so sessions
        // wait for one (until a cached connection reaches its lifetime and closes).
        XCTAssertEqual(light.value("worker-1.shared_pool_waiters_mean"), 0)
        XCTAssertGreaterThan(heavy.value("worker-1.shared_pool_waiters_mean"), 10)
        XCTAssertGreaterThan(heavy.value("worker-1.optional_connections_skipped"), 0)
        XCTAssertLessThanOrEqual(heavy.value("worker-1.connections_peak"), 20, "the shared pool bounds connections per worker")
    }

    /// citus issue 5134: when opening connections is expensive, a smaller executor pool can
    /// raise throughput (every extra connection costs worker CPU and is closed afterwards).
    func testSmallerPoolRaisesThroughputWhenConnectionSetupDominates() throws {
        func throughput(pool: Int) throws -> Double {
            let s = try ScenarioBuilder.scenario(
                workers: 2, workerCores: 4, shardCount: 32, classes: [ScenarioBuilder.fanOut(cpu: .exponential(mean: 0.002))],
                arrivals: .closed(clients: 32, think: .exponential(mean: 0.005)), duration: .seconds(40), warmup: .seconds(5),
                latency: .microseconds(500), tls: true, connectionSetupCPU: .milliseconds(8),
                citus: { $0.maxAdaptiveExecutorPoolSize = pool })
            return try run(s).value("report.throughput_per_second")
        }
        let big = try throughput(pool: 16), small = try throughput(pool: 1)
        print("throughput pool 16: \(big)/s, pool 1: \(small)/s")
        XCTAssertGreaterThan(small, big * 1.1)
    }

    /// The measured pool-size effect on a real cluster: a 1 s-per-shard query over 11 shards
    /// per worker takes ~3 s with pool size 4 and ~11 s with pool size 1.
    func testPoolSizeBoundsParallelismPerWorker() throws {
        for (pool, expected) in [(1, 11.0), (4, 3.0), (16, 1.0)] {
            let s = try ScenarioBuilder.scenario(
                workers: 3, workerCores: 16, shardCount: 33, classes: [ScenarioBuilder.fanOut(cpu: .constant(1))],
                arrivals: .closed(clients: 1, think: .constant(1)), duration: .seconds(120), warmup: .seconds(20),
                latency: .microseconds(100), citus: { $0.maxAdaptiveExecutorPoolSize = pool })
            let seconds = try run(s).value("report.latency_mean_ms") / 1e3
            print("pool \(pool): \(seconds) s")
            XCTAssertEqual(seconds, expected, accuracy: 0.1 * expected, "pool \(pool)")
        }
    }

    /// Growing the data past a worker's memory raises disk reads and latency.
    func testDataBeyondMemoryRaisesDiskReadsAndLatency() throws {
        func result(dataGiB: Double) throws -> ClusterRunResult {
            var s = try ScenarioBuilder.scenario(
                workers: 2, workerCores: 8, shardCount: 8, tenants: 10_000,
                classes: [ScenarioBuilder.router(cpu: .exponential(mean: 0.001), bytesRead: 64 * 8_192)],
                arrivals: .open(.constant(2_000), sessions: 200), duration: .seconds(30), warmup: .seconds(5),
                totalDataBytes: dataGiB * 1_073_741_824, workerMemoryGiB: 16)
            s.cluster.worker.diskIOPS = 20_000
            s.cluster.worker.diskLatency = .microseconds(500)
            return try run(s)
        }
        // A worker of 16 GiB with max_connections 1000 has 4 GiB of shared_buffers and 3.2 GiB
        // of page cache (8.8 GiB reserved); 2 GiB of data per worker fits in either level.
        let small = try result(dataGiB: 4), large = try result(dataGiB: 400)
        XCTAssertEqual(small.value("worker-1.cache_hit_ratio"), 1, accuracy: 1e-9, "4 GiB fits in 2 × 16 GiB")
        XCTAssertLessThan(large.value("worker-1.cache_hit_ratio"), 0.9)
        XCTAssertGreaterThan(large.value("worker-1.disk_utilization"), small.value("worker-1.disk_utilization") + 0.1)
        XCTAssertGreaterThan(large.value("lookup.latency_mean_ms"), small.value("lookup.latency_mean_ms") * 1.5)
    }
}

final class TimeoutTests: XCTestCase {
    /// statement_timeout cancels shard queries running on the workers of an overloaded
    /// cluster, and no client waits much longer than the timeout.
    func testTimeoutCancelsRunningShardTasks() throws {
        func run(timeout: SimDuration?) throws -> ClusterRunResult {
            let s = try ScenarioBuilder.scenario(
                workers: 2, workerCores: 2, shardCount: 8, classes: [ScenarioBuilder.fanOut(cpu: .exponential(mean: 0.05))],
                arrivals: .open(.constant(30), sessions: 100), duration: .seconds(60), warmup: .seconds(5),
                citus: { $0.statementTimeout = timeout })
            return try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 3)
        }
        let without = try run(timeout: nil), with = try run(timeout: .milliseconds(300))
        XCTAssertGreaterThan(with.value("report.timeouts"), 100)
        XCTAssertGreaterThan(with.value("cancelled_shard_tasks"), 100)
        XCTAssertEqual(without.value("cancelled_shard_tasks"), 0)
        XCTAssertGreaterThan(with.value("report.throughput_per_second"), 0, "queries that fit in time still complete")
        XCTAssertLessThan(with.value("report.latency_p99_ms"), 300 + 5, "answers never exceed the timeout by much")
    }
}

final class FailureTests: XCTestCase {
    /// A fan-out whose connection to one worker is refused fails as a whole: its tasks on
    /// the other workers are cancelled, not left running for a client that got an error.
    /// Router queries leave sessions with cached connections to some workers only, so
    /// some fan-outs start on one worker and fail on another.
    func testFailedFanOutIsAbortedEverywhere() throws {
        var report = ScenarioBuilder.fanOut(cpu: .exponential(mean: 0.02))
        report.share = 0.3
        let s = try ScenarioBuilder.scenario(
            workers: 3, workerCores: 4, shardCount: 12, classes: [ScenarioBuilder.router(cpu: .exponential(mean: 0.002)), report],
            arrivals: .closed(clients: 12, think: .exponential(mean: 0.01)), duration: .seconds(30), warmup: .seconds(1),
            latency: .microseconds(300), workerMaxConnections: 9)
        // A refused connection fails the fan-out only once its attempt has run (the handshake's
        // round trips), by which time the tasks on cached connections have left, even after the
        // coordinator's per-task dispatch cost (the default): they are cancelled. Were the
        // refusal instant (no latency), it would come before any task left.
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 2)
        XCTAssertGreaterThan(r.value("report.errors"), 10, "12 sessions' cached connections > 6 usable per worker")
        XCTAssertGreaterThan(r.value("cancelled_shard_tasks"), 0)
        XCTAssertGreaterThan(r.value("report.throughput_per_second"), 0)
        var instant = s
        instant.cluster.networkLatency = .zero
        let i = try ClusterRun.run(instant, layout: try ClusterRun.layout(for: instant), seed: 2)
        XCTAssertGreaterThan(i.value("report.errors"), 10)
        XCTAssertEqual(i.value("cancelled_shard_tasks"), 0, "refused before the dispatch cost let a task leave")
    }

    /// PostgreSQL refuses a connection at max_connections only after the fork, the start-up
    /// packet and the TLS handshake (InitProcess finds no free slot), so a refused router query
    /// fails after the handshake's round trips and the worker's TLS CPU, not at once, and the
    /// refusals load the worker. One client, constant think time, a worker with no usable
    /// backend (max_connections 3, all reserved): every query is refused, each cycle takes
    /// 3 round trips (0.5 ms each way) + 4 ms of TLS + 10 ms of thinking = 17 ms.
    func testARefusedConnectionFailsAfterItsHandshake() throws {
        var s = try ScenarioBuilder.scenario(
            workers: 1, workerCores: 4, shardCount: 4, classes: [ScenarioBuilder.router(cpu: .constant(0.001))],
            arrivals: .closed(clients: 1, think: .constant(0.01)), duration: .seconds(11), warmup: .seconds(1),
            latency: .microseconds(500), tls: true, connectionSetupCPU: .milliseconds(3), workerMaxConnections: 3)
        s.cluster.tlsHandshakeCPU = .milliseconds(4)
        let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1)
        let cycles = 10.0 / 0.017
        XCTAssertEqual(r.value("lookup.errors"), cycles, accuracy: 2, "one refusal per 17 ms cycle")
        XCTAssertEqual(r.value("lookup.throughput_per_second"), 0)
        XCTAssertEqual(r.value("worker-1.connections_refused"), r.value("lookup.errors"), accuracy: 2)
        XCTAssertEqual(r.value("worker-1.connections_opened"), 0)
        // 4 ms of handshake per 17 ms on 4 cores; none of connection_setup_cpu (no backend starts).
        XCTAssertEqual(r.value("worker-1.cpu_utilization"), 0.004 / (4 * 0.017), accuracy: 0.001)
    }
}
