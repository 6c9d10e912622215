import SimCore

/// What operations do to foreground queries after planning: writes to a blocked shard group
/// wait (FACTS D.3 step 7, D.4), UPDATE/DELETE on a table without a replica identity fail
/// during a force_logical transfer, and queries that need a failed node fail or wait.
/// Reads are never blocked by a move (FACTS D.5).
extension ClusterSimulation {
    /// Dispatches a planned request unless an operation holds it back; called only with a timeline.
    mutating func dispatchOrHold(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[rid]
        let cls = r.cls
        let table = profile[cls].table
        // Shards the request touches: the tenant's, or all of the table's.
        let first: Int, count: Int
        if profile[cls].singleTenant {
            first = placement.offset[table] + placement.shard(table: table, tenant: r.tenant).index
            count = 1
        } else {
            first = placement.offset[table]
            count = placement.shardCount(ofTable: table)
        }
        for f in first..<(first + count) {
            let w = placement.worker[f]
            guard w.isWorker else { continue }  // none: local tables on the coordinator
            switch health.admit(rid, worker: w) {
            case .proceeds:
                continue
            case .parked:
                retain(request: rid)
            case .fails:
                metrics.failedOnDownNode += 1
                answer(request: rid, outcome: .error, &s)
            }
            return
        }
        if profile[cls].isWrite && writeBlocks.admit(rid, table: table, at: s.now) {
            retain(request: rid)  // parked on the table's lock
            return
        }
        if profile[cls].isWrite {
            for f in first..<(first + count) {
                switch writeBlocks.admit(rid, group: placement.group[f], needsReplicaIdentity: profile[cls].failsWithoutReplicaIdentity, at: s.now) {
                case .proceeds:
                    continue
                case .parked:
                    retain(request: rid)
                    return
                case .fails(let t):
                    // PostgreSQL: "cannot update table ... because it does not have a replica identity and publishes updates".
                    if t.isTransfer { ops.log.transfers[ops.transfers[t].log].writesFailed += 1 }
                    answer(request: rid, outcome: .error, &s)
                    return
                }
            }
        }
        if profile[cls].singleTenant { routerDispatch(request: rid, &s) } else { fanOut(request: rid, &s) }
    }

    /// A held request may go on (its group was unblocked, or its node is back).
    mutating func resume(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        if requests[rid].active && !requests[rid].answered { dispatchOrHold(request: rid, &s) }
        release(request: rid)
    }
}
