import Foundation
import ParallelRuns
import Scenario
import SimCore
import Simulation

/// A lab query experiment (pgbench or one psql session) as a citus-sim closed-loop scenario:
/// a coordinator and 3 workers sharing one 2-core host (as in the lab), one distributed table of `shardCount` shards, `clients`
/// sessions that run one query class back to back.
///
/// Query costs come from the fit half (`QueryCosts`), never from the figure being predicted.
struct QueryReplay: Sendable {
    var shardCount: Int
    var clients: Int
    /// Think time between a client's queries (`0ms`: back to back, as pgbench).
    var thinkTime: String = "0ms"
    var duration: String = "30s"
    var warmup: String = "2s"
    /// `workload.clients.at_end`: `finish` replays `pgbench -T` (clients finish their queries
    /// and disconnect after the duration); nil leaves the default (`stop`).
    var atEnd: String? = nil
    var kind: String = "multi_shard"
    /// Worker CPU of each shard task, plus `scanCPU`: a query's scan work (`count(*)` reads
    /// every row), divided among its shard tasks (`fan_out_work: split`).
    var workerCPU: SimDuration
    var scanCPU: SimDuration = .zero
    var coordinatorCPU: SimDuration
    /// The executor's costs (connections, per task): `QueryCosts.executor`.
    var executor: ExecutorCosts
    /// `citus.max_shared_pool_size` (nil: the default) and `citus.max_adaptive_executor_pool_size`.
    var sharedPool: Int? = nil
    var poolSize: Int = 16
    /// Family j: the schemas one `across_schemas` query reads (nil: the shard-count replay
    /// above), over `AcrossSchemasCosts.labSchemas` tenant schemas, and its cost per subplan.
    var schemasRead: Int? = nil
    var subplanCoordinatorCPU: SimDuration = .zero

    static func ms(_ d: SimDuration) -> String { "\(RebalanceReplay.number(d.seconds * 1000))ms" }

    /// The lab's nodes on one host and the executor's costs: the first lines of every query replay.
    var labHeader: String {
        """
        version: 1
        kind: cluster
        run: {seed: 1, duration: \(duration), warmup: \(warmup), replications: 1, sample_interval: 1s}
        cluster:
          coordinator: {cores: 2, memory_gib: 8, max_connections: 300}
          workers: {count: 3, cores: 2, memory_gib: 8, max_connections: 300}
          shared_host_cores: 2
          network_latency: \(QueryCosts.loopbackLatency)
          connection_setup_cpu: \(Self.ms(executor.connectionSetupCPU))
          tls_handshake_cpu: \(Self.ms(executor.tlsHandshakeCPU))
          task_coordinator_cpu: \(Self.ms(executor.taskCoordinatorCPU))
          cold_task_worker_cpu: \(Self.ms(executor.coldTaskWorkerCPU))

        """
    }

    var scenarioText: String {
        let shared = sharedPool.map { ", max_shared_pool_size: \($0)" } ?? ""
        if let schemasRead { return acrossSchemasText(schemasRead) }
        return labHeader + """
        citus: {shard_count: \(shardCount), max_adaptive_executor_pool_size: \(poolSize)\(shared)}
        tables:
          - {name: lab_fan, type: distributed}
        tenants: {count: 100000, total_size_gib: 0.005, size_zipf: 0, activity_zipf: 0}
        workload:
          clients: {count: \(clients), think_time: {distribution: constant, value: \(thinkTime)}\(atEnd.map { ", at_end: \($0)" } ?? "")}
          classes:
            - name: q
              kind: \(kind)
              share: 1
              table: lab_fan
              worker_cpu: {distribution: constant, value: \(Self.ms(workerCPU + SimDuration(seconds: scanCPU.seconds / Double(shardCount))))}
              coordinator_cpu: {distribution: constant, value: \(Self.ms(coordinatorCPU))}

        """
    }

