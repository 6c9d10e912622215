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
    /// Resource wake-ups that move in place (`setTimer`).
    @usableFromInline var timers = TimerHeap<Kind>()
    /// The timer whose event is being handled, until the handler sets it again; −1 otherwise.
    @usableFromInline var firingTimer = -1
    @usableFromInline var nextSequence: UInt64 = 0
    /// True while the handled event still occupies the top of the heap.
    @usableFromInline var handledEventAtTop = false
    @usableFromInline var stopRequested = false

    public init(capacity: Int = 1024) {
        queue = EventQueue(capacity: capacity)
    }

    /// Events waiting to happen.
    @inlinable public var pendingCount: Int {
        queue.count - (handledEventAtTop ? 1 : 0) + timers.count - (firingTimer >= 0 ? 1 : 0)
    }

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

    /// Arms timer `id` (a small integer the model chooses, e.g. a resource's index) to fire
    /// `kind` at `time`, replacing the event it had pending; disarms it when `time` is nil.
    /// A timer set again to its pending instant keeps its place among events at that instant.
    /// An id stands for one wake-up: give it the same kind every time.
    @inlinable
    public mutating func setTimer(_ id: Int, _ kind: Kind, at time: SimTime?, priority: EventPriority, payload: UInt32 = 0) {
        let firing = firingTimer == id
        if firing { firingTimer = -1 }
        guard let time else { return timers.cancel(id) }
        if !firing, let pending = timers.event(of: id), pending.time == time, pending.priority == priority, pending.payload == payload {
            return
        }
        precondition(time >= clock, "timer \(id) (\(kind)) set to \(time), before now (\(now))")
        timers.set(id, Event(time: time, order: UInt64(priority.rawValue) << 56 | nextSequence, kind: kind, payload: payload))
        nextSequence &+= 1
    }

    /// Asks the engine to return after the current event.
    public mutating func stop() { stopRequested = true }
}
