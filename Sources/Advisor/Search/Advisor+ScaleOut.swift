import ParallelRuns
import Runbook
import SQL
import SimCore
import Simulation

extension Advisor {
    /// One studied way of adding workers: a rebalance setting, or snapshot-based addition.
    public struct OperationSetting: Sendable, Equatable {
        /// `regular` (citus_add_node + citus_rebalance_start) or `snapshot`.
        public var method: String
        public var executors = 0
        public var parallelColocated = false
        public var parallelReference = false
        public var mode = "auto"

        public init(method: String, executors: Int = 0, parallelColocated: Bool = false, parallelReference: Bool = false, mode: String = "auto") {
            self.method = method
            self.executors = executors
            self.parallelColocated = parallelColocated
            self.parallelReference = parallelReference
            self.mode = mode
        }
    }

    /// The settings the scale-out study compares, in a fixed order: every combination of
    /// transfer mode, executors per node, parallel colocated and (when the scenario has
    /// reference tables) parallel reference transfers, then snapshot-based addition.
    public static func operationSettings(_ plan: AdvisorSpec.ScaleOut, hasReferenceTables: Bool) -> [OperationSetting] {
        let references = hasReferenceTables ? [false, true].filter(plan.parallelReference.contains) : [false]
        var out: [OperationSetting] = []
        for mode in plan.transferModes {
            for e in plan.executorsPerNode.sortedUnique() {
                for parallel in [false, true] where plan.parallelColocated.contains(parallel) {
                    for ref in references {
                        out.append(OperationSetting(method: "regular", executors: e, parallelColocated: parallel, parallelReference: ref, mode: mode))
                    }
                }
            }
        }
        if plan.snapshot { out.append(OperationSetting(method: "snapshot")) }
        return out
    }

    /// Simulates adding `adding` workers to the recommended cluster under today's load, once
    /// per studied setting and `advisor.replications` seeds each (more while its verdict is
    /// undecided, see `scaleOutRuns`), from the first statement until the operation ends, and
    /// marks the fastest setting that keeps every objective over the operation's window as recommended.
    func scaleOut(of c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, steady: Evaluation?) throws -> [Advice.ScaleOutRun] {
        let hasReference = base.tables.contains { $0.kind == .reference }
        var runs = try scaleOutRuns(c, adding: adding, plan: plan, steady: steady, settings: Self.operationSettings(plan, hasReferenceTables: hasReference),
                                    baseSeed: base.run.seed, replications: spec.replications, stage: "scale-out")
        if let r = Advice.fastestSafe(runs) { runs[r].recommended = true }
        return runs
    }

    /// The recommended setting and the next faster one again, on held-out seeds, by the study's
    /// rule (from as many replications as the confirmation's): nil without a recommended setting.
    func operationsHoldout(of c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, steady: Evaluation?, study: [Advice.ScaleOutRun]) throws -> Advice.OperationsHoldout? {
        guard let r = Advice.fastestSafe(study) else { return nil }
        let settings = ([r] + Advice.faster(than: r, in: study).prefix(1)).map { Self.setting(of: study[$0]) }
        let again = try scaleOutRuns(c, adding: adding, plan: plan, steady: steady, settings: settings, baseSeed: holdoutSeed,
                                     replications: spec.confirmationReplications ?? 2 * spec.replications, stage: "scale-out held-out check")
        return Advice.OperationsHoldout(seed: holdoutSeed, recommended: again[0], nextFaster: again.count > 1 ? again[1] : nil)
    }

    static func setting(of r: Advice.ScaleOutRun) -> OperationSetting {
        OperationSetting(method: r.method, executors: r.executorsPerNode, parallelColocated: r.parallelColocated, parallelReference: r.parallelReference, mode: r.transferMode)
    }