    /// Family j's lab: tenant schemas (each an `orders` table of 1,000 rows) over the 3 workers,
    /// one query class reading `k` of them.
    func acrossSchemasText(_ k: Int) -> String {
        labHeader + """
          subplan_coordinator_cpu: \(Self.ms(subplanCoordinatorCPU))
        citus: {enable_schema_based_sharding: true}
        tables:
          - {name: orders, type: distributed}
        tenants: {count: \(AcrossSchemasCosts.labSchemas), total_size_gib: 0.001, size_zipf: 0, activity_zipf: 0}
        workload:
          clients: {count: \(clients), think_time: {distribution: constant, value: \(thinkTime)}}
          classes:
            - name: q
              kind: across_schemas
              schemas: \(k)
              share: 1
              table: orders
              worker_cpu: {distribution: constant, value: \(Self.ms(workerCPU))}
              coordinator_cpu: {distribution: constant, value: \(Self.ms(coordinatorCPU))}

        """
    }

    /// The summary figures of one replication.
    func simulate() throws -> [String: Double] {
        let (loaded, _) = try ScenarioLoader.load(text: scenarioText, file: "replay of a query experiment", name: "replay")
        guard case .cluster(let scenario) = loaded else { fatalError("a replay is a cluster scenario") }
        let result = try ClusterRun.run(scenario, layout: try ClusterRun.layout(for: scenario), seed: scenario.run.seed)
        var out: [String: Double] = [:]
        for m in result.metrics { out[m.name] = m.value }
        out["connections_opened"] = result.workerNames.reduce(0) { $0 + (out["\($1).connections_opened"] ?? 0) }
        out["completed"] = result.measurements.completed.reduce(0) { $0 + Double($1) }
        // Queries per second over the run's second half: 0 when the run hung (no query
        // finishes while clients wait), whatever finished before.
        let series = result.measurements.series
        let late = series.suffix(series.count / 2)
        if let first = late.first, let last = late.last, last.timeSeconds > first.timeSeconds {
            out["late_throughput"] = late.dropFirst().reduce(0.0) { $0 + Double($1.completed.reduce(0, +)) } / (last.timeSeconds - first.timeSeconds)
        }
        return out
    }
}

/// The executor's costs a replay sets as cluster keys.
struct ExecutorCosts: Sendable, Equatable {
    /// Worker CPU of a new connection without TLS, and TLS's extra (family e, measured).
    var connectionSetupCPU: SimDuration
    var tlsHandshakeCPU: SimDuration
    /// Coordinator CPU per shard task in the query's backend, and worker CPU of a task on a
    /// backend opened for the query (family d, fitted).
    var taskCoordinatorCPU: SimDuration
    var coldTaskWorkerCPU: SimDuration
}

/// Query costs fitted on the fit half: connection set-up measured by pgbench -C (family e),
/// the fan-out's costs fitted to one client's `count(*)` latencies at every shard count
/// (family d) and to one saturating pgbench run (family f, `ValidationSplit.fitsPgbench`),
/// routers from one client's router latency.
///
/// One client's latency is the query's critical path: worker work that runs beside other
/// work (three workers' tasks on two cores) is hidden in it. The saturating run measures all
/// of a query's CPU, so it fixes the scan work that one client's latencies cannot tell from
/// the coordinator's.
///
/// The fan-out fit runs the replays themselves: a coordinate search over the grids below of
/// the coordinator's cost per shard task, the cold-backend cost per task, the worker's cost
/// per task and the scan work divided among the tasks, each candidate's per-query coordinator
/// CPU set so that the fewest shards' latency is met, minimising the squared log errors over
/// the shard counts and the saturating run's throughput. Model assumptions: the
/// lab's nodes share one host, so which node a connection's CPU lands on does not change a
/// replay (all of it is charged to the worker); the nodes talk over loopback
/// (`loopbackLatency`, assumed, not measured). A router query's mean latency is split
/// evenly between coordinator and worker CPU (an assumption).
struct QueryCosts: Sendable {
    var fanoutWorkerCPU: SimDuration
    var fanoutScanCPU: SimDuration
    var fanoutCoordinatorCPU: SimDuration
    var routerWorkerCPU: SimDuration
    var routerCoordinatorCPU: SimDuration
    var executor: ExecutorCosts
    /// The fit's squared log error summed over one client's shard counts.
    var fitError: Double
    /// pgbench -C runs the connection costs come from, and one client's fan-outs the search fitted.
    var setupSamples = 0
    var fitRuns = 0

