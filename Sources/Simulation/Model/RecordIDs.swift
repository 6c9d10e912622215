import SimCore

/// A client request in flight: its record in `ClusterSimulation.requests` (reused once freed).
package struct RequestID: RecordIndex, Equatable {
    package typealias Record = RequestRecord
    /// The record's index, also the payload of the request's events.
    package var raw: UInt32
    package init(_ raw: UInt32) { self.raw = raw }
    package var index: Int { Int(raw) }
    /// No request (a record not working for a query); addressing a table with it traps.
    package static let none = RequestID(UInt32.max)
}

/// A unit of work on a node (planning, a connection's set-up, a shard task, a copy's part):
/// its record in `ClusterSimulation.tasks`, and its job id on the CPUs, disks and NIC.
struct TaskID: RecordIndex, Equatable {
    typealias Record = TaskRecord
    /// The record's index, also its job id on the resources and its events' payload.
    var raw: UInt32
    init(_ raw: UInt32) { self.raw = raw }
    var index: Int { Int(raw) }
    /// No task: the end of a backend's queue, a request not waiting for a slot.
    static let none = TaskID(UInt32.max)
    /// A task (not `none`).
    var isTask: Bool { raw != UInt32.max }
}

/// A worker pool of a multi-shard query: its record in `ClusterSimulation.pools`. A query's
/// pools are a block of one per worker, from `RequestRecord.poolBase`.
struct PoolID: RecordIndex, Equatable {
    typealias Record = WorkerPool
    var raw: Int32
    init(_ raw: Int32) { self.raw = raw }
    /// Worker `w`'s pool in the block starting at `base`.
    init(block base: PoolID, worker w: WorkerIndex) { raw = base.raw + w.raw }
    var index: Int { Int(raw) }
    /// No pool: a router query's task, a request without a fan-out, no in-process pool.
    static let none = PoolID(-1)
    /// A pool (not `none`).
    var isPool: Bool { raw >= 0 }
    /// The block of `workers` pools starting here holds `p`.
    func blockHolds(_ p: PoolID, workers: Int) -> Bool { isPool && p.raw >= raw && p.raw < raw + Int32(workers) }
}
