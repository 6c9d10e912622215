/// Which of several events at the same instant runs first.
///
/// Events are ordered by (time, priority, sequence number): control actions (operator
/// commands, failures) change the world first, then completions free resources, then
/// arrivals claim them, and observations (metric samples) see the settled state.
/// This mirrors SimPy's URGENT-before-NORMAL rule with two more levels.
public enum EventPriority: UInt8, Sendable, Comparable, CaseIterable {
    case control = 0
    case completion = 1
    case arrival = 2
    case observation = 3

    @inlinable public static func < (a: EventPriority, b: EventPriority) -> Bool { a.rawValue < b.rawValue }
}
