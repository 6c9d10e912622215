import SimCore

/// A shard transfer of the run: its index in `OperationsState.transfers` (never reused), the
/// payload of its events (`transferStep`, `transferPoll`, `deferredDrop`), the transfer a copy
/// part works for (`TaskRecord.transfer`) and the holder of a shard group's write lock. `none`:
/// a query's task, a group no transfer holds.
package struct TransferID: DenseIndex {
    package var raw: Int32
    @inline(__always) package init(_ raw: Int32) { self.raw = raw }
    /// An event's payload.
    package init(payload: UInt32) { raw = Int32(payload) }
    /// As an event's payload.
    package var payload: UInt32 { UInt32(raw) }
    /// A transfer (not `none`).
    @inline(__always) package var isTransfer: Bool { raw >= 0 }
}

extension Array where Element == ShardTransfer {
    /// The transfer `id` names, read and modified in place.
    subscript(id: TransferID) -> ShardTransfer {
        get { self[id.index] }
        _modify { yield &self[id.index] }
    }
}
