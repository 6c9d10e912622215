import ClusterModel
import Planner
import Runbook
import SimCore

/// Shard moves, splits, reference-table copies and clones as phases that use the cluster's
/// CPUs, disks and NICs alongside the foreground queries (model in `OperationsSpec` and
/// `ShardTransfer`).
extension ClusterSimulation {
    // MARK: Chains

    mutating func newChain(_ chain: TransferChain) -> Int {
        ops.chains.append(chain)
        return ops.chains.count - 1
    }

    mutating func startChain(_ chain: TransferChain, _ s: inout Scheduler<ClusterEvent>) {
        let c = newChain(chain)
        if case .session = chain.owner { ops.session.holdForTransfers() }
        advanceChain(c, failed: nil, &s)
    }

    /// Starts the chain's next transfer, or ends the chain (at the first error, as Citus
    /// stops a rebalance at the first failed move).
    mutating func advanceChain(_ c: Int, failed error: String?, _ s: inout Scheduler<ClusterEvent>) {
        if error == nil {
            while ops.chains[c].next < ops.chains[c].items.count {
                let item = ops.chains[c].items[ops.chains[c].next]
                ops.chains[c].next += 1
                do {
                    if try startTransfer(item, mode: ops.chains[c].mode, chain: c, &s) { return }
                } catch {
                    let text = (error as? CitusError)?.description ?? "ERROR:  \(error)"
                    return finishChain(c, error: text, &s)
                }
            }
        }
        finishChain(c, error: error, &s)
    }

    mutating func finishChain(_ c: Int, error: String?, _ s: inout Scheduler<ClusterEvent>) {
        guard !ops.chains[c].done else { return }
        ops.chains[c].done = true
        switch ops.chains[c].owner {
        case .session(let op):
            endOperation(op, at: s.now, error: error)
            _ = ops.session.release()  // nil: a chain's statement is the one just ended
            runSession(&s)
        case .task(let job, let task):
            taskEnded(job: job, task: task, error: error, &s)
        }
    }

    @discardableResult
    mutating func addTransfer(_ transfer: ShardTransfer, at now: SimTime) -> TransferID {
        var t = transfer
        let state = ops.runner.state
        let nodes = nodes
        let name = { (w: WorkerIndex) -> String in
            guard w.isWorker else { return "coordinator" }
            guard let id = nodes.nodeID(ofWorker: w), let n = state.node(id) else { return "shard node \(w)" }
            return n.name
        }
        var source = name(t.source)
        var target = name(t.target)
        if let c = t.kind.conversion {
            source = c.names.joined(separator: ", ")
            target = "\(c.shardCount) shards"
        }
        if t.kind.isClone, let clone = t.planned?.target, let c = ops.runner.clones.first(where: { $0.id == clone }) { target = c.name }
        var task: Int64?
        if case .task(_, let id) = ops.chains[t.chain].owner { task = id }
        ops.log.transfers.append(OperationLog.Transfer(operation: chainOperation(t.chain), task: task, kind: t.kind.name,
                                                       anchorShard: t.anchors.first?.rawValue ?? t.planned?.anchor.rawValue ?? 0,
                                                       source: source, target: target, mode: t.mode.rawValue, bytes: t.bytes, start: now))
        t.log = ops.log.transfers.count - 1
        ops.transfers.append(t)
        let id = TransferID(ops.transfers.count - 1)
        ops.chains[t.chain].active = id
        for a in t.anchors {
            let g = group(of: a)
            if g.isGroup { writeBlocks.track(group: g, transfer: id) }
        }
        return id
    }

    /// The operation a chain belongs to (a job's task: the job's operation).
    func chainOperation(_ c: Int) -> Int {
        switch ops.chains[c].owner {
        case .session(let op): return op
        case .task(let job, _): return ops.jobMonitor.jobs[job].operation
        }
    }

