import SimCore
import Simulation

/// One cost fitted to lab measurements, with its 95% confidence interval.
public struct FittedParameter: Sendable {
    /// The scenario key under `operations:` (or `cluster:`) the model reads, or, for a cost the
    /// model does not use yet, a name under `measured:`.
    public var key: String
    /// Where the key lives in a scenario: `operations`, `cluster` or `measured` (not used by the model).
    public var section: String
    public var value: Double
    public var low: Double
    public var high: Double
    /// `s`, `ms`, `MiB/s`, `bytes`.
    public var unit: String
    public var samples: Int
    /// Which measurements, e.g. `family a: 18 block_writes single moves`.
    public var source: String
}

/// Fits the model's cost parameters to lab measurements (`citus-sim calibrate`).
///
/// Model assumptions of the fits, stated once:
/// - a block_writes single move from psql takes `blocking_move_overhead + largest shard / copy rate`
///   (colocated shards copy in parallel streams), psql's start-up removed;
/// - a logical move (`force_logical`, `auto` with a primary key) takes `logical_move_overhead`
///   plus three 1 s catch-up waits more than the copy: the mean over the measured moves (a
///   rebalance's time is a sum of moves, so the mean, not the median, predicts it), clamped at 0;
/// - a move in a drain pays the single move's time plus a fixed overhead per mode, and so does a
///   background task (FACTS D.6): per drain or serial job, (its time − its moves' single-move
///   times) / moves, averaged over the drains or jobs.
public struct CostCalibration: Sendable {
    public var parameters: [FittedParameter]

    /// Which measurements to fit: every one (`calibrate`), or the fit half of `ValidationSplit`.
    public static func fit(_ m: LabMeasurements, split: ValidationSplit? = nil) throws -> CostCalibration {
        var out: [FittedParameter] = []
        let moves = m.singleMoves.filter { split?.fits($0) ?? true }
        let blocking = moves.filter { $0.mode == "block_writes" }
        guard blocking.count >= 3 else {
            throw MeasurementError(file: m.files.joined(separator: " "), field: "moves",
                                   problem: "\(blocking.count) block_writes single moves; the copy rate needs at least 3 (family a, Lab/experiments/moves.py)")
        }
        let line = try LinearFit(blocking.map { ($0.bytes, $0.seconds - m.psqlOverhead) })
        let mib = 1_048_576.0
        let rate = 1 / line.slope.mean
        out.append(FittedParameter(key: "copy_mib_per_core_second", section: "operations", value: rate / mib,
                                   low: 1 / line.slope.upper / mib, high: line.slope.lower > 0 ? 1 / line.slope.lower / mib : .infinity,
                                   unit: "MiB/s", samples: blocking.count, source: "family a: block_writes single moves, seconds against bytes (slope)"))
        out.append(FittedParameter(key: "blocking_move_overhead", section: "operations", value: max(0, line.intercept.mean),
                                   low: max(0, line.intercept.lower), high: max(0, line.intercept.upper), unit: "s", samples: blocking.count,
                                   source: "family a: block_writes single moves (intercept, psql start-up removed)"))
        let blockingOverhead = max(0, line.intercept.mean)
        // The model adds three 1 s catch-up waits to a logical move (FACTS D.3); the fitted set-up
        // is the rest of the measured time beyond the copy.
        let polls = Self.logicalCatchUpWaits
        let logical = moves.filter { $0.mode != "block_writes" }.map { $0.seconds - m.psqlOverhead - $0.bytes / rate - polls }
        let logicalCI = try Self.mean(logical, "logical single moves (force_logical and auto)", m)
        out.append(Self.parameter("logical_move_overhead", "operations", logicalCI, unit: "s",
                                  source: "family a: force_logical and auto single moves, mean time beyond the copy and the model's three 1 s catch-up waits"))
        let logicalOverhead = max(0, logicalCI.mean)
        /// A single move's modelled time on an idle cluster.
        func single(largest: Double, logical isLogical: Bool) -> Double {
            (isLogical ? logicalOverhead + polls : blockingOverhead) + largest / rate
        }
        let runs = m.rebalances.filter { split?.fits($0) ?? true }
        for logicalMode in [false, true] {
            let name = logicalMode ? "logical" : "block_writes"
            let drains = runs.filter { ($0.mode != "block_writes") == logicalMode && !$0.drainGroupBytes.isEmpty }
            let drainExtra = drains.map { r in
                (r.drainSeconds - m.psqlOverhead - r.drainLargestShard.reduce(0) { $0 + single(largest: $1, logical: logicalMode) }) / Double(r.drainGroupBytes.count)
            }
            if !drainExtra.isEmpty {
                out.append(Self.parameter(logicalMode ? "separate_transaction_logical_move_overhead" : "separate_transaction_move_overhead", "operations",
                                          try Self.mean(drainExtra, "\(name) drains", m), unit: "s",
                                          source: "families b, c: \(drains.count) \(name) drains (citus_drain_node), time per move beyond a single move"))
            }
            // Serial jobs only, one sample per job: its span (Citus's own started_at to finished_at)
            // beyond its tasks' single-move times, per task. (Polled task times are 0.2–0.4 s coarse.)
            let serial = runs.filter { ($0.mode != "block_writes") == logicalMode && $0.executors == 1 && !$0.tasks.isEmpty }
            let taskExtra = serial.map { r in
                (r.jobSeconds - r.tasks.reduce(0) { $0 + single(largest: $1.largest, logical: logicalMode) }) / Double(r.tasks.count)
            }
            if !taskExtra.isEmpty {
                out.append(Self.parameter(logicalMode ? "background_task_logical_overhead" : "background_task_overhead", "operations",
                                          try Self.mean(taskExtra, "\(name) background jobs", m), unit: "s",
                                          source: "family b: \(serial.count) serial \(name) jobs (\(serial.reduce(0) { $0 + $1.tasks.count }) tasks), job time beyond its single moves, per task"))
            }
        }
        // Family k: a schema conversion copies its rows like a block_writes move, at a multiple of
        // a move's CPU per byte (row by row through the executor): (time − psql − overhead) ×
        // rate / bytes, the mean over the runs.
        let conversions = m.schemaConversions.filter { split?.fitsConversion($0, among: m.schemaConversions) ?? true }
        for (key, name, seconds) in [("schema_undistribute_cpu_share", "citus_schema_undistribute", \LabMeasurements.SchemaConversionRun.undistributeSeconds),
                                     ("schema_distribute_cpu_share", "citus_schema_distribute", \LabMeasurements.SchemaConversionRun.distributeSeconds)]
        where !conversions.isEmpty {
            let shares = conversions.map { ($0[keyPath: seconds] - m.schemaConversionPsqlOverhead - blockingOverhead) * rate / $0.bytes }
            out.append(Self.parameter(key, "operations", try Self.mean(shares, "\(name) runs", m), unit: "x",
                                      source: "family k: \(conversions.count) \(name) runs, time beyond a block_writes move's overhead × the copy rate / bytes"))
        }
        // Measured, not used by the model yet (issue 18): each stated so in costs.yaml.
        let idle = m.fanouts.filter { $0.clients == 1 && $0.query == "count" && (split?.fitsFanout($0) ?? true) }
        if idle.count >= 3 {
            let f = try LinearFit(idle.map { (Double($0.shardCount), $0.meanMilliseconds) })
            out.append(FittedParameter(key: "fanout_ms_per_shard", section: "measured", value: f.slope.mean, low: f.slope.lower, high: f.slope.upper,
                                       unit: "ms", samples: idle.count, source: "family d: one client's count(*) latency against the shard count (slope)"))
        }
        for (mode, key) in [("require", "connection_setup_tls_ms"), ("disable", "connection_setup_plain_ms")] {
            let v = m.connectionSetups.filter { $0.what == "client_to_worker_select_1" && $0.sslmode == mode }.compactMap(\.connectionMilliseconds)
            if !v.isEmpty {
                out.append(Self.parameter(key, "measured", try ConfidenceInterval(samples: v), unit: "ms",
                                          source: "family e: pgbench -C, a new connection per transaction, sslmode=\(mode) (mean of the runs)"))
            }
        }
        for node in ["coordinator", "worker"] {
            let points = m.memory.filter { $0.node == node }.map { (Double($0.shardsTouched), $0.growthBytes) }
            if points.count >= 3 {
                let f = try LinearFit(points)
                out.append(FittedParameter(key: "\(node)_backend_bytes_per_shard", section: "measured", value: f.slope.mean, low: f.slope.lower,
                                           high: f.slope.upper, unit: "bytes", samples: points.count,
                                           source: "family g: a \(node) backend's memory contexts after touching N shards (slope)"))
            }
        }
        return CostCalibration(parameters: out)
    }

