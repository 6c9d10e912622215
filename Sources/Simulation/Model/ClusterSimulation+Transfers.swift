import ClusterModel
import Planner
import Runbook
import SimCore

/// Shard moves, splits, reference-table copies and clones as phases that use the cluster's
/// CPUs, disks and NICs alongside the foreground queries (model in `OperationsSpec` and
/// `ActiveTransfer`).
extension ClusterSimulation {
    // MARK: Chains

    mutating func newChain(_ chain: TransferChain) -> Int {
        ops!.chains.append(chain)
        return ops!.chains.count - 1
    }

    mutating func startChain(_ chain: TransferChain, _ s: inout Scheduler<ClusterEvent>) {
        let c = newChain(chain)
        if case .session = chain.owner { ops!.sessionBusy = true }
        advanceChain(c, failed: nil, &s)
    }

    /// Starts the chain's next transfer, or ends the chain (at the first error, as Citus
    /// stops a rebalance at the first failed move).
    mutating func advanceChain(_ c: Int, failed error: String?, _ s: inout Scheduler<ClusterEvent>) {
        if error == nil {
            while ops!.chains[c].next < ops!.chains[c].items.count {
                let item = ops!.chains[c].items[ops!.chains[c].next]
                ops!.chains[c].next += 1
                do {
                    if try startTransfer(item, mode: ops!.chains[c].mode, chain: c, &s) { return }
                } catch {
                    let text = (error as? CitusError)?.description ?? "ERROR:  \(error)"
                    return finishChain(c, error: text, &s)
                }
            }
        }
        finishChain(c, error: error, &s)
    }

    mutating func finishChain(_ c: Int, error: String?, _ s: inout Scheduler<ClusterEvent>) {
        guard !ops!.chains[c].done else { return }
        ops!.chains[c].done = true
        switch ops!.chains[c].owner {
        case .session(let op):
            endOperation(op, at: s.now, error: error)
            ops!.sessionBusy = false
            runSession(&s)
        case .task(let job, let task):
            taskEnded(job: job, task: task, error: error, &s)
        }
    }

    // MARK: Starting transfers

    /// Starts one planned transfer; false when there is nothing to do (already moved).
    /// Throws Citus's error when a pre-check fails at this instant.
    mutating func startTransfer(_ item: PlannedTransfer, mode: TransferMode, chain: Int, _ s: inout Scheduler<ClusterEvent>) throws -> Bool {
        let source = ops!.workerOfNode[Int(item.source.rawValue)], target = ops!.workerOfNode[Int(item.target.rawValue)]
        switch item.kind {
        case .referenceTables:
            let bytes = scenario.tables.filter { $0.kind == .reference }.reduce(0) { $0 + $1.referenceBytes }
            // The source may be the coordinator (index −1: node 0), which holds reference tables too.
            guard target >= 0 else { return false }
            beginTransfer(ActiveTransfer(kind: .referenceTables, log: -1, chain: chain, mode: .blockWrites, planned: item, source: source, target: target,
                                         anchors: [], bytes: bytes), shards: [bytes], &s)
            return true
        case .move:
            guard try ops!.runner.checkMove(item.anchor, from: item.source, to: item.target, mode: mode) else {
                flushMessages(from: ops!.runner.messages.count - 1, at: s.now)
                return false
            }
            let g = group(of: item.anchor)
            guard g >= 0, source >= 0, target >= 0 else { throw CitusError("could not find valid entry for shard \(item.anchor)") }
            if ops!.groupTransfer[Int(g)] >= 0 {
                throw CitusError("could not acquire the lock required to move shard \(item.anchor)",
                                 detail: "Another operation is moving or splitting the same shard group.")
            }
            let shards = groupBytes(g)
            let size = shards.reduce(0, +)
            let disk = scenario.cluster.spec(ofShardNode: Int(target)).diskBytes
            let after = disk - ops!.diskUsed[Int(target)] - size
            if after < disk * 0.10 {
                throw CitusError(
                    "not enough empty space on node if the shard is moved, actual available space after move will be \(Int64(max(0, after))) bytes, desired available space after move is \(Int64(disk * 0.10)) bytes, estimated size increase on node after move is \(Int64(size)) bytes.",
                    hint: "consider lowering citus.desired_percent_disk_available_after_move.")
            }
            beginTransfer(ActiveTransfer(kind: .move, log: -1, chain: chain, mode: mode, planned: item, source: source, target: target,
                                         anchors: [item.anchor], bytes: size), shards: shards, &s)
            return true
        }
    }