    /// Every setting x `replications` seeds of `baseSeed` (in parallel), summarised per setting;
    /// then, round by round, `advisor.replications` more seeds for each setting whose verdict is
    /// still undecided (an objective's interval holds its target, none lies wholly above it), up
    /// to `AdvisorSpec.maxOperationReplications`. A setting still undecided there counts as
    /// missing: it was not shown to keep the objectives. Seeds are shared across settings
    /// (common random numbers), and a setting's k-th replication has the same seed in every round.
    func scaleOutRuns(_ c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, steady: Evaluation?, settings: [OperationSetting],
                      baseSeed: UInt64, replications: Int, stage: String) throws -> [Advice.ScaleOutRun] {
        let limit = max(replications, spec.maxOperationReplications)
        var wanted = Array(repeating: replications, count: settings.count)
        var samples: [[ScaleOutSample]] = settings.map { _ in [] }
        var runs: [Advice.ScaleOutRun] = []
        var round = stage
        while true {
            let jobs = settings.indices.flatMap { k in (samples[k].count..<wanted[k]).map { (setting: k, replication: $0) } }
            if jobs.isEmpty { return runs }
            let seeds = try Replications(baseSeed: baseSeed, count: wanted.max()!).seeds
            let progress = self.progress, name = round
            let fresh = try ParallelMap.map(count: jobs.count, threads: threads, finished: { progress?(name, $0, jobs.count) }) { i in
                Result { try self.scaleOutSample(c, adding: adding, plan: plan, setting: settings[jobs[i].setting], seed: seeds[jobs[i].replication]) }
            }.map { try $0.get() }
            for (job, sample) in zip(jobs, fresh) { samples[job.setting].append(sample) }
            runs = try settings.indices.map { k in
                try summarize(samples[k], c, adding: adding, plan: plan, steady: steady, setting: settings[k], seed: baseSeed)
            }
            for k in settings.indices where runs[k].undecided { wanted[k] = min(limit, wanted[k] + spec.replications) }
            round = stage + " (more seeds)"
        }
    }

    /// What one replication of one setting measured.
    struct ScaleOutSample: Sendable {
        var metrics: [Metric]
        /// Seconds from the first statement to the end (nil: not finished, or an error).
        var duration: Double?
        var bytesCopied: Double
        var writeBlockedGroupSeconds: Double
        /// Per class: the worst interval latency while the operation ran, ms.
        var peaks: [Double]
        var error: String?
        var maxWorkerProcesses: Int
    }

    func summarize(_ samples: [ScaleOutSample], _ c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, steady: Evaluation?,
                   setting: OperationSetting, seed: UInt64) throws -> Advice.ScaleOutRun {
        let n = Double(samples.count)
        let mean = { (f: (ScaleOutSample) -> Double) in samples.reduce(0) { $0 + f($1) } / n }
        let level = base.run.confidence
        let durations = samples.compactMap(\.duration)
        let duration = durations.count == samples.count ? try ConfidenceInterval(samples: durations, level: level) : nil
        let classes = base.workload.classes
        let peaks = classes.indices.map { k in
            (className: classes[k].name, during: mean { $0.peaks[k] }, before: steady?.interval("\(classes[k].name).latency_p99_ms")?.mean ?? 0)
        }
        let during = duration == nil ? nil : try operationEvaluation(samples.map(\.metrics), seed: seed)
        var run = Advice.ScaleOutRun(method: setting.method, executorsPerNode: setting.executors, parallelColocated: setting.parallelColocated,
                                     addedWorkers: adding, bytesCopied: mean(\.bytesCopied), writeBlockedGroupSeconds: mean(\.writeBlockedGroupSeconds),
                                     peakP99Ms: peaks, error: samples.compactMap(\.error).first,
                                     withinLimit: plan.maxDuration.map { limit in duration.map { $0.mean <= limit.seconds } ?? false })
        run.parallelReference = setting.parallelReference
        run.transferMode = setting.mode
        run.replications = samples.count
        run.duration = duration
        run.stoppedAfter = duration == nil && run.error == nil ? plan.runLimit.seconds : nil
        run.during = during
        run.runbook = Self.scaleOutSQL(workers: c.workers, adding: adding, setting: setting)
        run.settings = Self.scaleOutSettings(workers: c.workers, adding: adding, setting: setting, maxWorkerProcesses: samples[0].maxWorkerProcesses)
        return run
    }

    /// One replication of one setting: the operation starts at max(warm-up, 30 s), the
    /// measured window starts with it, and the run stops when the operation ends (or at
    /// `max_duration`, when set: the setting is then over the limit).
    func scaleOutSample(_ c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, setting: OperationSetting, seed: UInt64) throws -> ScaleOutSample {
        try operationSample(c, statements: Self.scaleOutSQL(workers: c.workers, adding: adding, setting: setting), runFor: plan.runLimit, seed: seed) { s in
            s.citus.maxWorkerProcesses = Self.workerProcesses(s.citus.maxWorkerProcesses, executors: setting.executors, nodes: c.workers + adding)
        }
    }