    static let loopbackLatency = "10us"
    /// `loopbackLatency` as a duration (one way).
    static let loopbackOneWay = SimDuration.microseconds(10)
    static let taskCoordinatorGrid = [0.01, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12, 0.15, 0.2]
    static let coldTaskGrid = [0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.5, 2]
    static let workerTaskGrid = [0.01, 0.02, 0.05, 0.1, 0.2]
    static let scanGrid = [0.0, 1, 2, 3, 4, 5, 6, 8, 10, 12]

    init(_ m: LabMeasurements, split: ValidationSplit, threads: Int) throws {
        let routers = m.fanouts.filter { split.fitsFanout($0) && $0.query == "router" }.map(\.meanMilliseconds)
        let router = routers.isEmpty ? 0.5 : routers.reduce(0, +) / Double(routers.count)
        routerWorkerCPU = SimDuration(seconds: router / 2000)
        routerCoordinatorCPU = SimDuration(seconds: router / 2000)
        let setup = { (mode: String) -> Double? in
            let v = m.connectionSetups.filter { $0.what == "client_to_worker_select_1" && $0.sslmode == mode }.compactMap(\.connectionMilliseconds)
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
        let plain = setup("disable") ?? 2, tls = setup("require") ?? 5
        setupSamples = m.connectionSetups.filter { $0.what == "client_to_worker_select_1" }.count
        let idle = m.fanouts.filter { split.fitsFanout($0) && $0.query == "count" && $0.clients == 1 }.sorted { $0.shardCount < $1.shardCount }
        guard idle.count >= 3 else { throw MeasurementError(file: m.files.joined(separator: " "), field: "runs", problem: "fewer than 3 one-client count(*) runs (family d)") }
        let saturating = m.pgbench.filter { split.fitsPgbench($0) }
        fitRuns = idle.count + saturating.count
        let ms = { (v: Double) in SimDuration(seconds: v / 1000) }
        // The measured connection costs with (task coordinator, cold) in ms.
        let executorCosts = { (p: [Double]) in
            ExecutorCosts(connectionSetupCPU: ms(plain), tlsHandshakeCPU: ms(max(0, tls - plain)), taskCoordinatorCPU: ms(p[0]), coldTaskWorkerCPU: ms(p[1]))
        }
        // One candidate: (task coordinator, cold, worker per task, scan) in ms → its base and error.
        func evaluate(_ p: [Double]) throws -> (base: Double, error: Double) {
            let executor = executorCosts(p)
            let replay = { (shards: Int, base: Double) in
                QueryReplay(shardCount: shards, clients: 1, duration: "10s", warmup: "1s", workerCPU: ms(p[2]), scanCPU: ms(p[3]), coordinatorCPU: ms(base), executor: executor)
            }
            let first = try replay(idle[0].shardCount, 0.001).simulate()["q.latency_mean_ms"] ?? 0
            let base = max(0.001, idle[0].meanMilliseconds - first + 0.001)
            let loaded = saturating.map { r in
                QueryReplay(shardCount: 32, clients: r.clients, duration: "\(Int(max(3, r.seconds)))s", warmup: "0s", atEnd: r.hung ? nil : "finish", workerCPU: ms(p[2]), scanCPU: ms(p[3]),
                            coordinatorCPU: ms(base), executor: executor, poolSize: r.poolSize)
            }
            // Each replay with the figure it is judged by: one client's mean latency, the saturating run's rate.
            let judged = idle.map { (replay($0.shardCount, base), "q.latency_mean_ms") } + loaded.map { ($0, "throughput_per_second") }
            let sims = try parallelMap(judged, threads: threads) { q, metric in try q.simulate()[metric] ?? .infinity }
            let measured = idle.map(\.meanMilliseconds) + saturating.map(\.tps)
            let error = zip(measured, sims).reduce(0.0) { e, pair in
                let r = log(max(pair.1, 1e-9) / pair.0)
                return e + r * r
            }
            return (base, error)
        }
        var best = [0.06, 0.4, 0.05, 0]
        var (bestBase, bestError) = try evaluate(best)
        for _ in 0..<2 {
            for (k, grid) in [Self.taskCoordinatorGrid, Self.coldTaskGrid, Self.workerTaskGrid, Self.scanGrid].enumerated() {
                for v in grid where v != best[k] {
                    var p = best
                    p[k] = v
                    let (base, error) = try evaluate(p)
                    if error < bestError { (best, bestBase, bestError) = (p, base, error) }
                }
            }
        }
        executor = executorCosts(best)
        fanoutWorkerCPU = ms(best[2])
        fanoutScanCPU = ms(best[3])
        fanoutCoordinatorCPU = ms(bestBase)
        fitError = bestError
    }

    /// The executor's costs as costs.yaml's `cluster:` section (a search, so no interval).
    var parameters: [FittedParameter] {
        let runs = fitRuns
        let searched = "families d, f: the replays of \(runs) count(*) runs (one client's, and one saturating pgbench run), coordinate search (squared log error \(RebalanceReplay.number(fitError)))"
        let entry = { (key: String, d: SimDuration, source: String, n: Int) in
            FittedParameter(key: key, section: "cluster", value: d.seconds, low: d.seconds, high: d.seconds, unit: "s", samples: n, source: source)
        }
        return [
            entry("connection_setup_cpu", executor.connectionSetupCPU, "family e: pgbench -C, sslmode=disable (mean), all of it on the worker (one host)", setupSamples),
            entry("tls_handshake_cpu", executor.tlsHandshakeCPU, "family e: pgbench -C, sslmode=require minus disable", setupSamples),
            entry("task_coordinator_cpu", executor.taskCoordinatorCPU, searched, runs),
            entry("cold_task_worker_cpu", executor.coldTaskWorkerCPU, searched, runs),
            entry("fan-out worker_cpu per task", fanoutWorkerCPU, searched, runs),
            entry("fan-out scan worker_cpu per query (divided among the tasks)", fanoutScanCPU, searched, runs),
            entry("fan-out coordinator_cpu per query", fanoutCoordinatorCPU, searched + "; set so that the fewest shards' latency is met", runs),
        ]
    }
}

extension ModelValidation {
    /// Family d: one client's fan-outs (fit half) and 8 clients' (held out), and the shard count
    /// that minimises latency under load.
    static func fanoutRows(_ m: LabMeasurements, split: ValidationSplit, costs: QueryCosts, threads: Int,
                           replays: inout [(name: String, text: String)]) throws -> [ValidationRow] {
        let runs = m.fanouts.filter { $0.query == "count" }.sorted { ($0.clients, $0.shardCount) < ($1.clients, $1.shardCount) }
        let replay = runs.map { r in
            QueryReplay(shardCount: r.shardCount, clients: r.clients, duration: "40s", warmup: "5s",
                        workerCPU: costs.fanoutWorkerCPU, scanCPU: costs.fanoutScanCPU, coordinatorCPU: costs.fanoutCoordinatorCPU, executor: costs.executor)
        }
        for (r, q) in zip(runs, replay) { replays.append(("d-fanout-\(r.shardCount)shards-\(r.clients)clients.yaml", q.scenarioText)) }
        let sims = try parallelMap(replay, threads: threads) { try $0.simulate() }
        var rows: [ValidationRow] = []
        for (r, sim) in zip(runs, sims) {
            rows.append(ValidationRow(family: "d", experiment: "fan-out count(*)", configuration: "\(r.shardCount) shards, \(r.clients) client(s)",
                                      metric: "latency_mean_ms", unit: "ms", measured: r.meanMilliseconds, simulated: sim["q.latency_mean_ms"],
                                      tolerance: timingTolerance, heldOut: !split.fitsFanout(r)))
        }
        for clients in Set(runs.map(\.clients)).sorted() where clients > 1 {
            let pairs = zip(runs, sims).filter { $0.0.clients == clients }
            guard let best = pairs.min(by: { $0.0.meanMilliseconds < $1.0.meanMilliseconds }),
                  let simBest = pairs.min(by: { ($0.1["q.latency_mean_ms"] ?? .infinity) < ($1.1["q.latency_mean_ms"] ?? .infinity) }) else { continue }
            rows.append(ValidationRow(family: "d", experiment: "fan-out count(*)", configuration: "\(clients) clients, shard counts \(pairs.map { String($0.0.shardCount) }.joined(separator: "/"))",
                                      metric: "shard_count_with_lowest_latency", unit: "shards", measured: Double(best.0.shardCount),
                                      simulated: Double(simBest.0.shardCount), tolerance: 0, heldOut: true))
        }
        return rows
    }

