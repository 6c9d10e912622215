/// An instant of simulated time: microseconds since the start of the run (`SimTime.zero`).
///
/// Instants and durations are different types, as in swift-nio's `NIODeadline` and
/// `TimeAmount`: an instant plus a duration is an instant, the difference of two instants
/// is a duration, and two instants cannot be added.
public struct SimTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the start of the run.
    public var microseconds: Int64

    @inlinable public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The start of every run.
    public static let zero = SimTime(microseconds: 0)
    /// Later than any event a run can schedule; used as "never".
    public static let never = SimTime(microseconds: Int64.max)

    /// Seconds since the start of the run, for reporting.
    @inlinable public var seconds: Double { Double(microseconds) / 1e6 }

    @inlinable public static func < (a: SimTime, b: SimTime) -> Bool { a.microseconds < b.microseconds }
    @inlinable public static func + (t: SimTime, d: SimDuration) -> SimTime { SimTime(microseconds: t.microseconds + d.microseconds) }
    @inlinable public static func - (t: SimTime, d: SimDuration) -> SimTime { SimTime(microseconds: t.microseconds - d.microseconds) }
    @inlinable public static func - (a: SimTime, b: SimTime) -> SimDuration { SimDuration(microseconds: a.microseconds - b.microseconds) }
    @inlinable public static func += (t: inout SimTime, d: SimDuration) { t.microseconds += d.microseconds }

    /// `+HH:MM:SS.mmm` since the start of the run.
    public var description: String { TimeFormat.clock(microseconds) }
}
