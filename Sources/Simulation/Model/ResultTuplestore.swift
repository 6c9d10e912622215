import SimCore

/// The adaptive executor's result tuplestore on the coordinator in a run: each multi-shard
/// query gathers its shard tasks' rows in a tuplestore that holds up to the coordinator's
/// `work_mem` in memory and spills the rest to a temporary file
/// (`tuplestore_begin_heap(..., work_mem)` in `AdaptiveExecutor`, adaptive_executor.c).
///
/// Model: a fan-out query holds min(work_mem, its shard tasks × the class's `result_bytes`)
/// on its coordinator from when it fans out until its client is answered (done, failed or
/// timed out): the envelope's upper bound, as the rows arrive during the fan-out. Not
/// modelled: router queries' one-task results (kilobytes), the sort and hash nodes of the
/// coordinator's combine query, and a coordinator that also holds shards (its node's
/// envelope is the worker's, `WorkMem`).
struct ResultTuplestore {
    /// Per coordinator: its `work_mem`, bytes.
    let workMemBytes: [Double]
    /// Whether any multi-shard class returns rows; when false nothing else here is touched.
    let used: Bool
    /// Per coordinator: bytes the tuplestores of its running queries hold now.
    var inUse: [Double]
    /// Per coordinator: the most held at once over the measured run and since the last sample.
    var peak: [Double], intervalPeak: [Double]

    /// `coordinators` coordinators of server `spec`, for `profile`'s classes.
    init(profile: [QueryClassProfile], coordinators: Int, spec: NodeSpec, localCoordinator: Bool) {
        workMemBytes = Array(repeating: spec.workMemBytes, count: coordinators)
        used = !localCoordinator && profile.contains { !$0.singleTenant && $0.resultBytes > 0 }
        inUse = Array(repeating: 0, count: used ? coordinators : 0)
        peak = inUse
        intervalPeak = inUse
    }

    /// Bytes a query of `tasks` shard tasks, each returning `resultBytes`, holds on coordinator `c`.
    func bytes(tasks: Int32, resultBytes: Double, coordinator c: Int) -> Double {
        min(workMemBytes[c], Double(tasks) * resultBytes)
    }

    /// Coordinator `c` now holds `bytes` more (negative: less).
    mutating func add(_ bytes: Double, coordinator c: Int) {
        inUse[c] += bytes
        peak[c] = max(peak[c], inUse[c])
        intervalPeak[c] = max(intervalPeak[c], inUse[c])
    }
}
