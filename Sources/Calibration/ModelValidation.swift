import Foundation
import ParallelRuns
import Scenario
import SimCore
import Simulation

/// One comparison of a measured figure with citus-sim's prediction of it.
public struct ValidationRow: Sendable {
    /// Experiment family (a … h, as in Lab/README.md).
    public var family: String
    public var experiment: String
    public var configuration: String
    public var metric: String
    public var unit: String
    public var measured: Double
    /// nil: the model has no such figure yet (the row fails and says so).
    public var simulated: Double?
    /// Allowed relative error (0.25 = ±25%); 0 means the figures must be equal.
    public var tolerance: Double
    /// The tolerance bounds the absolute error instead (shares, where a relative error of a
    /// figure near 0 means nothing).
    public var absoluteTolerance = false
    /// True for a prediction of the held-out half; false for a figure the costs were fitted on.
    public var heldOut: Bool
    public var note: String = ""

    /// simulated / measured (nil without a simulated figure or with a zero measurement).
    public var ratio: Double? {
        guard let simulated, measured != 0 else { return nil }
        return simulated / measured
    }

    public var pass: Bool {
        guard let simulated else { return false }
        if tolerance == 0 { return simulated == measured }
        if absoluteTolerance { return abs(simulated - measured) <= tolerance }
        guard let ratio else { return simulated == 0 }
        return abs(ratio - 1) <= tolerance
    }
}

/// `citus-sim validate-model`: fits the costs on one half of the measurements, replays every
/// experiment through the simulator and compares.
public struct ModelValidation: Sendable {
    public var split: ValidationSplit
    public var fitted: CostCalibration
    public var rows: [ValidationRow]
    public var files: [String]
    /// Every replay as the scenario file it is (name, YAML text), in row order: runnable with
    /// `citus-sim run` (`validate-model --replays DIR` writes them).
    public var replays: [(name: String, text: String)] = []

    /// Timing tolerance of the goals (issue 17): ±25% per held-out timing.
    public static let timingTolerance = 0.25

    public static func run(_ m: LabMeasurements, split: ValidationSplit = ValidationSplit(), threads: Int = 1) throws -> ModelValidation {
        var fitted = try CostCalibration.fit(m, split: split)
        let costs = fitted.applied(to: OperationsSpec())
        var replays: [(name: String, text: String)] = []
        var rows = try singleMoveRows(m, costs: costs, threads: threads, replays: &replays)
        let rebalances = m.rebalances.map { RebalanceReplay(run: $0, costs: costs) }
        for r in rebalances { replays.append((r.fileName, r.scenarioText)) }
        let results = try parallelMap(rebalances, threads: threads) { try $0.simulate() }
        for (run, sim) in zip(m.rebalances, results) {
            let held = !split.fits(run)
            let family = run.shardCount > 32 ? "c" : "b"
            let config = run.label
            rows.append(ValidationRow(family: "c", experiment: "drain", configuration: config, metric: "drain_seconds", unit: "s",
                                      measured: run.drainSeconds - m.psqlOverhead, simulated: sim.drainSeconds, tolerance: timingTolerance, heldOut: held))
            rows.append(ValidationRow(family: "c", experiment: "drain", configuration: config, metric: "drain_moves", unit: "moves",
                                      measured: Double(run.drainGroupBytes.count), simulated: Double(sim.drainMoves), tolerance: 0, heldOut: held))
            rows.append(ValidationRow(family: family, experiment: "background rebalance", configuration: config, metric: "job_seconds", unit: "s",
                                      measured: run.jobSeconds, simulated: sim.jobSeconds, tolerance: timingTolerance, heldOut: held,
                                      note: "pg_dist_background_job started_at to finished_at; simulated: first task's start to last task's end"))
            rows.append(ValidationRow(family: family, experiment: "background rebalance", configuration: config, metric: "moves", unit: "moves",
                                      measured: Double(run.tasks.count), simulated: Double(sim.jobTasks), tolerance: 0, heldOut: held))
            rows.append(ValidationRow(family: family, experiment: "background rebalance", configuration: config, metric: "bytes_moved", unit: "MiB",
                                      measured: run.tasks.reduce(0) { $0 + $1.bytes } / 1_048_576, simulated: sim.jobBytes / 1_048_576, tolerance: 0.05,
                                      heldOut: held, note: "simulated sizes come from equal tenants hashed to shards, measured ones from citus_shards: ±5%"))
            rows.append(ValidationRow(family: family, experiment: "background rebalance", configuration: config, metric: "max_concurrent_tasks", unit: "tasks",
                                      measured: Double(run.maxConcurrentTasks), simulated: Double(sim.maxConcurrentTasks), tolerance: 0, heldOut: held,
                                      note: "measured from 0.2 s polls of pg_dist_background_task"))
        }
        let queryCosts = m.fanouts.isEmpty ? nil : try QueryCosts(m, split: split, threads: threads)
        if let queryCosts {
            fitted.parameters += queryCosts.parameters
            rows += try fanoutRows(m, split: split, costs: queryCosts, threads: threads, replays: &replays)
            rows += try fanoutConnectionRows(m, costs: queryCosts, threads: threads, replays: &replays)
            rows += try singleQueryRows(m, costs: queryCosts, threads: threads, replays: &replays)
            rows += try pgbenchRows(m, split: split, costs: queryCosts, threads: threads, replays: &replays)
            if !m.acrossSchemas.isEmpty {
                let across = try AcrossSchemasCosts(m, split: split, executor: queryCosts.executor)
                fitted.parameters += across.parameters
                rows += try acrossSchemasRows(m, split: split, costs: across, executor: queryCosts.executor, threads: threads, replays: &replays)
            }
        }
        if !m.schemaConversions.isEmpty {
            rows += try schemaConversionRows(m, split: split, costs: costs, threads: threads, replays: &replays)
        }
        rows += try MemoryReplay.rows(m, split: split)
        rows += try CacheReplay.rows(m)
        rows = rows.filter { $0.family == "a" } + ["b", "c", "d", "e", "f", "g", "h", "j", "k"].flatMap { f in rows.filter { $0.family == f } }
        return ModelValidation(split: split, fitted: fitted, rows: rows, files: m.files,
                               replays: replays.map { ($0.name, Self.replayHeader + $0.text) })
    }