    /// A split of a shard group on its node: children are written on the same node.
    mutating func startSplit(_ plan: SplitPlan, mode: TransferMode, chain: Int, _ s: inout Scheduler<ClusterEvent>) {
        let anchor = plan.sources[0]
        let g = group(of: anchor)
        let node = g >= 0 ? shardWorkerFlat[flatShard(anchor)] : -1
        guard g >= 0, node >= 0 else { return finishChain(chain, error: "ERROR:  could not find valid entry for shard \(anchor)", &s) }
        let shards = groupBytes(g)
        beginTransfer(ActiveTransfer(kind: .split, log: -1, chain: chain, mode: mode, split: plan, source: node, target: node,
                                     anchors: [anchor], bytes: shards.reduce(0, +)), shards: shards, &s)
    }

    /// A base backup of `primary` to the clone's spare worker, then streaming.
    mutating func startClone(clone: NodeID, primary: NodeID, chain: Int, _ s: inout Scheduler<ClusterEvent>) {
        let source = ops!.workerOfNode[Int(primary.rawValue)], target = ops!.workerOfNode[Int(clone.rawValue)]
        guard source >= 0, target >= 0 else {
            return finishChain(chain, error: "ERROR:  citus-sim has no spare worker for this clone (add it with a new host name)", &s)
        }
        let bytes = ops!.diskUsed[Int(source)]
        // pg_basebackup: one stream of files, bounded by the disks and the NIC; its CPU per byte
        // is a fraction of COPY's (`OperationsSpec.baseBackupCPUShare`).
        var t = ActiveTransfer(kind: .clone, log: -1, chain: chain, mode: .blockWrites, planned: PlannedTransfer(kind: .move, anchor: ShardID(0), source: primary, target: clone),
                               source: source, target: target, anchors: [], bytes: bytes)
        t.cpuShare = scenario.operations.baseBackupCPUShare
        beginTransfer(t, shards: [bytes], blocks: false, &s)
    }

    /// `citus_promote_clone_and_rebalance`: writes to every group on the primary are
    /// blocked, the clone catches up (checked every 5 s), is promoted, takes its groups.
    mutating func startPromotion(clone: NodeID, plan: [CloneSplitPlanner.Row], chain: Int, _ s: inout Scheduler<ClusterEvent>) {
        guard let primary = ops!.runner.clones.first(where: { $0.id == clone })?.primary else {
            return finishChain(chain, error: "ERROR:  clone node with id \(clone.rawValue) does not exist", &s)
        }
        let source = ops!.workerOfNode[Int(primary.rawValue)], target = ops!.workerOfNode[Int(clone.rawValue)]
        var anchors: [ShardID] = []
        var seen: [Int32] = []
        for f in shardWorkerFlat.indices where shardWorkerFlat[f] == source && !seen.contains(shardGroupFlat[f]) {
            seen.append(shardGroupFlat[f])
            anchors.append(ops!.shardIDFlat[f])
        }
        var t = ActiveTransfer(kind: .clone, log: -1, chain: chain, mode: .blockWrites, planned: PlannedTransfer(kind: .move, anchor: ShardID(0), source: primary, target: clone),
                               source: source, target: target, anchors: anchors, bytes: 0)
        t.promotionPlan = plan
        t.promotionClone = clone
        let id = addTransfer(t, at: s.now)
        block(transfer: id, at: s.now)
        ops!.transfers[id].phase = .promote
        // Lag is checked every 5 s; in-flight WAL means the first check finds some.
        s.schedule(.transferStep, at: s.now + .seconds(5) + scenario.operations.promotionTime, priority: .control, payload: UInt32(id))
    }

    @discardableResult
    mutating func addTransfer(_ transfer: ActiveTransfer, at now: SimTime) -> Int {
        var t = transfer
        let state = ops!.runner.state
        let nodeOfWorker = ops!.nodeOfWorker
        let name = { (w: Int32) -> String in
            guard w >= 0 else { return "coordinator" }
            guard let id = nodeOfWorker[Int(w)], let n = state.node(id) else { return "shard node \(w)" }
            return n.name
        }
        var source = name(t.source)
        var target = name(t.target)
        if t.kind == .convert {
            source = t.convertNames.joined(separator: ", ")
            target = "\(t.convertShardCount) shards"
        }
        if t.kind == .clone, let clone = t.planned?.target, let c = ops!.runner.clones.first(where: { $0.id == clone }) { target = c.name }
        var task: Int64?
        if case .task(_, let id) = ops!.chains[t.chain].owner { task = id }
        ops!.log.transfers.append(OperationLog.Transfer(operation: chainOperation(t.chain), task: task, kind: t.kind.rawValue,
                                                        anchorShard: t.anchors.first?.rawValue ?? t.planned?.anchor.rawValue ?? 0,
                                                        source: source, target: target, mode: t.mode.rawValue, bytes: t.bytes, start: now))
        t.log = ops!.log.transfers.count - 1
        ops!.transfers.append(t)
        let id = ops!.transfers.count - 1
        ops!.chains[t.chain].active = Int32(id)
        for a in t.anchors {
            let g = Int(group(of: a))
            if g >= 0 { ops!.groupTransfer[g] = Int32(id) }
        }
        return id
    }

