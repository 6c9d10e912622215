import ClusterModel
import Planner
import Runbook
import SimCore

/// A transfer's COPY streams: up to the pool size at once, each in 64 MiB chunks that cost CPU on
/// both sides, a disk read and write and the source's NIC (OperationsSpec).
extension ClusterSimulation {
    // MARK: Copy streams

    mutating func startStreams(_ id: Int, _ s: inout Scheduler<ClusterEvent>) {
        while !ops.transfers[id].pendingShards.isEmpty {
            let slot = ops.transfers[id].streams.firstIndex { $0.left <= 0 && $0.parts == 0 }
            guard slot != nil || ops.transfers[id].streams.count < ops.transfers[id].maxStreams else { break }
            let bytes = ops.transfers[id].pendingShards.removeFirst()
            let k: Int
            if let slot { k = slot; ops.transfers[id].streams[k] = (bytes, 0) } else { k = ops.transfers[id].streams.count; ops.transfers[id].streams.append((bytes, 0)) }
            if !ops.transfers[id].pendingEnds.isEmpty {
                let end = ops.transfers[id].pendingEnds.removeFirst()
                if k < ops.transfers[id].streamEnds.count { ops.transfers[id].streamEnds[k] = end } else { ops.transfers[id].streamEnds.append(end) }
            }
            startChunk(id, stream: k, &s)
        }
        if ops.transfers[id].streams.allSatisfy({ $0.left <= 0 && $0.parts == 0 }) && ops.transfers[id].pendingShards.isEmpty {
            transferStep(id, &s)
        }
    }

    /// One chunk of a COPY stream: CPU on both sides, a read and a write, the network.
    mutating func startChunk(_ id: Int, stream k: Int, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops.transfers[id]
        let chunk = min(OperationsSpec.chunkBytes, t.streams[k].left)
        ops.transfers[id].streams[k].left -= chunk
        let cpuWork = SimDuration(seconds: chunk / scenario.operations.copyBytesPerCoreSecond * t.cpuShare)
        let ios = (chunk / 262_144).rounded(.up)  // 256 KiB sequential I/Os
        var parts: Int32 = 0
        func part(_ node: Int32) -> UInt32 {
            parts += 1
            return newTask(TaskRecord(worker: node, shard: Int32(k), pool: -1, stage: .copy, transfer: Int32(id))).raw
        }
        let (from, to) = k < t.streamEnds.count ? t.streamEnds[k] : (t.source, t.target)
        // −1 is the coordinator (reference tables it copies from).
        let src = from < 0 ? 0 : nodes.node(ofWorker: Int(from)), dst = to < 0 ? 0 : nodes.node(ofWorker: Int(to))
        cpu[src].arrive(job: part(from), work: cpuWork, at: s.now)
        cpu[dst].arrive(job: part(to), work: cpuWork, at: s.now)
        armCPU(src, &s)
        if dst != src { armCPU(dst, &s) }
        disks[src].submit(request: part(from), operations: ios, bytes: chunk, at: s.now)
        disks[dst].submit(request: part(to), operations: ios, bytes: chunk, at: s.now)
        armDisk(src, &s)
        if dst != src { armDisk(dst, &s) }
        if src != dst {
            let transfer = SimDuration(seconds: chunk / (from < 0 ? scenario.cluster.coordinator : scenario.cluster.spec(ofShardNode: Int(from))).nicBytesPerSecond)
            let done = network.copyEgress[src].send(taking: transfer, at: s.now)
            if from >= 0 { metrics.bytesSent[Int(from)] += chunk }
            s.schedule(.copyNetwork, at: done + latency, priority: .completion, payload: part(from))
        }
        ops.transfers[id].streams[k].parts = parts
    }

    /// A part of a chunk (or the index build) finished.
    mutating func copyPartDone(task tid: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let task = tasks[tid]
        freeTask(tid)
        let id = Int(task.transfer)
        guard !ops.transfers[id].finished else { return }
        if task.shard < 0 {
            ops.transfers[id].indexParts -= 1
            return ops.transfers[id].indexParts > 0 ? () : transferStep(id, &s)
        }
        let k = Int(task.shard)
        ops.transfers[id].streams[k].parts -= 1
        guard ops.transfers[id].streams[k].parts == 0 else { return }
        if ops.transfers[id].streams[k].left > 0 {
            startChunk(id, stream: k, &s)
        } else {
            startStreams(id, &s)
        }
    }
}