    /// One replication of an operation on `c` under today's load: `statements` start at
    /// max(warm-up, 30 s), the measured window starts with them, and the run stops when they
    /// end (or `runFor` later). `adjust` changes the scenario's settings first.
    func operationSample(_ c: Candidate, statements: [String], runFor: SimDuration, seed: UInt64,
                         adjust: (inout ClusterScenario) -> Void = { _ in }) throws -> ScaleOutSample {
        var s = try scenario(for: c)
        let start = max(s.run.warmup, .seconds(30))
        s.run.warmup = start
        s.run.duration = start + runFor
        s.run.replications = 1
        adjust(&s)
        s.timeline = try statements.flatMap { text in
            try SQLRunbookParser.parse(text, file: "advisor").map { TimelineEntry(at: start, action: .sql($0, text: text), line: 0, column: 0) }
        }
        return Self.sample(of: try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: seed, untilOperationsDone: true), scenario: s, start: start)
    }

    /// What a scale-out run measured from `start` (its first statement) to its end.
    static func sample(of result: ClusterRunResult, scenario s: ClusterScenario, start: SimDuration) -> ScaleOutSample {
        let ops = result.operations?.operations ?? []
        let ends = ops.compactMap(\.end)
        let error = ops.compactMap(\.error).first
        let done = ends.count == ops.count && !ops.isEmpty && error == nil
        let metrics = Self.operationMetrics(result.metrics, classes: s.workload.classes.map(\.name))
        let series = result.measurements.series.filter { $0.timeSeconds > start.seconds }
        return ScaleOutSample(metrics: metrics, duration: done ? (ends.max()! - ops.map(\.start).min()!).seconds : nil,
                              bytesCopied: ops.reduce(0) { $0 + $1.bytesCopied }, writeBlockedGroupSeconds: ops.reduce(0) { $0 + $1.writeBlockedGroupSeconds },
                              peaks: s.workload.classes.indices.map { k in series.map { $0.worstLatencyMs(k) }.max() ?? 0 },
                              error: error, maxWorkerProcesses: s.citus.maxWorkerProcesses)
    }

    /// The SQL a DBA runs for one scale-out. Parameters at Citus's defaults are left out.
    static func scaleOutSQL(workers: Int, adding: Int, setting: OperationSetting) -> [String] {
        if setting.method == "snapshot" {
            // Node ids: the coordinator 1, workers 2...workers + 1, then each clone in turn.
            return (1...adding).flatMap { k in
                ["SELECT citus_add_clone_node('\(ClusterSpec.workerName(workers + k - 1))', 5432, '\(ClusterSpec.workerName((k - 1) % workers))', 5432);",
                 "SELECT citus_promote_clone_and_rebalance(\(workers + 1 + k));"]
            }
        }
        return addNodesSQL(workers: workers, adding: adding) + executorLimitSQL(setting.executors, nodes: workers + adding)
            + [rebalanceStartSQL(setting), "SELECT citus_rebalance_wait();"]
    }

    /// citus_add_node for each new worker, named after the existing ones.
    static func addNodesSQL(workers: Int, adding: Int) -> [String] {
        (1...adding).map { "SELECT citus_add_node('\(ClusterSpec.workerName(workers + $0 - 1))', 5432);" }
    }

    /// Both executor limits (the global one caps the per-node one) and the reload that applies them.
    static func executorLimitSQL(_ perNode: Int, nodes: Int) -> [String] {
        ["ALTER SYSTEM SET citus.max_background_task_executors = \(perNode * nodes);",
         "ALTER SYSTEM SET citus.max_background_task_executors_per_node = \(perNode);", "SELECT pg_reload_conf();"]
    }

    /// The rebalance's parameters that differ from Citus's defaults (the colocated one always said).
    static func rebalanceArguments(_ setting: OperationSetting) -> [String] {
        (setting.mode != "auto" ? ["shard_transfer_mode := '\(setting.mode)'"] : [])
            + (setting.parallelReference ? ["parallel_transfer_reference_tables := true"] : [])
            + ["parallel_transfer_colocated_shards := \(setting.parallelColocated)"]
    }

    static func rebalanceStartSQL(_ setting: OperationSetting) -> String {
        "SELECT citus_rebalance_start(\(rebalanceArguments(setting).joined(separator: ", ")));"
    }

    /// max_worker_processes a run needs: background executors are background workers, beside
    /// the maintenance daemon and the task monitor (a restart setting, never lowered).
    static func workerProcesses(_ configured: Int, executors: Int, nodes: Int) -> Int {
        max(configured, executors * nodes + 2)
    }

    /// The settings a scale-out run uses, as `name = value`: both executor limits (the global
    /// one caps the per-node one), the rebalance's own parameters, and max_worker_processes
    /// (background executors are background workers; a restart setting).
    static func scaleOutSettings(workers: Int, adding: Int, setting: OperationSetting, maxWorkerProcesses: Int) -> [String] {
        guard setting.method != "snapshot" else { return ["snapshot-based node addition (citus_add_clone_node, citus_promote_clone_and_rebalance)"] }
        return ["citus.max_background_task_executors = \(setting.executors * (workers + adding))",
                "citus.max_background_task_executors_per_node = \(setting.executors)"]
            + rebalanceArguments(setting) + ["max_worker_processes = \(maxWorkerProcesses)"]
    }
}
