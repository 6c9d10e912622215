import SimCore

/// The adaptive executor's result tuplestore on the coordinator in a run: each multi-shard
/// query gathers its shard tasks' rows in a tuplestore that holds up to the coordinator's
/// `work_mem` in memory and spills the rest to a temporary file
/// (`tuplestore_begin_heap(..., work_mem)` in `AdaptiveExecutor`, adaptive_executor.c).
///
/// Model: with R = the fan-out's shard tasks × the class's `result_bytes`, a fan-out query
/// holds min(work_mem, R) for its tuplestore, plus, for each sort node of the combine query
/// the coordinator runs over the rows (`QueryClass.mergeSortNodes`), min(work_mem, R), and for
/// each hash node (`mergeHashNodes`) min(work_mem × hash_mem_multiplier, R), on its
/// coordinator from when it fans out until its client is answered (done, failed or timed
/// out): the envelope's upper bound, as the rows arrive during the fan-out. It shows in the
/// coordinator's memory peak. A fan-out whose tuplestore and combine nodes would take its
/// coordinator past its RAM less the OS's share fails at once with PostgreSQL's "ERROR: out of
/// memory" (palloc refused, as with `vm.overcommit_memory = 2`, which PostgreSQL's docs
/// recommend; a worker's work_mem fails the same way: `WorkMem`), before any shard task is sent.
/// Not modelled: router queries' one-task results (kilobytes), and clusters whose coordinator
/// holds shards (none is counted there; that node's envelope is a worker's).
struct ResultTuplestore {
    /// The coordinators' `work_mem`, bytes, and `hash_mem_multiplier` (every coordinator is
    /// of the scenario's coordinator size).
    let workMemBytes: Double, hashMemMultiplier: Double
    /// Whether any multi-shard class returns rows; when false nothing else here is touched.
    let used: Bool
    /// Per coordinator: bytes the tuplestores of its running queries hold now.
    var inUse: [Double]
    /// Per coordinator: the most held at once over the measured run and since the last sample.
    var peak: [Double], intervalPeak: [Double]
    /// Per coordinator: fan-outs failed with out of memory since the measured window began.
    var outOfMemoryErrors: [Int]

    /// `coordinators` coordinators of server `spec`, for `profile`'s classes.
    init(profile: [QueryClassProfile], coordinators: Int, spec: NodeSpec, localCoordinator: Bool) {
        workMemBytes = spec.workMemBytes
        hashMemMultiplier = spec.hashMemMultiplier
        used = !localCoordinator && profile.contains { !$0.singleTenant && $0.resultBytes > 0 }
        inUse = Array(repeating: 0, count: used ? coordinators : 0)
        peak = inUse
        intervalPeak = inUse
        outOfMemoryErrors = Array(repeating: 0, count: inUse.count)
    }

    /// Bytes a query of class `cls` with `tasks` shard tasks holds on its coordinator.
    func bytes(tasks: Int32, cls: QueryClassProfile) -> Double {
        let rows = Double(tasks) * cls.resultBytes
        let sorted = min(workMemBytes, rows)
        return sorted * (1 + cls.mergeSortNodes) + cls.mergeHashNodes * min(workMemBytes * hashMemMultiplier, rows)
    }

    /// Whether coordinator `c`, whose envelope without tuplestores is `envelope`, has room for
    /// `bytes` more; counts an out-of-memory error when it has not.
    mutating func fits(_ bytes: Double, coordinator c: Int, envelope: NodeMemory) -> Bool {
        guard envelope.bytes(backends: 0) + inUse[c] + bytes > envelope.limitBytes else { return true }
        outOfMemoryErrors[c] += 1
        return false
    }

    /// Coordinator `c` now holds `bytes` more (negative: less).
    mutating func add(_ bytes: Double, coordinator c: Int) {
        inUse[c] += bytes
        peak[c] = max(peak[c], inUse[c])
        intervalPeak[c] = max(intervalPeak[c], inUse[c])
    }
}
