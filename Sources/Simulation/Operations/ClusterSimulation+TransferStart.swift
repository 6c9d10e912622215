import ClusterModel
import Planner
import Runbook
import SimCore

/// Starting a planned transfer: a move (with Citus's pre-checks at that instant), a split, a
/// clone's base backup, a clone's promotion.
extension ClusterSimulation {
    // MARK: Starting transfers

    /// Starts one planned transfer; false when there is nothing to do (already moved).
    /// Throws Citus's error when a pre-check fails at this instant.
    mutating func startTransfer(_ item: PlannedTransfer, mode: TransferMode, chain: Int, _ s: inout Scheduler<ClusterEvent>) throws -> Bool {
        let source = nodes.worker(ofNode: item.source), target = nodes.worker(ofNode: item.target)
        switch item.kind {
        case .referenceTables:
            let bytes = scenario.tables.filter { $0.kind == .reference }.reduce(0) { $0 + $1.referenceBytes }
            // The source may be the coordinator (`none`: node 0), which holds reference tables too.
            guard target.isWorker else { return false }
            beginTransfer(ShardTransfer(kind: .referenceTables, log: -1, chain: chain, mode: .blockWrites, planned: item, source: source, target: target,
                                         anchors: [], bytes: bytes), shards: [bytes], &s)
            return true
        case .move:
            guard try ops.runner.checkMove(item.anchor, from: item.source, to: item.target, mode: mode) else {
                flushMessages(from: ops.runner.messages.count - 1, at: s.now)
                return false
            }
            let g = group(of: item.anchor)
            guard g.isGroup, source.isWorker, target.isWorker else { throw CitusError("could not find valid entry for shard \(item.anchor)") }
            if writeBlocks.holder(ofGroup: g) != nil {
                throw CitusError("could not acquire the lock required to move shard \(item.anchor)",
                                 detail: "Another operation is moving or splitting the same shard group.")
            }
            let shards = groupBytes(g)
            let size = shards.reduce(0, +)
            let disk = scenario.cluster.spec(ofShardNode: target).diskBytes
            let after = disk - ops.sizes.onDisk[target] - size
            if after < disk * 0.10 {
                throw CitusError(
                    "not enough empty space on node if the shard is moved, actual available space after move will be \(Int64(max(0, after))) bytes, desired available space after move is \(Int64(disk * 0.10)) bytes, estimated size increase on node after move is \(Int64(size)) bytes.",
                    hint: "consider lowering citus.desired_percent_disk_available_after_move.")
            }
            beginTransfer(ShardTransfer(kind: .move, log: -1, chain: chain, mode: mode, planned: item, source: source, target: target,
                                         anchors: [item.anchor], bytes: size), shards: shards, &s)
            return true
        }
    }

    /// A split of a shard group on its node: children are written on the same node.
    mutating func startSplit(_ plan: SplitPlan, mode: TransferMode, chain: Int, _ s: inout Scheduler<ClusterEvent>) {
        let anchor = plan.sources[0]
        let g = group(of: anchor)
        let worker = g.isGroup ? placement.worker[placement.flat(of: anchor)] : WorkerIndex.none
        guard g.isGroup, worker.isWorker else { return finishChain(chain, error: "ERROR:  could not find valid entry for shard \(anchor)", &s) }
        let shards = groupBytes(g)
        beginTransfer(ShardTransfer(kind: .split(plan), log: -1, chain: chain, mode: mode, source: worker, target: worker,
                                     anchors: [anchor], bytes: shards.reduce(0, +)), shards: shards, &s)
    }

    /// A base backup of `primary` to the clone's spare worker, then streaming.
    mutating func startClone(clone: NodeID, primary: NodeID, chain: Int, _ s: inout Scheduler<ClusterEvent>) {
        let source = nodes.worker(ofNode: primary), target = nodes.worker(ofNode: clone)
        guard source.isWorker, target.isWorker else {
            return finishChain(chain, error: "ERROR:  citus-sim has no spare worker for this clone (add it with a new host name)", &s)
        }
        let bytes = ops.sizes.onDisk[source]
        // pg_basebackup: one stream of files, bounded by the disks and the NIC; its CPU per byte
        // is a fraction of COPY's (`OperationsSpec.baseBackupCPUShare`).
        var t = ShardTransfer(kind: .clone(promotion: nil), log: -1, chain: chain, mode: .blockWrites,
                               planned: PlannedTransfer(kind: .move, anchor: ShardID(0), source: primary, target: clone),
                               source: source, target: target, anchors: [], bytes: bytes)
        t.copy.cpuShare = scenario.operations.baseBackupCPUShare
        beginTransfer(t, shards: [bytes], blocks: false, &s)
    }

    /// `citus_promote_clone_and_rebalance`: writes to every group on the primary are
    /// blocked, the clone catches up (checked every 5 s), is promoted, takes its groups.
    mutating func startPromotion(clone: NodeID, plan: [CloneSplitPlanner.Row], chain: Int, _ s: inout Scheduler<ClusterEvent>) {
        guard let primary = ops.runner.clones.first(where: { $0.id == clone })?.primary else {
            return finishChain(chain, error: "ERROR:  clone node with id \(clone.rawValue) does not exist", &s)
        }
        let source = nodes.worker(ofNode: primary), target = nodes.worker(ofNode: clone)
        let anchors = placement.groups(onWorker: source).map { placement.shardIDs[$0.flat] }
        let t = ShardTransfer(kind: .clone(promotion: .init(clone: clone, plan: plan)), log: -1, chain: chain, mode: .blockWrites,
                               planned: PlannedTransfer(kind: .move, anchor: ShardID(0), source: primary, target: clone),
                               source: source, target: target, anchors: anchors, bytes: 0)
        let id = addTransfer(t, at: s.now)
        block(transfer: id, at: s.now)
        ops.transfers[id].phase = .promote
        // Lag is checked every 5 s; in-flight WAL means the first check finds some.
        s.schedule(.transferStep, at: s.now + .seconds(5) + scenario.operations.promotionTime, priority: .control, payload: id.payload)
    }
}