    mutating func beginTransfer(_ transfer: ShardTransfer, shards: [Double], blocks: Bool = true, _ s: inout Scheduler<ClusterEvent>) {
        var t = transfer
        refreshScansOnApply()  // an ALTER TABLE ... REPLICA IDENTITY before the transfer counts from now
        for bytes in shards where bytes > 0 { t.copy.add(bytes: bytes) }
        t.copy.limit = t.kind.isClone ? 1 : max(1, Int(poolSize))
        let id = addTransfer(t, at: s.now)
        if !t.mode.isLogical && blocks { block(transfer: id, at: s.now) }
        if t.mode == .forceLogical {
            for a in t.anchors where group(of: a).isGroup { writeBlocks.failWritesWithoutReplicaIdentity(group: group(of: a)) }
        }
        let costs = scenario.operations
        var overhead = t.mode.isLogical ? costs.logicalOverhead : costs.blockingOverhead
        if t.kind.isMove, case .task = ops.chains[t.chain].owner { overhead = overhead + costs.backgroundTaskOverhead.of(logical: t.mode.isLogical) }
        if t.planned?.inSeparateTransaction == true { overhead = overhead + costs.separateTransactionMoveOverhead.of(logical: t.mode.isLogical) }
        s.schedule(.transferStep, at: s.now + overhead, priority: .control, payload: id.payload)
    }

    // MARK: Phases

    /// The current phase of transfer `id` is over.
    mutating func transferStep(_ id: TransferID, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops.transfers[id]
        guard !t.finished else { return }
        switch t.phase {
        case .setup:
            ops.transfers[id].phase = .copy
            ops.transfers[id].subscription.atCopyStart = t.kind.isClone ? .init(wal: workerWAL(t.source), scan: 0) : position(of: id)
            ops.log.transfers[t.log].copyStart = s.now
            startStreams(id, &s)
        case .copy:
            ops.log.transfers[t.log].copyEnd = s.now
            if t.kind.isClone {
                // Streaming: the WAL written to the primary during the backup replays at the physical apply rate.
                let lag = SimDuration(seconds: (workerWAL(t.source) - t.subscription.atCopyStart.wal) / scenario.operations.physicalApplyBytesPerSecond)
                ops.transfers[id].phase = .catchUp2
                s.schedule(.transferStep, at: s.now + lag, priority: .control, payload: id.payload)
            } else if t.mode.isLogical {
                ops.transfers[id].phase = .catchUp1
                ops.transfers[id].subscription.beginCatchUp(at: s.now)
                beginWait(id, &s)
            } else {
                buildIndexes(id, &s)
            }
        case .catchUp1:
            buildIndexes(id, &s)
        case .indexes:
            ops.log.transfers[t.log].indexEnd = s.now
            if t.kind.isClone || !t.mode.isLogical { return commit(id, &s) }
            ops.transfers[id].phase = .catchUp2
            beginWait(id, &s)
        case .catchUp2:
            if t.kind.isClone { return commit(id, &s) }
            ops.log.transfers[t.log].catchUpEnd = s.now
            ops.transfers[id].phase = .blocked
            block(transfer: id, at: s.now)
            beginWait(id, &s)
        case .blocked, .promote:
            commit(id, &s)
        case .done:
            break
        }
    }

