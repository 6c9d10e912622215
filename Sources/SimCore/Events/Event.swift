/// One scheduled event: a plain value (24 bytes for a one-byte `Kind`), never a closure.
///
/// `kind` says which handler runs; `payload` is an index the model interprets (a
/// request record, a resource, a node). `order` packs the priority into the top 8 bits
/// and the queue's sequence number into the low 56, so one integer comparison breaks
/// ties between events at the same instant.
public struct Event<Kind: Sendable>: Sendable {
    /// When the event happens.
    public var time: SimTime
    /// `priority << 56 | sequence`: the tie-breaker after `time`.
    public var order: UInt64
    /// What happens; the model's own enum.
    public var kind: Kind
    /// The model's index for the thing the event is about.
    public var payload: UInt32

    @inlinable
    public init(time: SimTime, order: UInt64, kind: Kind, payload: UInt32) {
        self.time = time
        self.order = order
        self.kind = kind
        self.payload = payload
    }

    /// The priority this event was scheduled with.
    @inlinable public var priority: EventPriority { EventPriority(rawValue: UInt8(order >> 56))! }
    /// The sequence number the queue gave this event (unique within a run).
    @inlinable public var sequence: UInt64 { order & Event.sequenceMask }

    @usableFromInline static var sequenceMask: UInt64 { (1 << 56) - 1 }

    /// Total order: earlier time first, then lower `order` (priority, then sequence).
    @inlinable @inline(__always)
    public static func precedes(_ a: Event, _ b: Event) -> Bool {
        a.time.microseconds < b.time.microseconds
            || (a.time.microseconds == b.time.microseconds && a.order < b.order)
    }
}