    /// Family d repeated with the connections counted (all held out): each `count(*)` run
    /// replayed for the lab's own seconds from cold sessions, as pgbench ran it, so the clients'
    /// first connections count on both sides; its mean latency and the worker connections
    /// opened per query.
    static func fanoutConnectionRows(_ m: LabMeasurements, costs: QueryCosts, threads: Int,
                                     replays: inout [(name: String, text: String)]) throws -> [ValidationRow] {
        let runs = m.fanoutConnections.filter { $0.run.query == "count" }.sorted { ($0.run.clients, $0.run.shardCount) < ($1.run.clients, $1.run.shardCount) }
        let replay = runs.map { r in
            QueryReplay(shardCount: r.run.shardCount, clients: r.run.clients, duration: "\(Int(max(3, r.seconds)))s", warmup: "0s",
                        workerCPU: costs.fanoutWorkerCPU, scanCPU: costs.fanoutScanCPU, coordinatorCPU: costs.fanoutCoordinatorCPU, executor: costs.executor)
        }
        for (r, q) in zip(runs, replay) { replays.append(("d-connections-\(r.run.shardCount)shards-\(r.run.clients)clients.yaml", q.scenarioText)) }
        let sims = try parallelMap(replay, threads: threads) { try $0.simulate() }
        var rows: [ValidationRow] = []
        for (r, sim) in zip(runs, sims) {
            let config = "\(r.run.shardCount) shards, \(r.run.clients) client(s), connections counted"
            rows.append(ValidationRow(family: "d", experiment: "fan-out count(*)", configuration: config, metric: "latency_mean_ms", unit: "ms",
                                      measured: r.run.meanMilliseconds, simulated: sim["q.latency_mean_ms"], tolerance: timingTolerance, heldOut: true,
                                      note: "a second measurement of the same runs, in another lab session (Lab/measured/fanout_connections.json)"))
            guard r.queries > 0, let done = sim["completed"], done > 0 else { continue }
            rows.append(ValidationRow(family: "d", experiment: "fan-out count(*)", configuration: config, metric: "connections_opened_per_query", unit: "connections",
                                      measured: Double(r.connectionsOpened) / Double(r.queries), simulated: (sim["connections_opened"] ?? 0) / done,
                                      tolerance: timingTolerance, heldOut: true,
                                      note: "all worker connections opened in the run (the clients' first ones included) over the queries run; measured from log_connections"))
        }
        return rows
    }

