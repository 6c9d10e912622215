import SimCore

/// The locks that hold foreground writes while operations run (FACTS D.3 step 7, D.4): a
/// transfer's lock on its shard groups (block_writes for the whole copy; logical moves and
/// splits at the end), a force_logical transfer's publication, under which UPDATE and DELETE of
/// tables without a replica identity fail, and alter_distributed_table's lock on its tables.
/// Reads are never held (FACTS D.5).
///
/// A write that meets a lock parks here; the unlock returns the parked writes, each with the
/// instant it parked, for the simulation to resume and to charge to the transfer. Group ids are
/// the dense ids of `PlacementIndex`; a rebuild of the placement carries each group's state to
/// its new id (`state(ofGroup:)`, `restore`).
package struct WriteBlocks {
    /// A parked write and the instant it parked.
    package typealias Parked = (request: RequestID, since: SimTime)

    /// What a write meets at a shard group.
    package enum Admission: Equatable {
        case proceeds
        /// It waits for the group's lock (parked here).
        case parked
        /// An UPDATE or DELETE of a table without a replica identity under a force_logical
        /// transfer (`transfer`, `none` if none tracks the group): PostgreSQL's error.
        case fails(transfer: TransferID)
    }

    /// One group's locks, carried across a rebuild of the placement.
    package struct GroupState {
        package var blocked = false
        package var failsWithoutReplicaIdentity = false
        package var holder = TransferID.none
        package var parked: [Parked] = []
        /// Nothing holds the group.
        package var isIdle: Bool { !blocked && !failsWithoutReplicaIdentity && !holder.isTransfer && parked.isEmpty }
    }

    /// Per shard group: writes wait for a transfer's lock.
    package private(set) var blocked: [Bool] = []
    /// Per shard group: UPDATE and DELETE of tables without a replica identity fail.
    private var failsWithoutReplicaIdentity: [Bool] = []
    /// Per shard group: the transfer holding or tracking it (`none`: none).
    private var holder: [TransferID] = []
    private var parked: [[Parked]] = []
    /// Per scenario table: writes wait for alter_distributed_table's lock.
    package private(set) var tableBlocked: [Bool] = []
    private var parkedOnTable: [[Parked]] = []

    package init() {}

    /// A new grouping of the shards: no group holds anything.
    package mutating func regroup(groups: Int) {
        blocked = Array(repeating: false, count: groups)
        failsWithoutReplicaIdentity = Array(repeating: false, count: groups)
        holder = Array(repeating: .none, count: groups)
        parked = Array(repeating: [], count: groups)
    }

    /// The scenario's tables (a run with a timeline): no table is locked.
    package mutating func setTables(_ count: Int) {
        tableBlocked = Array(repeating: false, count: count)
        parkedOnTable = Array(repeating: [], count: count)
    }

    // MARK: Writes

    /// A write to group `g` at `now`; `needsReplicaIdentity`: an UPDATE or DELETE that fails on a
    /// table without one while a force_logical transfer publishes it.
    @inline(__always)
    package mutating func admit(_ request: RequestID, group g: ShardGroupIndex, needsReplicaIdentity: Bool, at now: SimTime) -> Admission {
        if failsWithoutReplicaIdentity[g.index] && needsReplicaIdentity { return .fails(transfer: holder[g.index]) }
        guard blocked[g.index] else { return .proceeds }
        parked[g.index].append((request, now))
        return .parked
    }

    /// A write to table `table` at `now`: true when it parked on the table's lock.
    @inline(__always)
    package mutating func admit(_ request: RequestID, table: Int, at now: SimTime) -> Bool {
        guard tableBlocked[table] else { return false }
        parkedOnTable[table].append((request, now))
        return true
    }

    // MARK: Transfers

    /// The transfer holding or tracking group `g`, if any.
    package func holder(ofGroup g: ShardGroupIndex) -> TransferID? { holder[g.index].isTransfer ? holder[g.index] : nil }

    /// Transfer `transfer` tracks group `g` (another transfer of it fails to take its lock).
    package mutating func track(group g: ShardGroupIndex, transfer: TransferID) { holder[g.index] = transfer }

    /// Writes to group `g` wait from now on.
    package mutating func block(group g: ShardGroupIndex) { blocked[g.index] = true }

    /// A force_logical transfer publishes group `g`: UPDATE and DELETE without a replica identity fail.
    package mutating func failWritesWithoutReplicaIdentity(group g: ShardGroupIndex) { failsWithoutReplicaIdentity[g.index] = true }

    /// The transfer's lock on group `g` is released: nothing holds the group; its parked writes
    /// are returned, in the order they came.
    package mutating func unblock(group g: ShardGroupIndex) -> [Parked] {
        blocked[g.index] = false
        failsWithoutReplicaIdentity[g.index] = false
        holder[g.index] = .none
        return takeParked(group: g)
    }

    /// Group `g` is free before the metadata changes under it (a split, a promotion, a schema
    /// conversion): unblocked and untracked; its parked writes are returned.
    package mutating func release(group g: ShardGroupIndex) -> [Parked] {
        blocked[g.index] = false
        holder[g.index] = .none
        return takeParked(group: g)
    }

    /// Transfer `transfer` has ended: its publication of group `g` is gone, and it no longer tracks it.
    package mutating func transferEnded(_ transfer: TransferID, group g: ShardGroupIndex) {
        failsWithoutReplicaIdentity[g.index] = false
        if holder[g.index] == transfer { holder[g.index] = .none }
    }

    // MARK: Tables

    /// alter_distributed_table takes the tables' lock.
    package mutating func block(tables: [Int]) { for t in tables { tableBlocked[t] = true } }

    /// The table's lock is released: its parked writes are returned.
    package mutating func unblock(table t: Int) -> [Parked] {
        tableBlocked[t] = false
        defer { parkedOnTable[t] = [] }
        return parkedOnTable[t]
    }

    // MARK: Rebuilds

    package func state(ofGroup g: ShardGroupIndex) -> GroupState {
        GroupState(blocked: blocked[g.index], failsWithoutReplicaIdentity: failsWithoutReplicaIdentity[g.index], holder: holder[g.index], parked: parked[g.index])
    }

    package mutating func restore(_ state: GroupState, group g: ShardGroupIndex) {
        blocked[g.index] = state.blocked
        failsWithoutReplicaIdentity[g.index] = state.failsWithoutReplicaIdentity
        holder[g.index] = state.holder
        parked[g.index] = state.parked
    }

    private mutating func takeParked(group g: ShardGroupIndex) -> [Parked] {
        defer { parked[g.index] = [] }
        return parked[g.index]
    }
}