    static let replayHeader = """
        # A replay of one lab measurement (Lab/measured), written by
        # `citus-sim validate-model Lab/measured --replays Lab/replay/generated`: the lab's layout and
        # settings, with the costs fitted on the validation's fit half. Run it with `citus-sim run`.
        # The lab's 4 nodes shared one 2-core machine, and so do the nodes here (shared_host_cores).

        """

    /// The held-out timing rows (the goals' population): durations, latencies and throughputs.
    public var heldOutTimings: [ValidationRow] { rows.filter { $0.heldOut && ["s", "ms", "tps"].contains($0.unit) && $0.tolerance > 0 } }

    /// Median absolute relative error of the held-out timings (nil without any).
    public var medianAbsoluteError: Double? {
        let errors = heldOutTimings.compactMap { $0.ratio.map { abs($0 - 1) } }.sorted()
        guard !errors.isEmpty else { return nil }
        let n = errors.count
        return n % 2 == 1 ? errors[n / 2] : (errors[n / 2 - 1] + errors[n / 2]) / 2
    }
}

/// Runs `body` over `items` on up to `threads` threads; results in `items` order.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], threads: Int, _ body: @escaping @Sendable (T) throws -> R) throws -> [R] {
    let results = ParallelMap.map(count: items.count, threads: threads) { i in Result { try body(items[i]) } }
    return try results.map { try $0.get() }
}

