import Planner
import SimCore

/// Logical replication of a shard transfer (FACTS D.3), write side and apply side in one place.
///
/// Write side: foreground writes to a shard group add their bytes to the group's WAL, and an
/// UPDATE or DELETE of a table with REPLICA IDENTITY FULL and no primary key adds the shard's
/// size to the bytes the apply worker must scan to find the row (PostgreSQL 15's
/// `RelationFindReplTupleSeq`). Apply side: a transfer's subscription applies the WAL at
/// `OperationsSpec.logicalApplyBytesPerSecond` and scans at
/// `OperationsSpec.fullIdentityScanBytesPerSecond`; a catch-up that has not converged within
/// `citus.logical_replication_timeout` fails. Positions are bytes since the run began.
package struct LogicalReplication {
    /// A place in the groups' change stream: WAL bytes, and bytes the apply worker scans.
    package struct Position: Equatable {
        package var wal: Double
        package var scan: Double
        package init(wal: Double, scan: Double) { self.wal = wal; self.scan = scan }
    }

    /// One transfer's subscription: where the copy began, what the target has applied and
    /// when that was last advanced, the position the current catch-up wait needs and when
    /// catch-up began.
    package struct Subscription: Equatable {
        package var atCopyStart = Position(wal: 0, scan: 0)
        package var applied = Position(wal: 0, scan: 0)
        package var appliedAt = SimTime.zero
        package var waitTarget = 0.0
        package var catchUpStart = SimTime.zero
        package init() {}

        /// The copy is over: apply starts from the position the copy began at.
        package mutating func beginCatchUp(at now: SimTime) {
            catchUpStart = now
            applied = atCopyStart
            appliedAt = now
        }
    }

    /// Per shard group: WAL written by the foreground writes so far, bytes.
    package private(set) var wal: [Double] = []
    /// Per shard group: bytes the apply worker must scan for those writes so far.
    package private(set) var scan: [Double] = []
    /// Per query class: its changes are found by scanning (an UPDATE or DELETE of a table with
    /// REPLICA IDENTITY FULL and no primary key).
    package var scansOnApply: [Bool] = []
    private let applyBytesPerSecond: Double
    private let scanBytesPerSecond: Double
    private let timeout: SimDuration

    package init(operations: OperationsSpec) {
        applyBytesPerSecond = operations.logicalApplyBytesPerSecond
        scanBytesPerSecond = operations.fullIdentityScanBytesPerSecond
        timeout = operations.logicalReplicationTimeout
    }

    /// A new grouping of the shards: every group's stream starts empty.
    package mutating func regroup(groups: Int) {
        wal = Array(repeating: 0, count: groups)
        scan = Array(repeating: 0, count: groups)
    }

    /// Group `g`'s stream as it was (a rebuild carries a group's stream to its new id).
    package mutating func restore(_ position: Position, group g: ShardGroupIndex) {
        wal[g.index] = position.wal
        scan[g.index] = position.scan
    }

    /// A foreground write of `bytes` WAL to group `g`, whose apply scans `scanBytes` (the
    /// changed shard's size when `scansOnApply` says so, else 0).
    @inline(__always)
    package mutating func write(_ bytes: Double, group g: ShardGroupIndex, scanBytes: Double) {
        wal[g.index] += bytes
        scan[g.index] += scanBytes
    }

    /// Group `g`'s stream position.
    package func position(ofGroup g: ShardGroupIndex) -> Position { Position(wal: wal[g.index], scan: scan[g.index]) }

    /// The stream position of a set of groups (`none`: a group that does not exist, skipped).
    package func position(ofGroups groups: some Sequence<ShardGroupIndex>) -> Position {
        var p = Position(wal: 0, scan: 0)
        for g in groups where g.isGroup {
            p.wal += wal[g.index]
            p.scan += scan[g.index]
        }
        return p
    }

    /// Advances the subscription to `now` towards the source's position: the time since the
    /// last advance applies WAL at the apply rate; while changes still need their scans, that
    /// time covers the same share of the WAL and of the scans. True when the target has
    /// reached the wait's target position.
    package func advance(_ sub: inout Subscription, towards source: Position, at now: SimTime) -> Bool {
        let elapsed = (now - sub.appliedAt).seconds
        let pendingScan = source.scan - sub.applied.scan
        if pendingScan > 0 {
            let need = (source.wal - sub.applied.wal) / applyBytesPerSecond + pendingScan / scanBytesPerSecond
            let share = min(1, elapsed / need)
            sub.applied.wal = share >= 1 ? source.wal : sub.applied.wal + share * (source.wal - sub.applied.wal)
            sub.applied.scan += share * pendingScan
        } else {
            sub.applied.wal = min(source.wal, sub.applied.wal + applyBytesPerSecond * elapsed)
        }
        sub.appliedAt = now
        return sub.applied.wal >= sub.waitTarget
    }

    /// Catch-up has run for `citus.logical_replication_timeout` without converging.
    package func timedOut(_ sub: Subscription, at now: SimTime) -> Bool { now - sub.catchUpStart >= timeout }

    /// Citus's error when catch-up times out, naming the target node.
    package func timeoutError(target: String) -> CitusError {
        CitusError("The logical replication waiting timeout of \(timeout.microseconds / 1_000) msec is exceeded",
                   detail: "The LSN on the target subscription hasn't caught up ready on the target node \(target):5432",
                   hint: "There might have occurred problems on the target node. If not consider using higher values for citus.logical_replication_error_timeout")
    }
}
