import SimCore
import Simulation
import XCTest

/// The locks that hold writes, alone: 3 shard groups and 2 tables.
final class WriteBlocksTests: XCTestCase {
    private func blocks() -> WriteBlocks {
        var b = WriteBlocks()
        b.regroup(groups: 3)
        b.setTables(2)
        return b
    }

    private let t0 = SimTime.zero + .seconds(10)

    /// Writes to a blocked group park in order and come back, with the instants they parked,
    /// when the lock is released; other groups' writes go on.
    func testBlockedGroupParksWritesUntilUnblocked() {
        var b = blocks()
        b.track(group: 1, transfer: 4)
        b.block(group: 1)
        XCTAssertEqual(b.admit(RequestID(7), group: 0, needsReplicaIdentity: false, at: t0), .proceeds)
        XCTAssertEqual(b.admit(RequestID(8), group: 1, needsReplicaIdentity: false, at: t0), .parked)
        XCTAssertEqual(b.admit(RequestID(9), group: 1, needsReplicaIdentity: true, at: t0 + .seconds(1)), .parked)
        XCTAssertEqual(b.holder(ofGroup: 1), 4)
        let parked = b.unblock(group: 1)
        XCTAssertEqual(parked.map(\.request), [RequestID(8), RequestID(9)])
        XCTAssertEqual(parked.map(\.since), [t0, t0 + .seconds(1)])
        XCTAssertNil(b.holder(ofGroup: 1))
        XCTAssertEqual(b.admit(RequestID(10), group: 1, needsReplicaIdentity: false, at: t0), .proceeds)
        XCTAssertTrue(b.unblock(group: 1).isEmpty, "taken once")
    }

    /// Under a force_logical transfer UPDATE and DELETE without a replica identity fail (naming
    /// the transfer) and other writes go on; the transfer's end lifts it, and clears only its
    /// own tracking.
    func testReplicaIdentityFailuresUntilTheTransferEnds() {
        var b = blocks()
        b.track(group: 2, transfer: 5)
        b.failWritesWithoutReplicaIdentity(group: 2)
        XCTAssertEqual(b.admit(RequestID(1), group: 2, needsReplicaIdentity: true, at: t0), .fails(transfer: 5))
        XCTAssertEqual(b.admit(RequestID(2), group: 2, needsReplicaIdentity: false, at: t0), .proceeds)
        b.transferEnded(6, group: 2)
        XCTAssertEqual(b.holder(ofGroup: 2), 5, "another transfer's end leaves the tracking")
        XCTAssertEqual(b.admit(RequestID(3), group: 2, needsReplicaIdentity: true, at: t0), .proceeds)
        b.transferEnded(5, group: 2)
        XCTAssertNil(b.holder(ofGroup: 2))
    }

    /// A release frees the group (its parked writes returned) but keeps a publication's
    /// failures; a group's state survives a regroup through state(ofGroup:) and restore.
    func testReleaseAndCarryAcrossARegroup() {
        var b = blocks()
        b.track(group: 0, transfer: 1)
        b.block(group: 0)
        b.failWritesWithoutReplicaIdentity(group: 0)
        _ = b.admit(RequestID(3), group: 0, needsReplicaIdentity: false, at: t0)
        let state = b.state(ofGroup: 0)
        XCTAssertFalse(state.isIdle)
        XCTAssertEqual(b.release(group: 0).map(\.request), [RequestID(3)])
        XCTAssertEqual(b.admit(RequestID(4), group: 0, needsReplicaIdentity: true, at: t0), .fails(transfer: -1))
        b.regroup(groups: 5)
        XCTAssertTrue(b.state(ofGroup: 4).isIdle)
        b.restore(state, group: 4)
        XCTAssertEqual(b.holder(ofGroup: 4), 1)
        XCTAssertEqual(b.blocked, [false, false, false, false, true])
        XCTAssertEqual(b.unblock(group: 4).map(\.request), [RequestID(3)])
    }

    /// alter_distributed_table's lock parks its tables' writes until it is released.
    func testTableLock() {
        var b = blocks()
        XCTAssertFalse(b.admit(RequestID(1), table: 1, at: t0))
        b.block(tables: [1])
        XCTAssertEqual(b.tableBlocked, [false, true])
        XCTAssertFalse(b.admit(RequestID(2), table: 0, at: t0))
        XCTAssertTrue(b.admit(RequestID(3), table: 1, at: t0))
        XCTAssertEqual(b.unblock(table: 1).map(\.request), [RequestID(3)])
        XCTAssertEqual(b.tableBlocked, [false, false])
        XCTAssertFalse(b.admit(RequestID(4), table: 1, at: t0))
    }
}