extension ModelValidation {
    /// Family a: each size and mode's mean single-move time against a simulated move (fit half).
    static func singleMoveRows(_ m: LabMeasurements, costs: OperationsSpec, threads: Int, replays: inout [(name: String, text: String)]) throws -> [ValidationRow] {
        var cases: [(mode: String, bytes: Double, seconds: [Double])] = []
        for mv in m.singleMoves {
            if let i = cases.firstIndex(where: { $0.mode == mv.mode && abs($0.bytes - mv.bytes) < 0.2 * mv.bytes }) {
                cases[i].seconds.append(mv.seconds - m.psqlOverhead)
            } else {
                cases.append((mv.mode, mv.bytes, [mv.seconds - m.psqlOverhead]))
            }
        }
        let moves = cases.map { SingleMoveReplay(mode: $0.mode, bytes: $0.bytes, costs: costs) }
        for mv in moves { replays.append(("a-move-\(mv.mode)-\(Int((mv.bytes / 1_048_576).rounded()))mib.yaml", mv.scenarioText)) }
        let sims = try parallelMap(moves, threads: threads) { try $0.simulate() }
        return zip(cases, sims).map { c, sim in
            ValidationRow(family: "a", experiment: "single shard move", configuration: "\(c.mode), \(Int((c.bytes / 1_048_576).rounded())) MiB",
                          metric: "move_seconds", unit: "s", measured: c.seconds.reduce(0, +) / Double(c.seconds.count), simulated: sim,
                          tolerance: timingTolerance, heldOut: false, note: "mean of \(c.seconds.count) moves, psql start-up removed")
        }
    }
}

/// A lab single move: one table of 3 shards (one per worker), the first shard moved from worker 1 to worker 2.
struct SingleMoveReplay {
    var mode: String
    var bytes: Double
    var costs: OperationsSpec

    var scenarioText: String {
        RebalanceReplay.labScenario(shardCount: 3, duration: "1h", costs: costs, tables: "  - {name: lab_move, type: distributed}",
                                    tenants: 997, bytes: 3 * bytes, timeline: """
          - at: 10s
            sql: SELECT citus_move_shard_placement(102008, 'worker-1', 5432, 'worker-2', 5432, shard_transfer_mode := '\(mode)');
        """)
    }

    func simulate() throws -> Double? {
        let (loaded, _) = try ScenarioLoader.load(text: scenarioText, file: "replay of a single move", name: "replay")
        guard case .cluster(let scenario) = loaded else { fatalError("a replay is a cluster scenario") }
        let result = try ClusterRun.run(scenario, layout: try ClusterRun.layout(for: scenario), seed: scenario.run.seed, untilOperationsDone: true)
        guard let op = result.operations?.operations.first(where: { $0.label.contains("citus_move_shard_placement") }), op.status == "done", let end = op.end else { return nil }
        return (end - op.start).seconds
    }
}

/// A lab rebalance (drain of worker 3, then a background rebalance) as a citus-sim scenario.
struct RebalanceReplay {
    var run: LabMeasurements.RebalanceRun
    var costs: OperationsSpec

    var fileName: String {
        let executors = "\(run.executors)-\(run.executorsPerNode)\(run.parallelColocated ? "-parallel" : "")"
        return "\(run.shardCount > 32 ? "c" : "b")-rebalance-\(run.shardCount)groups-\(run.strategy)-\(run.mode)-\(executors).yaml"
    }

    struct Outcome: Sendable {
        var drainSeconds: Double?
        var drainMoves: Int
        var jobSeconds: Double?
        var jobTasks: Int
        var jobBytes: Double
        var maxConcurrentTasks: Int
    }

    var scenarioText: String {
        let total = run.tableBytes.reduce(0) { $0 + $1.bytes }
        let tables = run.tableBytes.enumerated().map { i, t in
            "  - {name: \(t.table), type: distributed, \(i == 0 ? "" : "colocate_with: \(run.tableBytes[0].table), ")data_share: \(Self.number(t.bytes / total))}"
        }.joined(separator: "\n")
        let mode = run.mode
        return Self.labScenario(shardCount: run.shardCount, duration: "6h", costs: costs, tables: tables, tenants: 20000, bytes: total, timeline: """
          - at: 10s
            sql: |
              ALTER SYSTEM SET citus.max_background_task_executors = \(run.executors);
              ALTER SYSTEM SET citus.max_background_task_executors_per_node = \(run.executorsPerNode);
              SELECT pg_reload_conf();
              SELECT citus_drain_node('worker-3', 5432, shard_transfer_mode := '\(mode)', rebalance_strategy := '\(run.strategy)');
              SELECT citus_set_node_property('worker-3', 5432, 'shouldhaveshards', true);
              SELECT citus_rebalance_start(rebalance_strategy := '\(run.strategy)', shard_transfer_mode := '\(mode)', parallel_transfer_colocated_shards := \(run.parallelColocated));
              SELECT citus_rebalance_wait();
        """)
    }

