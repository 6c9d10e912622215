import ClusterModel
import Planner
import Runbook
import SimCore

/// Carries out a transfer's COPY streams (`CopyStreams` keeps their count): each chunk costs CPU
/// on both sides, a disk read and write and the source's NIC (OperationsSpec).
extension ClusterSimulation {
    // MARK: Copy streams

    /// Starts streams for the waiting shards of transfer `id` while the limit allows; when
    /// every shard is copied, the copy phase is over.
    mutating func startStreams(_ id: TransferID, _ s: inout Scheduler<ClusterEvent>) {
        while let k = ops.transfers[id].copy.startNext() {
            startChunk(id, stream: k, &s)
        }
        if ops.transfers[id].copy.isDone { transferStep(id, &s) }
    }

    /// One chunk of a COPY stream: CPU on both sides, a read and a write, the network.
    mutating func startChunk(_ id: TransferID, stream k: Int, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops.transfers[id]
        let ends = t.copy.ends(ofStream: k, transfer: .init(source: t.source, target: t.target))
        let (from, to) = (ends.source, ends.target)
        // `none` is the coordinator (reference tables it copies from).
        let src = from.isWorker ? nodes.node(ofWorker: from) : NodeIndex(0), dst = to.isWorker ? nodes.node(ofWorker: to) : NodeIndex(0)
        // CPU and disk on both sides, and the network between different nodes.
        let chunk = ops.transfers[id].copy.beginChunk(stream: k, parts: src == dst ? 4 : 5)
        let cpuWork = SimDuration(seconds: chunk / scenario.operations.copyBytesPerCoreSecond * t.copy.cpuShare)
        let ios = (chunk / 262_144).rounded(.up)  // 256 KiB sequential I/Os
        func part(_ worker: WorkerIndex) -> UInt32 {
            newTask(TaskRecord(worker: worker, pool: .none, stage: .copy, transfer: id, stream: Int32(k))).raw
        }
        cpu[src.index].arrive(job: part(from), work: cpuWork, at: s.now)
        cpu[dst.index].arrive(job: part(to), work: cpuWork, at: s.now)
        armCPU(src, &s)
        if dst != src { armCPU(dst, &s) }
        disks[src.index].submit(request: part(from), operations: ios, bytes: chunk, at: s.now)
        disks[dst.index].submit(request: part(to), operations: ios, bytes: chunk, at: s.now)
        armDisk(src, &s)
        if dst != src { armDisk(dst, &s) }
        if src != dst {
            let transfer = SimDuration(seconds: chunk / (from.isWorker ? scenario.cluster.spec(ofShardNode: from) : scenario.cluster.coordinator).nicBytesPerSecond)
            let done = network.copyEgress[src.index].send(taking: transfer, at: s.now)
            if from.isWorker { metrics.bytesSent[from] += chunk }
            s.schedule(.copyNetwork, at: done + latency, priority: .completion, payload: part(from))
        }
    }

    /// A part of a chunk (or the index build) finished.
    mutating func copyPartDone(task tid: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let task = tasks[tid]
        freeTask(tid)
        let id = task.transfer
        guard !ops.transfers[id].finished else { return }
        if task.stream < 0 {
            ops.transfers[id].indexParts -= 1
            return ops.transfers[id].indexParts > 0 ? () : transferStep(id, &s)
        }
        let k = Int(task.stream)
        switch ops.transfers[id].copy.partDone(stream: k) {
        case .chunkRunning: return
        case .nextChunk: startChunk(id, stream: k, &s)
        case .streamFree: startStreams(id, &s)
        }
    }
}
