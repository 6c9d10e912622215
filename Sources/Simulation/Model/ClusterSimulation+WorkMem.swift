import SimCore

/// The work_mem a shard task's sort and hash nodes hold on its worker (`WorkMem`): taken when
/// the task is sent, given back when its result leaves or it is cancelled; a task that would
/// take its worker past its memory fails with "out of memory", and so does its query. A new
/// backend is refused when it would not fit beside them (`hasRoomForBackend`). The read-only
/// helpers are inlined: called out of line from a mutating handler, each call copied the whole
/// model (about 3.7 KB) to pass `self` (Benchmarks/README.md).
extension ClusterSimulation {
    /// Worker `w`'s memory envelope now: shared_buffers, its backends and the work_mem in use, bytes.
    @inline(__always) func memoryNow(worker w: WorkerIndex) -> Double {
        workerMemory[w].bytes(backends: Double(backends[w].inUse)) + (workMem.used ? workMem.inUse[w] : 0)
    }

    /// Whether one more backend fits in worker `w`'s memory: beside its backends (counted in
    /// whole backends, `NodeMemory.backendLimit`) and the work_mem its running tasks hold.
    @inline(__always) func hasRoomForBackend(worker w: WorkerIndex) -> Bool {
        backends[w].inUse < workerMemory[w].backendLimit
            && (!workMem.used || memoryNow(worker: w) + workerMemory[w].backendBytes <= workerMemory[w].limitBytes)
    }

    /// Bytes task `id` holds on its worker while it runs there (0: none, or a task the model
    /// does not count: run in the coordinator's backend, on the coordinator's local tables, or
    /// the write phase of insert_select_coordinator, which reads nothing).
    @inline(__always) func workMemBytes(task id: TaskID) -> Double {
        guard workMem.used else { return 0 }
        let t = tasks[id]
        guard t.worker.isWorker, !t.local else { return 0 }
        let r = requests[t.request]
        if profile[r.cls].twoPhase && r.phase == 1 { return 0 }
        return workMem.bytes(cls: r.cls, worker: t.worker)
    }

    /// Task `id`, about to go to its worker, takes its work_mem there; false when that would
    /// take the worker past its RAM less the OS's share (the caller fails the task).
    @inline(__always) mutating func takeWorkMem(task id: TaskID) -> Bool {
        guard workMem.used else { return true }
        let bytes = workMemBytes(task: id)
        guard bytes > 0 else { return true }
        let w = tasks[id].worker
        guard memoryNow(worker: w) + bytes <= workerMemory[w].limitBytes else {
            metrics.outOfMemoryErrors[w] += 1
            return false
        }
        workMem.inUse[w] += bytes
        workMem.note(total: memoryNow(worker: w), worker: w)
        return true
    }

    /// Task `id` ended on its worker (its result leaves, or it was cancelled): its work_mem is free.
    @inline(__always) mutating func giveBackWorkMem(task id: TaskID) {
        guard workMem.used, !tasks[id].failed else { return }
        let bytes = workMemBytes(task: id)
        if bytes > 0 { workMem.inUse[tasks[id].worker] -= bytes }
    }

    /// The worker could not give task `id` its work_mem: PostgreSQL's "ERROR: out of memory"
    /// comes back over the connection after the round trip, with no work done.
    mutating func failOutOfMemory(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        tasks[id].failed = true
        advance(id, to: .workerCPU)
        advance(id, to: .back)
        let loopback = localExecution.isLocal(worker: tasks[id].worker, coordinator: requests[tasks[id].request].coordinator)
        s.schedule(.deliver, after: loopback ? .zero : latency * 2, priority: .completion, payload: id.raw)
    }

    /// Marks the memory peaks of worker `w` after a backend was added (only while work_mem is in use).
    mutating func noteMemory(worker w: WorkerIndex) {
        if workMem.used { workMem.note(total: memoryNow(worker: w), worker: w) }
    }
}
