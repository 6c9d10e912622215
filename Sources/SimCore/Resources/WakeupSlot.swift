/// Keeps the wake-up events of one resource in the event queue without duplicates.
///
/// A resource (processor-sharing CPU, network, disk) knows when its next completion is
/// due; that time moves when jobs arrive. Rather than cancelling events, the owner asks
/// the slot whether a new wake-up must be scheduled: only when the due time is earlier
/// than every one already pending. The slot remembers up to four pending instants, so
/// when an earlier wake-up fires and the due time goes back to one still pending, no
/// second event is scheduled for it. A wake-up that fires early finds nothing due and
/// re-arms; completions are idempotent, so early (or, past four, duplicate) wake-ups are
/// harmless.
public struct WakeupSlot: Sendable {
    /// Pending wake-up instants in µs, ascending; `Int64.max` marks an empty place.
    private var pending: (Int64, Int64, Int64, Int64) = (.max, .max, .max, .max)

    public init() {}

    /// The instant of the earliest pending wake-up, if one is pending.
    public var armedAt: SimTime? { pending.0 == .max ? nil : SimTime(microseconds: pending.0) }

    /// True if a wake-up must be scheduled at `due`; records it as pending.
    @inline(__always)
    public mutating func needsWakeup(at due: SimTime?) -> Bool {
        guard let due else { return false }
        let t = due.microseconds
        if pending.0 <= t { return false }
        // The latest instant is forgotten when four are pending: its event still fires.
        pending = (t, pending.0, pending.1, pending.2)
        return true
    }

    /// Call when a wake-up event fires at `now`.
    @inline(__always)
    public mutating func fired(at now: SimTime) {
        // Events fire in time order, so every remembered instant is at or after `now`.
        while pending.0 == now.microseconds && pending.0 != .max {
            pending = (pending.1, pending.2, pending.3, .max)
        }
    }
}
