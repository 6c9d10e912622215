/// A shard transfer of the run: its index in `OperationsState.transfers` (never reused), the
/// payload of its events (`transferStep`, `transferPoll`, `deferredDrop`), the transfer a copy
/// part works for (`TaskRecord.transfer`) and the holder of a shard group's write lock.
package struct TransferID: Equatable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    package var raw: Int32
    @inline(__always) package init(_ raw: Int32) { self.raw = raw }
    @inline(__always) package init(_ index: Int) { raw = Int32(index) }
    package init(integerLiteral value: Int32) { raw = value }
    /// An event's payload.
    package init(payload: UInt32) { raw = Int32(payload) }
    /// The transfer's position in `OperationsState.transfers`.
    @inline(__always) package var index: Int { Int(raw) }
    /// As an event's payload.
    package var payload: UInt32 { UInt32(raw) }
    /// No transfer: a query's task, a group no transfer holds.
    package static let none = TransferID(Int32(-1))
    /// A transfer (not `none`).
    @inline(__always) package var isTransfer: Bool { raw >= 0 }
    package var description: String { "\(raw)" }
}

extension Array where Element == ShardTransfer {
    /// The transfer `id` names, read and modified in place.
    subscript(id: TransferID) -> ShardTransfer {
        get { self[id.index] }
        _modify { yield &self[id.index] }
    }
}
