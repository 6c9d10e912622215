import SimCore
import Simulation
import XCTest

/// Logical replication alone: the groups' change stream the writes make, and a subscription's
/// apply of it at 10 MB/s of WAL and 100 MB/s of scans, with a 10 s timeout.
final class LogicalReplicationTests: XCTestCase {
    private func replication(groups: Int) -> LogicalReplication {
        var o = OperationsSpec()
        o.logicalApplyBytesPerSecond = 10e6
        o.fullIdentityScanBytesPerSecond = 100e6
        o.logicalReplicationTimeout = .seconds(10)
        var r = LogicalReplication(operations: o)
        r.regroup(groups: groups)
        return r
    }

    /// Writes add to their group's WAL and scans; a set of groups' position sums them and
    /// skips groups that do not exist; a regroup starts every stream empty.
    func testWritesMakeEachGroupsStream() {
        var r = replication(groups: 3)
        r.write(4e6, group: 0, scanBytes: 0)
        r.write(1e6, group: 2, scanBytes: 50e6)
        r.write(2e6, group: 2, scanBytes: 0)
        XCTAssertEqual(r.position(ofGroups: [0, -1, 2]), .init(wal: 7e6, scan: 50e6))
        XCTAssertEqual(r.position(ofGroups: [1]), .init(wal: 0, scan: 0))
        XCTAssertEqual(r.position(ofGroup: 2), .init(wal: 3e6, scan: 50e6))
        r.restore(.init(wal: 3e6, scan: 1e6), group: 1)
        XCTAssertEqual(r.position(ofGroups: [1]), .init(wal: 3e6, scan: 1e6))
        r.regroup(groups: 2)
        XCTAssertEqual(r.position(ofGroups: [0, 1]), .init(wal: 0, scan: 0))
    }

    /// Without scans the target applies WAL at the apply rate, never past the source, and the
    /// wait ends when it reaches the wait's target.
    func testApplyAtTheApplyRate() {
        let r = replication(groups: 1)
        let start = SimTime.zero + .seconds(100)
        var sub = LogicalReplication.Subscription()
        sub.atCopyStart = .init(wal: 5e6, scan: 0)
        sub.beginCatchUp(at: start)
        XCTAssertEqual(sub.applied.wal, 5e6)
        sub.waitTarget = 35e6
        let source = LogicalReplication.Position(wal: 35e6, scan: 0)
        XCTAssertFalse(r.advance(&sub, towards: source, at: start + .seconds(1)))
        XCTAssertEqual(sub.applied.wal, 15e6, accuracy: 1)
        XCTAssertFalse(r.advance(&sub, towards: source, at: start + .seconds(2)))
        XCTAssertEqual(sub.applied.wal, 25e6, accuracy: 1)
        XCTAssertTrue(r.advance(&sub, towards: source, at: start + .seconds(5)))
        XCTAssertEqual(sub.applied.wal, 35e6, "never past the source")
    }

    /// Changes that need scans take their WAL at the apply rate plus their scans at the scan
    /// rate: 10 MB of WAL (1 s) and 200 MB of scans (2 s) are a third done after 1 s.
    func testScansSlowTheApply() {
        let r = replication(groups: 1)
        var sub = LogicalReplication.Subscription()
        sub.beginCatchUp(at: .zero)
        sub.waitTarget = 10e6
        let source = LogicalReplication.Position(wal: 10e6, scan: 200e6)
        XCTAssertFalse(r.advance(&sub, towards: source, at: .zero + .seconds(1)))
        XCTAssertEqual(sub.applied.wal, 10e6 / 3, accuracy: 1)
        XCTAssertEqual(sub.applied.scan, 200e6 / 3, accuracy: 1)
        XCTAssertTrue(r.advance(&sub, towards: source, at: .zero + .seconds(3)))
        XCTAssertEqual(sub.applied.scan, 200e6, accuracy: 1)
    }

    /// Catch-up fails once it has run for citus.logical_replication_timeout, with Citus's
    /// message naming the timeout and the target.
    func testTimeout() {
        let r = replication(groups: 1)
        var sub = LogicalReplication.Subscription()
        sub.beginCatchUp(at: .zero + .seconds(5))
        XCTAssertFalse(r.timedOut(sub, at: .zero + .seconds(14)))
        XCTAssertTrue(r.timedOut(sub, at: .zero + .seconds(15)))
        let text = r.timeoutError(target: "worker-2").description
        XCTAssertTrue(text.contains("timeout of 10000 msec"), text)
        XCTAssertTrue(text.contains("worker-2:5432"), text)
    }
}
