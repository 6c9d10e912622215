import Runbook
import SimCore
import Simulation

extension Advisor {
    /// Simulates adding `adding` workers to the recommended cluster under today's load, once
    /// per rebalance setting (executors per node x parallel colocated transfers) with
    /// citus_add_node + citus_rebalance_start, and once with snapshot-based addition (a clone
    /// of each of the first workers, promoted and split). Runs stop when the operation ends.
    func scaleOut(of c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, steady: Evaluation?) throws -> [Advice.ScaleOutRun] {
        let settings: [(method: String, executors: Int, parallel: Bool)] = plan.executorsPerNode.sortedUnique().flatMap { e in
            [false, true].filter { plan.parallelColocated.contains($0) }.map { ("regular", e, $0) }
        } + [("snapshot", 0, false)]
        let total = settings.count
        let progress = self.progress
        let results = ParallelMap.map(count: total, threads: threads, finished: { progress?("scale-out", $0, total) }) { i in
            Result { try self.scaleOutRun(c, adding: adding, plan: plan, steady: steady, method: settings[i].method, executors: settings[i].executors, parallel: settings[i].parallel) }
        }
        return try results.map { try $0.get() }
    }

    /// The SQL a DBA runs for one scale-out.
    static func scaleOutSQL(workers: Int, adding: Int, method: String, executors: Int, parallel: Bool) -> [String] {
        let new = (1...adding).map { "worker-\(workers + $0)" }
        if method == "snapshot" {
            // Node ids: the coordinator 1, workers 2...workers + 1, then each clone in turn.
            return new.enumerated().flatMap { k, name in
                ["SELECT citus_add_clone_node('\(name)', 5432, 'worker-\(k % workers + 1)', 5432);",
                 "SELECT citus_promote_clone_and_rebalance(\(workers + 2 + k));"]
            }
        }
        return new.map { "SELECT citus_add_node('\($0)', 5432);" } + [
            "ALTER SYSTEM SET citus.max_background_task_executors = \(executors * (workers + adding));",
            "ALTER SYSTEM SET citus.max_background_task_executors_per_node = \(executors);",
            "SELECT pg_reload_conf();",
            "SELECT citus_rebalance_start(parallel_transfer_colocated_shards := \(parallel));",
            "SELECT citus_rebalance_wait();",
        ]
    }

    func scaleOutRun(_ c: Candidate, adding: Int, plan: AdvisorSpec.ScaleOut, steady: Evaluation?, method: String, executors: Int, parallel: Bool) throws -> Advice.ScaleOutRun {
        var s = try scenario(for: c)
        let start = max(s.run.warmup, .seconds(30))
        s.run.warmup = start
        s.run.duration = start + plan.runFor
        s.run.replications = 1
        // Background executors are background workers: leave room for them (a restart setting).
        s.citus.maxWorkerProcesses = max(s.citus.maxWorkerProcesses, executors * (c.workers + adding) + 2)
        s.timeline = try Self.scaleOutSQL(workers: c.workers, adding: adding, method: method, executors: executors, parallel: parallel).flatMap { text in
            try SQLRunbookParser.parse(text, file: "advisor").map { TimelineEntry(at: start, action: .sql($0, text: text), line: 0, column: 0) }
        }
        let layout = try ClusterRun.layout(for: s)
        let seed = try Replications(baseSeed: s.run.seed, count: 1).seeds[0]
        let result = try ClusterRun.run(s, layout: layout, seed: seed, untilOperationsDone: true)
        let ops = result.operations?.operations ?? []
        let ends = ops.compactMap(\.end)
        let done = ends.count == ops.count && !ops.isEmpty
        let error = ops.compactMap(\.error).first
        let duration = done && error == nil ? (ends.max()! - ops.map(\.start).min()!).seconds : nil
        let series = result.measurements.series
        let classes = s.workload.classes
        let peaks = classes.indices.map { k -> (className: String, during: Double, before: Double) in
            let before = steady?.interval("\(classes[k].name).latency_p99_ms")?.mean ?? 0
            let during = series.filter { $0.timeSeconds > start.seconds }.map { $0.worstLatencyMs(k) }.max() ?? 0
            return (classes[k].name, during, before)
        }
        var run = Advice.ScaleOutRun(method: method, executorsPerNode: executors, parallelColocated: parallel, addedWorkers: adding,
                                     durationSeconds: duration, bytesCopied: ops.reduce(0) { $0 + $1.bytesCopied },
                                     writeBlockedGroupSeconds: ops.reduce(0) { $0 + $1.writeBlockedGroupSeconds }, peakP99Ms: peaks, error: error,
                                     withinLimit: plan.maxDuration.map { limit in duration.map { $0 <= limit.seconds } ?? false })
        run.runbook = Self.scaleOutSQL(workers: c.workers, adding: adding, method: method, executors: executors, parallel: parallel)
        run.settings = Self.scaleOutSettings(workers: c.workers, adding: adding, method: method, executors: executors, parallel: parallel,
                                             maxWorkerProcesses: s.citus.maxWorkerProcesses)
        return run
    }

    /// The settings a scale-out run uses, as `name = value`: both executor limits (the global
    /// one caps the per-node one), the rebalance's own parameter, and max_worker_processes
    /// (background executors are background workers; a restart setting).
    static func scaleOutSettings(workers: Int, adding: Int, method: String, executors: Int, parallel: Bool, maxWorkerProcesses: Int) -> [String] {
        guard method != "snapshot" else { return ["snapshot-based node addition (citus_add_clone_node, citus_promote_clone_and_rebalance)"] }
        return ["citus.max_background_task_executors = \(executors * (workers + adding))",
                "citus.max_background_task_executors_per_node = \(executors)",
                "parallel_transfer_colocated_shards := \(parallel)",
                "max_worker_processes = \(maxWorkerProcesses)"]
    }
}
