import Advisor
import SimCore
import TextFormat

/// advice.json's `memory` and the report's "Memory and shard count" section (issue 20 item 6):
/// the recommended cluster's memory envelope (the memory rule, and each node's simulated peak
/// against the RAM the OS leaves), and its shard count's cost on both sides: for every shard
/// count simulated on the recommended hardware, the tightest objective (parallelism), the
/// coordinator's CPU (per-task planning and merging) and the busiest worker's CPU and memory
/// (a backend's caches grow with the shards it reads).
struct MemoryAdvice {
    struct Node {
        var name: String
        var peak: ConfidenceInterval
        var limitGiB: Double
        /// Means over the replications: connections refused, and queries failed (a worker's
        /// work_mem, a coordinator's result tuplestores), for lack of memory.
        var outOfMemory: Double
        var outOfMemoryErrors: Double
    }

    struct ShardCount {
        var shardCount: Int
        var verdict: String
        /// The tightest objective's upper end over its target (above 1 misses).
        var tightest: Double
        var coordinatorCPU: Double
        var workerCPU: Double
        /// The largest of the workers' memory peaks, GiB (means over the replications).
        var workerMemoryGiB: Double
        var recommended: Bool
    }

    var verdict: String
    var detail: String
    var nodes: [Node]
    var shardCounts: [ShardCount]

    /// Nil without a recommendation (nothing to explain).
    init?(_ a: Advice) {
        guard let r = a.recommended, let e = a.outcomes[r].evaluation else { return nil }
        let rec = a.outcomes[r].candidate
        let rule = a.outcomes[r].rules.first { $0.id == "memory" }
        verdict = rule?.verdict.rawValue ?? "not checked"
        detail = rule?.detail ?? ""
        nodes = e.intervals.compactMap { name, peak in
            guard name.hasSuffix(".memory_peak_gib") else { return nil }
            let node = String(name.dropLast(".memory_peak_gib".count))
            return Node(name: node, peak: peak, limitGiB: e.interval("\(node).memory_limit_gib")?.mean ?? 0,
                        outOfMemory: e.interval("\(node).out_of_memory_refusals")?.mean ?? 0,
                        outOfMemoryErrors: e.interval("\(node).out_of_memory_errors")?.mean ?? 0)
        }
        let sameHardware = a.outcomes.filter { o in
            let c = o.candidate
            return o.evaluation != nil && c.instance.name == rec.instance.name && c.workers == rec.workers && c.poolSize == rec.poolSize
                && c.sharedPoolSize == rec.sharedPoolSize && c.maxConnections == rec.maxConnections && c.coordinator?.label == rec.coordinator?.label
        }
        shardCounts = sameHardware.sorted { $0.candidate.shardCount < $1.candidate.shardCount }.map { o in
            let ev = o.evaluation!
            let workerMemory = ev.intervals.filter { $0.name.hasPrefix("worker-") && $0.name.hasSuffix(".memory_peak_gib") }.map(\.interval.mean).max() ?? 0
            return ShardCount(shardCount: o.candidate.shardCount, verdict: o.verdict.rawValue, tightest: ev.worstRatio,
                              coordinatorCPU: ev.interval("coordinator.cpu_utilization")?.mean ?? 0,
                              workerCPU: ev.interval("worker_cpu_utilization_max")?.mean ?? 0, workerMemoryGiB: workerMemory,
                              recommended: o.id == a.outcomes[r].id)
        }
    }

    /// One paragraph: why the recommended shard count, against the simulated ones beside it.
    var explanation: String {
        guard let k = shardCounts.firstIndex(where: \.recommended) else { return "" }
        let chosen = shardCounts[k]
        var parts = ["\(chosen.shardCount) shards: tightest objective at \(Self.percent(chosen.tightest)) of its target, coordinator CPU \(Self.percent(chosen.coordinatorCPU)), busiest worker \(Self.percent(chosen.workerCPU)) CPU and \(NumberFormat.fixed(chosen.workerMemoryGiB, 2)) GiB"]
        if k > 0 {
            let fewer = shardCounts[k - 1]
            parts.append("\(fewer.shardCount) shards (less parallelism): tightest objective at \(Self.percent(fewer.tightest))")
        }
        if k + 1 < shardCounts.count {
            let more = shardCounts[k + 1]
            parts.append("\(more.shardCount) shards (more tasks per query, larger backend caches): tightest objective at \(Self.percent(more.tightest)), coordinator CPU \(Self.percent(more.coordinatorCPU)), busiest worker \(NumberFormat.fixed(more.workerMemoryGiB, 2)) GiB")
        }
        if shardCounts.count == 1 { parts.append("no other shard count was simulated on this hardware") }
        return parts.joined(separator: "; ")
    }

    static func percent(_ v: Double) -> String { v.isFinite ? "\(NumberFormat.fixed(v * 100, 1))%" : "no answer" }

    var json: JSONValue {
        .object([
            ("verdict", .string(verdict)), ("detail", .string(detail)),
            ("nodes", .array(nodes.map { n in
                .object([("node", .string(n.name)), ("memory_peak_gib", ClusterReport.ciJSON(n.peak)), ("memory_limit_gib", .number(n.limitGiB, digits: 3)),
                         ("out_of_memory_refusals", .number(n.outOfMemory, digits: 1)), ("out_of_memory_errors", .number(n.outOfMemoryErrors, digits: 1))])
            })),
            ("shard_counts", .array(shardCounts.map { s in
                .object([("shard_count", .integer(Int64(s.shardCount))), ("verdict", .string(s.verdict)), ("recommended", .bool(s.recommended)),
                         ("tightest_objective_ratio", s.tightest.isFinite ? .number(s.tightest, digits: 4) : .null),
                         ("coordinator_cpu_utilization", .number(s.coordinatorCPU, digits: 4)), ("worker_cpu_utilization_max", .number(s.workerCPU, digits: 4)),
                         ("worker_memory_peak_gib_max", .number(s.workerMemoryGiB, digits: 3))])
            })),
            ("shard_count_explained", .string(explanation)),
        ])
    }
}