    /// Index and constraint build on the target: CPU for the tables' secondary indexes.
    mutating func buildIndexes(_ id: TransferID, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops.transfers[id]
        ops.transfers[id].phase = .indexes
        ops.log.transfers[t.log].indexStart = s.now
        if let copy = t.kind.schemaCopy {
            // The receiving side (a worker, or the coordinator at `none`) builds the tables' indexes.
            guard copy.indexWork > 0 else { return transferStep(id, &s) }
            ops.transfers[id].indexParts = 1
            let task = newTask(TaskRecord(worker: t.target, pool: .none, stage: .copy, transfer: id))
            cpu[nodes.node(ofWorker: t.target).index].arrive(job: task.raw, work: SimDuration(seconds: copy.indexWork), at: s.now)
            armCPU(nodes.node(ofWorker: t.target), &s)
            return
        }
        if let conversion = t.kind.conversion {
            // Every worker builds the indexes of its new shards at once.
            for (w, work) in conversion.indexWork.enumerated() where work > 0 {
                ops.transfers[id].indexParts += 1
                let task = newTask(TaskRecord(worker: WorkerIndex(w), pool: .none, stage: .copy, transfer: id))
                cpu[nodes.node(ofWorker: WorkerIndex(w)).index].arrive(job: task.raw, work: SimDuration(seconds: work), at: s.now)
                armCPU(nodes.node(ofWorker: WorkerIndex(w)), &s)
            }
            if ops.transfers[id].indexParts == 0 { transferStep(id, &s) }
            return
        }
        var work = 0.0
        if let anchor = t.anchors.first, t.kind.isMove || t.kind.isSplit {
            for m in placement.members[group(of: anchor).index] where scenario.tables[m.table].secondaryIndexes > 0 && ops.sizes.isSized(table: m.table) {
                work += ops.sizes[table: m.table, shard: m.shard] / 1_073_741_824 * Double(scenario.tables[m.table].secondaryIndexes) * scenario.operations.indexBuildSecondsPerGiB
            }
        }
        guard work > 0 else { return transferStep(id, &s) }
        ops.transfers[id].indexParts = 1
        let task = newTask(TaskRecord(worker: t.target, pool: .none, stage: .copy, transfer: id))
        cpu[nodes.node(ofWorker: t.target).index].arrive(job: task.raw, work: SimDuration(seconds: work), at: s.now)
        armCPU(nodes.node(ofWorker: t.target), &s)
    }

    /// WAL written so far to the groups on worker `w`, bytes (a clone's physical stream).
    func workerWAL(_ w: WorkerIndex) -> Double {
        replication.position(ofGroups: placement.groups(onWorker: w).lazy.map(\.group)).wal
    }

    /// The transfer's groups' change stream so far (`LogicalReplication`).
    func position(of id: TransferID) -> LogicalReplication.Position {
        replication.position(ofGroups: ops.transfers[id].anchors.lazy.map { group(of: $0) })
    }

    /// Which query classes' changes the apply worker finds by scanning, from the tables that
    /// have REPLICA IDENTITY FULL and no primary key now.
    mutating func refreshScansOnApply() {
        replication.scansOnApply = classes.map { c in
            (c.command == .update || c.command == .delete) && ops.runner.replicaIdentityFull.contains(c.table)
        }
    }

    /// A catch-up wait: until the target has applied the source's WAL position now. Citus
    /// checks at once and then every second (FACTS D.3); the model charges the first second
    /// always, because the source's current LSN includes WAL of its other shards, which the
    /// target's confirmed LSN passes only at a later report (an assumption: an idle cluster's
    /// move is faster, as the lab's single moves show).
    mutating func beginWait(_ id: TransferID, _ s: inout Scheduler<ClusterEvent>) {
        ops.transfers[id].subscription.waitTarget = position(of: id).wal
        s.schedule(.transferPoll, at: s.now + .seconds(1), priority: .control, payload: id.payload)
    }

    mutating func transferPoll(_ id: TransferID, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops.transfers[id]
        guard !t.finished else { return }
        if replication.advance(&ops.transfers[id].subscription, towards: position(of: id), at: s.now) {
            return transferStep(id, &s)
        }
        if replication.timedOut(t.subscription, at: s.now) {
            return failTransfer(id, error: replication.timeoutError(target: ops.log.transfers[t.log].target).description, &s)
        }
        s.schedule(.transferPoll, at: s.now + .seconds(1), priority: .control, payload: id.payload)
    }

    // MARK: Ending

