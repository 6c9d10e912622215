/// Keeps at most one useful wake-up event per resource in the event queue.
///
/// A resource (processor-sharing CPU, network, disk) knows when its next completion is
/// due; that time moves when jobs arrive. Rather than cancelling events, the owner asks
/// the slot whether a new wake-up must be scheduled: only when the due time is earlier
/// than the one already pending. A wake-up that fires early finds nothing due and
/// re-arms; completions are idempotent, so early or duplicate wake-ups are harmless.
public struct WakeupSlot: Sendable {
    /// The instant of the pending wake-up, if one is pending.
    public private(set) var armedAt: SimTime?

    public init() {}

    /// True if a wake-up must be scheduled at `due`; records it as pending.
    public mutating func needsWakeup(at due: SimTime?) -> Bool {
        guard let due else { return false }
        if let armed = armedAt, armed <= due { return false }
        armedAt = due
        return true
    }

    /// Call when a wake-up event fires at `now`.
    public mutating func fired(at now: SimTime) {
        if armedAt == now { armedAt = nil }
    }
}
