import SimCore

/// Writes blocked by a transfer: a transfer's shard groups block their writes (block_writes for
/// the whole copy, logical moves and splits at the end), the writes wait parked on their group,
/// and go on when the transfer unblocks (their waits recorded on the transfer).
extension ClusterSimulation {
    mutating func block(transfer id: Int, at now: SimTime) {
        guard !ops.transfers[id].blocked else { return }
        ops.transfers[id].blocked = true
        ops.log.transfers[ops.transfers[id].log].blockStart = now
        for a in ops.transfers[id].anchors {
            let g = group(of: a)
            if g >= 0 { groupBlocked[Int(g)] = true }
        }
    }

    /// Unblocks the transfer's groups and resumes the writes that waited.
    mutating func unblock(transfer id: Int, _ s: inout Scheduler<ClusterEvent>) {
        var resumed: [RequestID] = []
        for a in ops.transfers[id].anchors {
            let g = Int(group(of: a))
            guard g >= 0 else { continue }
            groupBlocked[g] = false
            groupNoReplicaIdentityFails[g] = false
            ops.groupTransfer[g] = -1
            resumed += takeParked(group: g, transfer: id, at: s.now)
        }
        ops.transfers[id].blocked = false
        for rid in resumed { resume(request: rid, &s) }
    }

    /// A group the transfer held is free again before the metadata changes under it (a split,
    /// a promotion, a schema conversion): unblocked, untracked, its parked writes returned for
    /// the caller to resume once the new placement is in place.
    mutating func release(group g: Int, transfer id: Int, at now: SimTime) -> [RequestID] {
        groupBlocked[g] = false
        ops.groupTransfer[g] = -1
        return takeParked(group: g, transfer: id, at: now)
    }

    /// Parked writes of a group, with their wait recorded on the transfer.
    mutating func takeParked(group g: Int, transfer id: Int, at now: SimTime) -> [RequestID] {
        let parked = ops.parkedWrites[g]
        ops.parkedWrites[g] = []
        let log = ops.transfers[id].log
        for p in parked {
            ops.log.transfers[log].writeBlockedSeconds += (now - p.since).seconds
            ops.log.transfers[log].writesDelayed += 1
        }
        return parked.map(\.request)
    }
}