    /// The operation a chain belongs to (a job's task: the job's operation).
    func chainOperation(_ c: Int) -> Int {
        switch ops!.chains[c].owner {
        case .session(let op): return op
        case .task(let job, _): return ops!.jobs[job].operation
        }
    }

    mutating func beginTransfer(_ transfer: ActiveTransfer, shards: [Double], blocks: Bool = true, _ s: inout Scheduler<ClusterEvent>) {
        var t = transfer
        t.pendingShards = shards.filter { $0 > 0 }
        t.maxStreams = t.kind == .clone ? 1 : max(1, Int(poolSize))
        let id = addTransfer(t, at: s.now)
        if !t.mode.isLogical && blocks { block(transfer: id, at: s.now) }
        if t.mode == .forceLogical {
            for a in t.anchors where group(of: a) >= 0 { groupNoReplicaIdentityFails[Int(group(of: a))] = true }
        }
        let costs = scenario.operations
        var overhead = t.mode.isLogical ? costs.logicalOverhead : costs.blockingOverhead
        if t.kind == .move, case .task = ops!.chains[t.chain].owner { overhead = overhead + costs.backgroundTaskOverhead.of(logical: t.mode.isLogical) }
        if t.planned?.inSeparateTransaction == true { overhead = overhead + costs.separateTransactionMoveOverhead.of(logical: t.mode.isLogical) }
        s.schedule(.transferStep, at: s.now + overhead, priority: .control, payload: UInt32(id))
    }

    // MARK: Phases

    /// The current phase of transfer `id` is over.
    mutating func transferStep(_ id: Int, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops!.transfers[id]
        guard !t.finished else { return }
        switch t.phase {
        case .setup:
            ops!.transfers[id].phase = .copy
            ops!.transfers[id].walAtCopyStart = t.kind == .clone ? workerWAL(t.source) : wal(of: id)
            ops!.log.transfers[t.log].copyStart = s.now
            startStreams(id, &s)
        case .copy:
            ops!.log.transfers[t.log].copyEnd = s.now
            if t.kind == .clone {
                // Streaming: the WAL written to the primary during the backup replays at the physical apply rate.
                let lag = SimDuration(seconds: (workerWAL(t.source) - t.walAtCopyStart) / scenario.operations.physicalApplyBytesPerSecond)
                ops!.transfers[id].phase = .catchUp2
                s.schedule(.transferStep, at: s.now + lag, priority: .control, payload: UInt32(id))
            } else if t.mode.isLogical {
                ops!.transfers[id].phase = .catchUp1
                ops!.transfers[id].catchUpStart = s.now
                ops!.transfers[id].applied = t.walAtCopyStart
                ops!.transfers[id].appliedAt = s.now
                beginWait(id, &s)
            } else {
                buildIndexes(id, &s)
            }
        case .catchUp1:
            buildIndexes(id, &s)
        case .indexes:
            ops!.log.transfers[t.log].indexEnd = s.now
            if t.kind == .clone || !t.mode.isLogical { return commit(id, &s) }
            ops!.transfers[id].phase = .catchUp2
            beginWait(id, &s)
        case .catchUp2:
            if t.kind == .clone { return commit(id, &s) }
            ops!.log.transfers[t.log].catchUpEnd = s.now
            ops!.transfers[id].phase = .blocked
            block(transfer: id, at: s.now)
            beginWait(id, &s)
        case .blocked, .promote:
            commit(id, &s)
        case .done:
            break
        }
    }

