import SimCore

/// Writes held by a transfer (`WriteBlocks`): a transfer's shard groups block their writes
/// (block_writes for the whole copy, logical moves and splits at the end), and when it unblocks
/// the writes that waited go on, their waits recorded on the transfer.
extension ClusterSimulation {
    mutating func block(transfer id: TransferID, at now: SimTime) {
        guard !ops.transfers[id].blocked else { return }
        ops.transfers[id].blocked = true
        ops.log.transfers[ops.transfers[id].log].blockStart = now
        for a in ops.transfers[id].anchors {
            let g = group(of: a)
            if g.isGroup { writeBlocks.block(group: g) }
        }
    }

    /// Unblocks the transfer's groups and resumes the writes that waited.
    mutating func unblock(transfer id: TransferID, _ s: inout Scheduler<ClusterEvent>) {
        var resumed: [RequestID] = []
        for a in ops.transfers[id].anchors {
            let g = group(of: a)
            guard g.isGroup else { continue }
            resumed += charge(writeBlocks.unblock(group: g), to: id, at: s.now)
        }
        ops.transfers[id].blocked = false
        for rid in resumed { resume(request: rid, &s) }
    }

    /// A group the transfer held is free again before the metadata changes under it (a split,
    /// a promotion, a schema conversion): its parked writes are returned for the caller to
    /// resume once the new placement is in place.
    mutating func release(group g: ShardGroupIndex, transfer id: TransferID, at now: SimTime) -> [RequestID] {
        charge(writeBlocks.release(group: g), to: id, at: now)
    }

    /// Records the parked writes' waits on the transfer; returns their requests.
    mutating func charge(_ parked: [WriteBlocks.Parked], to id: TransferID, at now: SimTime) -> [RequestID] {
        let log = ops.transfers[id].log
        for p in parked {
            ops.log.transfers[log].writeBlockedSeconds += (now - p.since).seconds
            ops.log.transfers[log].writesDelayed += 1
        }
        return parked.map(\.request)
    }
}
