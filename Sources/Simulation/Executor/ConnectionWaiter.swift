import SimCore

/// Who waits for a shared-pool slot and a worker backend: a router query's task, or a worker
/// pool of a multi-shard query opening one of its connections. The shared pool's queue holds
/// it as one `UInt32` (`raw`): a task id, or a pool index with the top bit set.
package struct ConnectionWaiter: Equatable {
    package let raw: UInt32

    package init(raw: UInt32) { self.raw = raw }

    static let poolBit: UInt32 = 1 << 31

    /// A router query's task.
    static func task(_ id: TaskID) -> ConnectionWaiter { ConnectionWaiter(raw: id.raw) }
    /// A worker pool (index into the simulation's pools).
    static func pool(_ p: PoolID) -> ConnectionWaiter { ConnectionWaiter(raw: UInt32(p.raw) | poolBit) }

    /// The pool's index, nil for a task.
    var pool: PoolID? { raw & Self.poolBit != 0 ? PoolID(Int32(raw & ~Self.poolBit)) : nil }
    /// The task's id, nil for a pool.
    var task: TaskID? { raw & Self.poolBit == 0 ? TaskID(raw) : nil }
}