    /// Index and constraint build on the target: CPU for the tables' secondary indexes.
    mutating func buildIndexes(_ id: Int, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops!.transfers[id]
        ops!.transfers[id].phase = .indexes
        ops!.log.transfers[t.log].indexStart = s.now
        if t.kind == .convert {
            // Every worker builds the indexes of its new shards at once.
            for (w, work) in t.convertIndexWork.enumerated() where work > 0 {
                ops!.transfers[id].indexParts += 1
                let task = newTask(TaskRecord(request: UInt32(id), worker: Int32(w), shard: -1, pool: -1, stage: .copy))
                cpu[node(ofWorker: w)].arrive(job: task, work: SimDuration(seconds: work), at: s.now)
                armCPU(node(ofWorker: w), &s)
            }
            if ops!.transfers[id].indexParts == 0 { transferStep(id, &s) }
            return
        }
        var work = 0.0
        if let anchor = t.anchors.first, t.kind == .move || t.kind == .split {
            let g = group(of: anchor)
            for (ti, spec) in scenario.tables.enumerated() where spec.secondaryIndexes > 0 && !ops!.shardBytes[ti].isEmpty {
                for sh in ops!.shardBytes[ti].indices where shardGroupFlat[shardOffset[ti] + sh] == g {
                    work += ops!.shardBytes[ti][sh] / 1_073_741_824 * Double(spec.secondaryIndexes) * scenario.operations.indexBuildSecondsPerGiB
                }
            }
        }
        guard work > 0 else { return transferStep(id, &s) }
        ops!.transfers[id].indexParts = 1
        let task = newTask(TaskRecord(request: UInt32(id), worker: t.target, shard: -1, pool: -1, stage: .copy))
        cpu[node(ofWorker: Int(t.target))].arrive(job: task, work: SimDuration(seconds: work), at: s.now)
        armCPU(node(ofWorker: Int(t.target)), &s)
    }

    /// WAL written so far to the groups on worker `w`, bytes.
    func workerWAL(_ w: Int32) -> Double {
        var seen = Set<Int32>(), sum = 0.0  // membership only
        for f in shardWorkerFlat.indices where shardWorkerFlat[f] == w && seen.insert(shardGroupFlat[f]).inserted { sum += groupWAL[Int(shardGroupFlat[f])] }
        return sum
    }

    /// WAL written so far to the transfer's groups, bytes.
    func wal(of id: Int) -> Double {
        ops!.transfers[id].anchors.reduce(0) { sum, a in
            let g = group(of: a)
            return sum + (g >= 0 ? groupWAL[Int(g)] : 0)
        }
    }

    /// A catch-up wait: until the target has applied the source's WAL position now. Citus
    /// checks at once and then every second (FACTS D.3); the model charges the first second
    /// always, because the source's current LSN includes WAL of its other shards, which the
    /// target's confirmed LSN passes only at a later report (an assumption: an idle cluster's
    /// move is faster, as the lab's single moves show).
    mutating func beginWait(_ id: Int, _ s: inout Scheduler<ClusterEvent>) {
        ops!.transfers[id].waitTarget = wal(of: id)
        s.schedule(.transferPoll, at: s.now + .seconds(1), priority: .control, payload: UInt32(id))
    }

    mutating func transferPoll(_ id: Int, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops!.transfers[id]
        guard !t.finished else { return }
        let apply = scenario.operations.logicalApplyBytesPerSecond
        let applied = min(wal(of: id), t.applied + apply * (s.now - t.appliedAt).seconds)
        ops!.transfers[id].applied = applied
        ops!.transfers[id].appliedAt = s.now
        if applied >= t.waitTarget {
            return transferStep(id, &s)
        }
        let timeout = scenario.operations.logicalReplicationTimeout
        if s.now - t.catchUpStart >= timeout {
            let target = ops!.log.transfers[t.log].target
            let error = CitusError("The logical replication waiting timeout of \(timeout.microseconds / 1_000) msec is exceeded",
                                   detail: "The LSN on the target subscription hasn't caught up ready on the target node \(target):5432",
                                   hint: "There might have occurred problems on the target node. If not consider using higher values for citus.logical_replication_error_timeout")
            return failTransfer(id, error: error.description, &s)
        }
        s.schedule(.transferPoll, at: s.now + .seconds(1), priority: .control, payload: UInt32(id))
    }

    // MARK: Copy streams