    /// Family e: connections the first and second query of a session open (summed over the workers).
    static func singleQueryRows(_ m: LabMeasurements, costs: QueryCosts, threads: Int,
                                replays: inout [(name: String, text: String)]) throws -> [ValidationRow] {
        let queries = m.singleQueries.filter { $0.query == "fast_count" }
        // One client, which thinks 5 s before each query: 7 s hold its first query, 12 s its first two.
        let replay = queries.map { q in
            QueryReplay(shardCount: 32, clients: 1, thinkTime: "5s", duration: q.firstInSession ? "7s" : "12s", warmup: "0s",
                        workerCPU: costs.fanoutWorkerCPU, scanCPU: costs.fanoutScanCPU, coordinatorCPU: costs.fanoutCoordinatorCPU, executor: costs.executor, poolSize: q.poolSize)
        }
        for (q, r) in zip(queries, replay) { replays.append(("e-query-pool\(q.poolSize)-\(q.firstInSession ? "first" : "second").yaml", r.scenarioText)) }
        let sims = try parallelMap(replay, threads: threads) { try $0.simulate() }
        var rows: [ValidationRow] = []
        var firstOpened: [Int: Double] = [:]
        for (q, sim) in zip(queries, sims) {
            let opened = sim["connections_opened"] ?? 0
            let simulated = q.firstInSession ? opened : opened - (firstOpened[q.poolSize] ?? 0)
            if q.firstInSession { firstOpened[q.poolSize] = opened }
            rows.append(ValidationRow(family: "e", experiment: "one fast count(*) over 32 shards",
                                      configuration: "pool size \(q.poolSize), \(q.firstInSession ? "first" : "second") query of a session",
                                      metric: "connections_opened", unit: "connections", measured: Double(q.newConnections.reduce(0) { $0 + $1.count }),
                                      simulated: simulated, tolerance: 0, heldOut: false,
                                      note: "summed over the 3 workers; measured from log_connections"))
        }
        return rows
    }