    /// The lab as a scenario: a coordinator and 3 workers that share one 2-core host, as the lab's
    /// nodes share its machine, `costs`, `tables` (YAML lines), equal tenants holding `bytes`, a trickle of
    /// lookups on the first table, and `timeline` (YAML lines).
    static func labScenario(shardCount: Int, duration: String, costs: OperationsSpec, tables: String, tenants: Int, bytes: Double, timeline: String) -> String {
        let first = tables.split(separator: "name: ").dropFirst().first?.prefix { $0 != "," } ?? "lab"
        return """
        version: 1
        kind: cluster
        run: {seed: 1, duration: \(duration), warmup: 0s, replications: 1, sample_interval: 60s}
        cluster:
          coordinator: {cores: 2, memory_gib: 8}
          workers: {count: 3, cores: 2, memory_gib: 8, disk_mb_per_second: 500}
          shared_host_cores: 2
        citus: {shard_count: \(shardCount)}
        \(costsYAML(costs))
        tables:
        \(tables)
        tenants: {count: \(tenants), total_size_gib: \(number(bytes / 1_073_741_824)), size_zipf: 0, activity_zipf: 0}
        workload:
          arrivals: {rate_per_second: 0.01, sessions: 2}
          classes:
            - {name: lookup, kind: router, share: 1, table: \(first), worker_cpu: {distribution: constant, value: 1ms}}
        timeline:
        \(timeline)

        """
    }

    /// The fitted costs as a scenario's `operations:` section (one line per key, indented by the caller's template).
    static func costsYAML(_ costs: OperationsSpec) -> String {
        let ms = { (d: SimDuration) in "\(number(d.seconds * 1000))ms" }
        return "operations: {copy_mib_per_core_second: \(number(costs.copyBytesPerCoreSecond / 1_048_576)), "
            + "blocking_move_overhead: \(ms(costs.blockingOverhead)), logical_move_overhead: \(ms(costs.logicalOverhead)), "
            + "separate_transaction_move_overhead: \(ms(costs.separateTransactionMoveOverhead.blockWrites)), "
            + "separate_transaction_logical_move_overhead: \(ms(costs.separateTransactionMoveOverhead.logical)), "
            + "background_task_overhead: \(ms(costs.backgroundTaskOverhead.blockWrites)), "
            + "background_task_logical_overhead: \(ms(costs.backgroundTaskOverhead.logical))}"
    }

    /// A number with up to 6 decimals, trailing zeros dropped (deterministic text).
    static func number(_ v: Double) -> String {
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    func simulate() throws -> Outcome {
        let (loaded, _) = try ScenarioLoader.load(text: scenarioText, file: "replay of \(run.series) run \(run.index)", name: "replay")
        guard case .cluster(let scenario) = loaded else { fatalError("a replay is a cluster scenario") }
        let result = try ClusterRun.run(scenario, layout: try ClusterRun.layout(for: scenario), seed: scenario.run.seed, untilOperationsDone: true)
        let log = result.operations ?? OperationLog()
        let drainIndex = log.operations.firstIndex { $0.label.contains("citus_drain_node(") }
        let drain = drainIndex.map { log.operations[$0] }
        let tasks = log.taskRuns.filter { $0.status == "done" }
        var maxConcurrent = 0
        for t in tasks {
            maxConcurrent = max(maxConcurrent, tasks.filter { $0.start <= t.start && ($0.end ?? t.start) > t.start }.count)
        }
        let jobTransfers = log.transfers.filter { $0.task != nil && $0.kind == "move" }
        return Outcome(
            drainSeconds: drain.flatMap { d in d.end.map { ($0 - d.start).seconds } },
            drainMoves: log.transfers.filter { $0.operation == drainIndex && $0.kind == "move" }.count,
            jobSeconds: tasks.isEmpty ? nil : (tasks.compactMap(\.end).max()! - tasks.map(\.start).min()!).seconds,
            jobTasks: tasks.count, jobBytes: jobTransfers.reduce(0) { $0 + $1.bytes }, maxConcurrentTasks: maxConcurrent)
    }
}