    mutating func startStreams(_ id: Int, _ s: inout Scheduler<ClusterEvent>) {
        while !ops!.transfers[id].pendingShards.isEmpty {
            let slot = ops!.transfers[id].streams.firstIndex { $0.left <= 0 && $0.parts == 0 }
            guard slot != nil || ops!.transfers[id].streams.count < ops!.transfers[id].maxStreams else { break }
            let bytes = ops!.transfers[id].pendingShards.removeFirst()
            let k: Int
            if let slot { k = slot; ops!.transfers[id].streams[k] = (bytes, 0) } else { k = ops!.transfers[id].streams.count; ops!.transfers[id].streams.append((bytes, 0)) }
            if !ops!.transfers[id].pendingEnds.isEmpty {
                let end = ops!.transfers[id].pendingEnds.removeFirst()
                if k < ops!.transfers[id].streamEnds.count { ops!.transfers[id].streamEnds[k] = end } else { ops!.transfers[id].streamEnds.append(end) }
            }
            startChunk(id, stream: k, &s)
        }
        if ops!.transfers[id].streams.allSatisfy({ $0.left <= 0 && $0.parts == 0 }) && ops!.transfers[id].pendingShards.isEmpty {
            transferStep(id, &s)
        }
    }

    /// One chunk of a COPY stream: CPU on both sides, a read and a write, the network.
    mutating func startChunk(_ id: Int, stream k: Int, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops!.transfers[id]
        let chunk = min(OperationsSpec.chunkBytes, t.streams[k].left)
        ops!.transfers[id].streams[k].left -= chunk
        let cpuWork = SimDuration(seconds: chunk / scenario.operations.copyBytesPerCoreSecond * t.cpuShare)
        let ios = (chunk / 262_144).rounded(.up)  // 256 KiB sequential I/Os
        var parts: Int32 = 0
        func part(_ node: Int32) -> UInt32 {
            parts += 1
            return newTask(TaskRecord(request: UInt32(id), worker: node, shard: Int32(k), pool: -1, stage: .copy))
        }
        let (from, to) = k < t.streamEnds.count ? t.streamEnds[k] : (t.source, t.target)
        // −1 is the coordinator (reference tables it copies from).
        let src = from < 0 ? 0 : node(ofWorker: Int(from)), dst = to < 0 ? 0 : node(ofWorker: Int(to))
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
            let done = max(s.now, ops!.nicFreeAt[src]) + transfer
            ops!.nicFreeAt[src] = done
            if from >= 0 { metrics.bytesSent[Int(from)] += chunk }
            s.schedule(.copyNetwork, at: done + latency, priority: .completion, payload: part(from))
        }
        ops!.transfers[id].streams[k].parts = parts
    }

    /// A part of a chunk (or the index build) finished.
    mutating func copyPartDone(task tid: UInt32, _ s: inout Scheduler<ClusterEvent>) {
        let task = tasks[Int(tid)]
        freeTask(tid)
        let id = Int(task.request)
        guard !ops!.transfers[id].finished else { return }
        if task.shard < 0 {
            ops!.transfers[id].indexParts -= 1
            return ops!.transfers[id].indexParts > 0 ? () : transferStep(id, &s)
        }
        let k = Int(task.shard)
        ops!.transfers[id].streams[k].parts -= 1
        guard ops!.transfers[id].streams[k].parts == 0 else { return }
        if ops!.transfers[id].streams[k].left > 0 {
            startChunk(id, stream: k, &s)
        } else {
            startStreams(id, &s)
        }
    }

    // MARK: Blocking writes

    mutating func block(transfer id: Int, at now: SimTime) {
        guard !ops!.transfers[id].blocked else { return }
        ops!.transfers[id].blocked = true
        ops!.log.transfers[ops!.transfers[id].log].blockStart = now
        for a in ops!.transfers[id].anchors {
            let g = group(of: a)
            if g >= 0 { groupBlocked[Int(g)] = true }
        }
    }

    /// Unblocks the transfer's groups and resumes the writes that waited.
    mutating func unblock(transfer id: Int, _ s: inout Scheduler<ClusterEvent>) {
        var resumed: [UInt32] = []
        for a in ops!.transfers[id].anchors {
            let g = Int(group(of: a))
            guard g >= 0 else { continue }
            groupBlocked[g] = false
            groupNoReplicaIdentityFails[g] = false
            ops!.groupTransfer[g] = -1
            resumed += takeParked(group: g, transfer: id, at: s.now)
        }
        ops!.transfers[id].blocked = false
        for rid in resumed { resume(request: rid, &s) }
    }

    /// Parked writes of a group, with their wait recorded on the transfer.
    mutating func takeParked(group g: Int, transfer id: Int, at now: SimTime) -> [UInt32] {
        let parked = ops!.parkedWrites[g]
        ops!.parkedWrites[g] = []
        let log = ops!.transfers[id].log
        for p in parked {
            ops!.log.transfers[log].writeBlockedSeconds += (now - p.since).seconds
            ops!.log.transfers[log].writesDelayed += 1
        }
        return parked.map(\.request)
    }

    // MARK: Ending

    /// The metadata change: placements move (or split, or the clone takes its groups).
    mutating func commit(_ id: Int, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops!.transfers[id]
        var resumed: [UInt32] = []
        switch t.kind {
        case .move:
            let item = t.planned!
            ops!.runner.state.moveShardGroup(of: item.anchor, from: item.source, to: item.target)
            commitMove(group: group(of: item.anchor), from: t.source, to: t.target)
            ops!.diskUsed[Int(t.target)] += t.bytes
            s.schedule(.deferredDrop, at: s.now + scenario.operations.deferredDropInterval, priority: .control, payload: UInt32(id))
        case .referenceTables:
            ops!.runner.state.ensureReferenceTablesOnAllNodes()
            ops!.diskUsed[Int(t.target)] += t.bytes
        case .split:
            // The old group disappears: its parked writes resume on the children.
            for a in t.anchors where group(of: a) >= 0 {
                let g = Int(group(of: a))
                resumed += takeParked(group: g, transfer: id, at: s.now)
                groupBlocked[g] = false
                groupNoReplicaIdentityFails[g] = false
                ops!.groupTransfer[g] = -1
            }
            ops!.runner.state.apply(t.split!)
            do { try rebuildPlacement() } catch { return failTransfer(id, error: "ERROR:  \(error)", &s) }
        case .convert:
            if let error = commitConversion(id, at: s.now) { return failTransfer(id, error: error, &s) }
        case .clone:
            if let clone = t.promotionClone {
                for a in t.anchors where group(of: a) >= 0 {
                    let g = Int(group(of: a))
                    resumed += takeParked(group: g, transfer: id, at: s.now)
                    groupBlocked[g] = false
                    ops!.groupTransfer[g] = -1
                }
                do {
                    try ops!.runner.promote(clone: clone, plan: t.promotionPlan ?? [])
                    try rebuildPlacement()
                } catch {
                    return failTransfer(id, error: (error as? CitusError)?.description ?? "ERROR:  \(error)", &s)
                }
                let moved = ops!.diskUsed[Int(t.source)] / 2
                ops!.diskUsed[Int(t.target)] = ops!.diskUsed[Int(t.source)]
                ops!.diskUsed[Int(t.source)] -= moved
            } else {
                ops!.diskUsed[Int(t.target)] = t.bytes
            }
        }
        endTransfer(id, status: "done", error: nil, &s)
        for rid in resumed { resume(request: rid, &s) }
    }

    mutating func failTransfer(_ id: Int, error: String, _ s: inout Scheduler<ClusterEvent>) {
        endTransfer(id, status: "error", error: error, &s)
    }

    mutating func endTransfer(_ id: Int, status: String, error: String?, _ s: inout Scheduler<ClusterEvent>) {
        guard !ops!.transfers[id].finished else { return }
        ops!.transfers[id].finished = true
        ops!.transfers[id].phase = .done
        let t = ops!.transfers[id]
        if t.blocked { unblock(transfer: id, &s) }
        if t.kind == .convert { unblockTables(transfer: id, &s) }
        for a in t.anchors where group(of: a) >= 0 {
            let g = Int(group(of: a))
            groupNoReplicaIdentityFails[g] = false
            if ops!.groupTransfer[g] == Int32(id) { ops!.groupTransfer[g] = -1 }
        }
        let log = t.log
        ops!.log.transfers[log].end = s.now
        ops!.log.transfers[log].status = status
        ops!.log.transfers[log].error = error
        let op = chainOperation(t.chain)
        if status == "done" { ops!.log.operations[op].bytesCopied += t.bytes }  // a promotion's bytes are 0: it copies nothing
        if let start = ops!.log.transfers[log].blockStart {
            ops!.log.operations[op].writeBlockedGroupSeconds += (s.now - start).seconds * Double(t.kind == .convert ? t.convertGroups : t.anchors.count)
        }
        if status == "done" {
            advanceChain(t.chain, failed: nil, &s)
        } else if status == "error" {
            finishChain(t.chain, error: error, &s)
        }
    }

    /// The source's old copy is dropped (deferred drop).
    mutating func deferredDrop(_ id: Int) {
        let t = ops!.transfers[id]
        ops!.diskUsed[Int(t.source)] = max(0, ops!.diskUsed[Int(t.source)] - t.bytes)
    }
}