    /// Seconds of catch-up waits the model adds to every logical move (three waits of 1 s).
    static let logicalCatchUpWaits = 3.0

    static func mean(_ samples: [Double], _ what: String, _ m: LabMeasurements) throws -> ConfidenceInterval {
        guard !samples.isEmpty else {
            throw MeasurementError(file: m.files.joined(separator: " "), field: "", problem: "no \(what) to fit")
        }
        return try ConfidenceInterval(samples: samples)
    }

    static func parameter(_ key: String, _ section: String, _ ci: ConfidenceInterval, unit: String, source: String) -> FittedParameter {
        FittedParameter(key: key, section: section, value: max(0, ci.mean), low: max(0, ci.lower), high: max(0, ci.upper), unit: unit,
                        samples: ci.count, source: source)
    }

    public func value(_ key: String) -> Double? { parameters.first { $0.key == key }?.value }

    /// `spec` with the fitted costs the model uses.
    public func applied(to spec: OperationsSpec) -> OperationsSpec {
        var o = spec
        if let v = value("copy_mib_per_core_second") { o.copyBytesPerCoreSecond = v * 1_048_576 }
        if let v = value("blocking_move_overhead") { o.blockingOverhead = SimDuration(seconds: v) }
        if let v = value("logical_move_overhead") { o.logicalOverhead = SimDuration(seconds: v) }
        if let v = value("separate_transaction_move_overhead") { o.separateTransactionMoveOverhead.blockWrites = SimDuration(seconds: v) }
        if let v = value("separate_transaction_logical_move_overhead") { o.separateTransactionMoveOverhead.logical = SimDuration(seconds: v) }
        if let v = value("background_task_overhead") { o.backgroundTaskOverhead.blockWrites = SimDuration(seconds: v) }
        if let v = value("background_task_logical_overhead") { o.backgroundTaskOverhead.logical = SimDuration(seconds: v) }
        if let v = value("schema_undistribute_cpu_share") { o.schemaUndistributeCPUShare = v }
        if let v = value("schema_distribute_cpu_share") { o.schemaDistributeCPUShare = v }
        return o
    }
}