    /// The metadata change: placements move (or split, or the clone takes its groups).
    mutating func commit(_ id: TransferID, _ s: inout Scheduler<ClusterEvent>) {
        let t = ops.transfers[id]
        var resumed: [RequestID] = []
        switch t.kind {
        case .move:
            let item = t.planned!
            ops.runner.state.moveShardGroup(of: item.anchor, from: item.source, to: item.target)
            commitMove(group: group(of: item.anchor), from: t.source, to: t.target)
            ops.sizes.landed(t.bytes, on: t.target)
            s.schedule(.deferredDrop, at: s.now + scenario.operations.deferredDropInterval, priority: .control, payload: id.payload)
        case .referenceTables:
            ops.runner.state.ensureReferenceTablesOnAllNodes()
            ops.sizes.landed(t.bytes, on: t.target)
        case .split(let plan):
            // The old group disappears: its parked writes resume on the children.
            for a in t.anchors where group(of: a).isGroup {
                let g = group(of: a)
                resumed += release(group: g, transfer: id, at: s.now)
                writeBlocks.transferEnded(id, group: g)  // its publication goes with the old group
            }
            ops.runner.state.apply(plan)
            do { try rebuildPlacement() } catch { return failTransfer(id, error: "ERROR:  \(error)", &s) }
        case .convert:
            if let error = commitConversion(id, at: s.now) { return failTransfer(id, error: error, &s) }
        case .distributeSchema(let copy), .undistributeSchema(let copy):
            let g = copy.group
            if g.isGroup {
                resumed += release(group: g, transfer: id, at: s.now)
            }
            if let error = commitSchemaConversion(id) {
                for rid in resumed { resume(request: rid, &s) }
                return failTransfer(id, error: error, &s)
            }
        case .clone(let promotion):
            if let promotion {
                for a in t.anchors where group(of: a).isGroup {
                    let g = group(of: a)
                    resumed += release(group: g, transfer: id, at: s.now)
                }
                do {
                    try ops.runner.promote(clone: promotion.clone, plan: promotion.plan)
                    try rebuildPlacement()
                } catch {
                    return failTransfer(id, error: (error as? CitusError)?.description ?? "ERROR:  \(error)", &s)
                }
                ops.sizes.promoted(clone: t.target, primary: t.source)
            } else {
                ops.sizes.cloned(t.bytes, onto: t.target)
            }
        }
        endTransfer(id, status: "done", error: nil, &s)
        for rid in resumed { resume(request: rid, &s) }
    }

    mutating func failTransfer(_ id: TransferID, error: String, _ s: inout Scheduler<ClusterEvent>) {
        endTransfer(id, status: "error", error: error, &s)
    }

    mutating func endTransfer(_ id: TransferID, status: String, error: String?, _ s: inout Scheduler<ClusterEvent>) {
        guard !ops.transfers[id].finished else { return }
        ops.transfers[id].finished = true
        ops.transfers[id].phase = .done
        let t = ops.transfers[id]
        if t.blocked { unblock(transfer: id, &s) }
        if t.kind.conversion != nil { unblockTables(transfer: id, &s) }
        for a in t.anchors where group(of: a).isGroup {
            let g = group(of: a)
            writeBlocks.transferEnded(id, group: g)
        }
        let log = t.log
        ops.log.transfers[log].end = s.now
        ops.log.transfers[log].status = status
        ops.log.transfers[log].error = error
        let op = chainOperation(t.chain)
        if status == "done" { ops.log.operations[op].bytesCopied += t.bytes }  // a promotion's bytes are 0: it copies nothing
        if let start = ops.log.transfers[log].blockStart {
            ops.log.operations[op].writeBlockedGroupSeconds += (s.now - start).seconds * Double(t.blockedGroups)
        }
        if status == "done" {
            advanceChain(t.chain, failed: nil, &s)
        } else if status == "error" {
            finishChain(t.chain, error: error, &s)
        }
    }

    /// The source's old copy is dropped (deferred drop).
    mutating func deferredDrop(_ id: TransferID) {
        let t = ops.transfers[id]
        ops.sizes.dropped(t.bytes, from: t.source)
    }
}
