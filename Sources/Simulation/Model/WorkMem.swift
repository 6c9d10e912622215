import SimCore
import Workload

/// PostgreSQL's `work_mem` in a run: the memory the sort and hash nodes of the shard tasks
/// running on each worker hold, on top of the worker's memory envelope (`NodeMemory`).
///
/// Model: a shard task (or across_schemas subplan) of a class with sort or hash nodes
/// (`QueryClass.sortNodes`, `hashNodes`) holds, from when it is sent to its worker until its
/// result leaves or it is cancelled, the worker's `work_mem` per sort node and `work_mem` ×
/// `hash_mem_multiplier` per hash node, each at most the bytes the task reads (a node holds no
/// more than its input). That is the envelope's upper bound: a hash aggregate over few groups
/// holds less. Not modelled: parallel workers (each with its own work_mem), a task run in the
/// coordinator's own backend (local execution). The coordinator's side: `ResultTuplestore`.
struct WorkMem {
    /// Per class, per worker: bytes one shard task holds (0: the class has no sort or hash node).
    let perTask: [PerWorker<Double>]
    /// Whether any class holds work_mem; when false nothing else here is touched.
    let used: Bool
    /// Per worker: bytes the tasks running there hold now.
    var inUse: PerWorker<Double>
    /// Per worker: the largest memory envelope (shared_buffers, backends and work_mem) seen
    /// while work_mem was in use, over the measured run and since the last sample, bytes.
    var peak: PerWorker<Double>, intervalPeak: PerWorker<Double>

    /// `profile` per class; `spec(w)` the server of worker `w`.
    init(profile: [QueryClassProfile], workers: Int, spec: (WorkerIndex) -> NodeSpec) {
        let specs = WorkerIndex.all(workers).map(spec)
        perTask = profile.map { c in
            PerWorker(specs.map { n in
                c.sortNodes * min(n.workMemBytes, c.bytesRead) + c.hashNodes * min(n.workMemBytes * n.hashMemMultiplier, c.bytesRead)
            })
        }
        used = perTask.contains { $0.contains { $0 > 0 } }
        inUse = PerWorker(repeating: 0, count: used ? workers : 0)
        peak = inUse
        intervalPeak = inUse
    }

    /// Bytes one task of class `cls` holds on worker `w`.
    @inline(__always) func bytes(cls: QueryClassIndex, worker w: WorkerIndex) -> Double {
        used ? perTask[cls.index][w] : 0
    }

    /// Records worker `w`'s memory envelope now, `total` bytes, in its peaks.
    mutating func note(total: Double, worker w: WorkerIndex) {
        peak[w] = max(peak[w], total)
        intervalPeak[w] = max(intervalPeak[w], total)
    }
}
