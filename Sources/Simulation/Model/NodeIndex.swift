import SimCore

/// A server of the simulation's resources, as `NodeMap` numbers them: 0 the first
/// coordinator, then the workers with a server of their own, then the added coordinators. It
/// indexes the CPUs, the disks (workers and the first coordinator) and the copy links, and is
/// the payload of `cpuWake`, `diskWake` and `nodeBack`.
package struct NodeIndex: DenseIndex {
    package var raw: Int32
    @inline(__always) package init(_ raw: Int32) { self.raw = raw }
    /// An event's payload.
    @inline(__always) package init(payload: UInt32) { raw = Int32(payload) }
    /// As an event's payload.
    @inline(__always) package var payload: UInt32 { UInt32(raw) }
}
