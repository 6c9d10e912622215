/// The clock and the pending events of one run; handed `inout` to the model's handler.
///
/// Scheduling while an event is being handled reuses that event's slot at the top of the
/// heap (one sift instead of a pop and a push), so the common "each event schedules one
/// more" pattern costs one heap operation.
public struct Scheduler<Kind: Sendable>: ~Copyable {
    /// The current simulated instant.
    @inlinable public var now: SimTime { clock }
    @usableFromInline var clock: SimTime = .zero
    @usableFromInline var queue: EventQueue<Kind>
    @usableFromInline var nextSequence: UInt64 = 0
    /// True while the handled event still occupies the top of the heap.
    @usableFromInline var handledEventAtTop = false
    @usableFromInline var stopRequested = false

    public init(capacity: Int = 1024) {
        queue = EventQueue(capacity: capacity)
    }

    /// Events waiting to happen.
    @inlinable public var pendingCount: Int { queue.count - (handledEventAtTop ? 1 : 0) }

    /// Schedules `kind` at the instant `time` (not in the past).
    @inlinable
    public mutating func schedule(_ kind: Kind, at time: SimTime, priority: EventPriority, payload: UInt32 = 0) {
        precondition(time >= clock, "event \(kind) scheduled at \(time), before now (\(now))")
        assert(nextSequence < (1 << 56), "event sequence exhausted")  // 2^56 events: centuries at 10^8/s
        let event = Event(time: time, order: UInt64(priority.rawValue) << 56 | nextSequence, kind: kind, payload: payload)
        nextSequence &+= 1
        if handledEventAtTop {
            handledEventAtTop = false
            queue.replaceTop(with: event)
        } else {
            queue.push(event)
        }
    }

    /// Schedules `kind` after `delay` (not negative).
    @inlinable
    public mutating func schedule(_ kind: Kind, after delay: SimDuration, priority: EventPriority, payload: UInt32 = 0) {
        schedule(kind, at: now + delay, priority: priority, payload: payload)
    }

    /// Asks the engine to return after the current event.
    public mutating func stop() { stopRequested = true }
}
