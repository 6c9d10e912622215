import SimCore
import Simulation
import TextFormat

/// `citus-sim bench rebalance`: a background rebalance of many shard groups under load
/// (`ReferenceRebalance`). A first pass finds when the rebalance ends in simulated time; the
/// timed run stops there.
public enum RebalanceBenchmark {
    public static func run(shards: Int, rate: Double) throws -> BenchmarkFigures {
        var scenario = try ReferenceRebalance.make(shards: shards, rate: rate)
        let clock = ContinuousClock()
        let layout = try ClusterRun.layout(for: scenario)
        var result: ClusterRunResult?
        let runTime = try clock.measure { result = try ClusterRun.run(scenario, layout: layout, seed: 1) }
        guard let log = result?.operations, let job = log.operations.first(where: { $0.label.hasPrefix("background job") }), let end = job.end else {
            throw BenchmarkError(description: "the rebalance did not finish within the simulated \(scenario.run.duration)")
        }
        scenario.run.duration = end - .zero
        let moves = log.transfers.filter { $0.kind == "move" && $0.status == "done" }
        let maxParallel = log.taskRuns.map { r in log.taskRuns.filter { $0.start <= r.start && r.start < ($0.end ?? end) }.count }.max() ?? 0
        var out = BenchmarkFigures()
        out.add("shard_groups", "\(shards)")
        out.add("moves", "\(moves.count)")
        out.add("bytes_moved_gib", NumberFormat.fixed(moves.reduce(0) { $0 + $1.bytes } / 1_073_741_824, 1))
        out.add("max_parallel_tasks", "\(maxParallel)")
        out.add("rebalance_simulated_seconds", NumberFormat.fixed((end - job.start).seconds, 1))
        out.add("simulated_seconds", NumberFormat.fixed(end.seconds, 1))
        out.add("events", "\(result!.events)")
        out.add("wall_seconds_including_tail", NumberFormat.fixed(runTime.seconds, 3))
        let timed = try clock.measure { _ = try ClusterRun.run(scenario, layout: layout, seed: 1) }
        out.add("wall_seconds", NumberFormat.fixed(timed.seconds, 3))
        out.add("peak_memory_mib", PeakMemory.mibText)
        return out
    }
}