    /// Family f: pgbench tps and connections per query, and the fastest shared-pool setting.
    static func pgbenchRows(_ m: LabMeasurements, split: ValidationSplit, costs: QueryCosts, threads: Int,
                            replays: inout [(name: String, text: String)]) throws -> [ValidationRow] {
        let runs = m.pgbench
        let replay = runs.map { r in
            let router = r.query == "router"
            // pgbench -T's end: a run that finished is replayed to its end (the clients finish
            // their queries); a hung one was killed, so its replay stops at the duration.
            return QueryReplay(shardCount: 32, clients: r.clients, duration: "\(Int(max(3, r.seconds)))s", warmup: "0s", atEnd: r.hung ? nil : "finish",
                               kind: router ? "router" : "multi_shard",
                               workerCPU: router ? costs.routerWorkerCPU : costs.fanoutWorkerCPU, scanCPU: router ? .zero : costs.fanoutScanCPU,
                               coordinatorCPU: router ? costs.routerCoordinatorCPU : costs.fanoutCoordinatorCPU, executor: costs.executor,
                               sharedPool: Int(r.sharedPool), poolSize: r.poolSize)
        }
        for (r, q) in zip(runs, replay) {
            replays.append(("f-pgbench-\(r.query)-\(r.clients)clients-shared\(r.sharedPool)-pool\(r.poolSize).yaml", q.scenarioText))
        }
        let sims = try parallelMap(replay, threads: threads) { try $0.simulate() }
        var rows: [ValidationRow] = []
        for (r, sim) in zip(runs, sims) {
            let config = "\(r.query), \(r.clients) clients, shared pool \(r.sharedPool), pool size \(r.poolSize)"
            // A hung run is compared by whether the model hangs too: its rate over the run's second half.
            rows.append(ValidationRow(family: "f", experiment: "pgbench", configuration: config, metric: "tps", unit: "tps", measured: r.tps,
                                      simulated: r.hung ? sim["late_throughput"] : sim["throughput_per_second"], tolerance: timingTolerance, heldOut: !split.fitsPgbench(r),
                                      note: r.hung ? "hung: no progress, stopped after \(Int(r.seconds) + 30) s (the shared pool waits forever); simulated: queries per second over the run's second half, 0 when the model hangs too"
                                        : "pgbench -T: clients finish the query they are running when the time is up, and the rate counts those queries and that time; so does the replay (workload.clients.at_end: finish)"))
            if !r.hung, let transactions = r.transactions, transactions > 0, let done = sim["completed"], done > 0 {
                let measured = Double(r.newConnections.reduce(0) { $0 + $1.count }) / transactions
                rows.append(ValidationRow(family: "f", experiment: "pgbench", configuration: config, metric: "connections_opened_per_query", unit: "connections",
                                          measured: measured, simulated: (sim["connections_opened"] ?? 0) / done, tolerance: timingTolerance, heldOut: !split.fitsPgbench(r),
                                          note: "all worker connections opened in the run (the clients' first ones included) over the queries run"))
            }
        }
        // The fastest shared-pool setting for each query, clients and pool size.
        var groups: [String: [(String, Double, Double)]] = [:]
        for (r, sim) in zip(runs, sims) {
            groups["\(r.query), \(r.clients) clients, pool size \(r.poolSize)", default: []].append((r.sharedPool, r.tps, sim["throughput_per_second"] ?? 0))
        }
        for key in groups.keys.sorted() {
            let g = groups[key]!
            guard g.count > 1, let best = g.max(by: { $0.1 < $1.1 }), let simBest = g.max(by: { $0.2 < $1.2 }) else { continue }
            let index = { (name: String) in Double(g.firstIndex { $0.0 == name } ?? -1) }
            rows.append(ValidationRow(family: "f", experiment: "pgbench", configuration: key, metric: "fastest_shared_pool_setting", unit: "setting",
                                      measured: index(best.0), simulated: index(simBest.0), tolerance: 0, heldOut: true,
                                      note: "settings in order \(g.map(\.0).joined(separator: ", ")) (0-based); measured fastest \(best.0), simulated \(simBest.0)"))
        }
        return rows
    }
}
