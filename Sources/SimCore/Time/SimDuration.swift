/// A span of simulated time, an exact count of microseconds.
///
/// The kernel never uses floating-point seconds for time: durations add and compare
/// exactly, so event order cannot depend on rounding. Conversions from seconds round
/// to the nearest microsecond.
///
/// ```swift
/// let rtt = SimDuration.milliseconds(2) + .microseconds(150)   // 2.150 ms
/// ```
public struct SimDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Length in microseconds (may be negative only as an intermediate result).
    public var microseconds: Int64

    @inlinable public init(microseconds: Int64) { self.microseconds = microseconds }

    public static let zero = SimDuration(microseconds: 0)

    @inlinable public static func microseconds(_ value: Int64) -> SimDuration { SimDuration(microseconds: value) }
    @inlinable public static func milliseconds(_ value: Int64) -> SimDuration { SimDuration(microseconds: value * 1_000) }
    @inlinable public static func seconds(_ value: Int64) -> SimDuration { SimDuration(microseconds: value * 1_000_000) }
    @inlinable public static func minutes(_ value: Int64) -> SimDuration { SimDuration(microseconds: value * 60_000_000) }
    @inlinable public static func hours(_ value: Int64) -> SimDuration { SimDuration(microseconds: value * 3_600_000_000) }

    /// The duration nearest to `seconds`; precondition: finite and within ±292,000 years.
    @inlinable public init(seconds: Double) {
        precondition(seconds.isFinite && abs(seconds) < 9.2e12, "duration of \(seconds) s is not representable")
        self.init(microseconds: Int64((seconds * 1e6).rounded()))
    }

    /// The duration in seconds, for reporting and for rate arithmetic.
    @inlinable public var seconds: Double { Double(microseconds) / 1e6 }
    /// The duration in milliseconds, for reporting.
    @inlinable public var milliseconds: Double { Double(microseconds) / 1e3 }

    @inlinable public static func < (a: SimDuration, b: SimDuration) -> Bool { a.microseconds < b.microseconds }
    @inlinable public static func + (a: SimDuration, b: SimDuration) -> SimDuration { SimDuration(microseconds: a.microseconds + b.microseconds) }
    @inlinable public static func - (a: SimDuration, b: SimDuration) -> SimDuration { SimDuration(microseconds: a.microseconds - b.microseconds) }
    @inlinable public static func * (a: SimDuration, k: Int64) -> SimDuration { SimDuration(microseconds: a.microseconds * k) }
    @inlinable public static func += (a: inout SimDuration, b: SimDuration) { a.microseconds += b.microseconds }

    /// `+HH:MM:SS.mmm` (hours grow past 99 as needed; negative durations get `-`).
    public var description: String { TimeFormat.clock(microseconds) }
}

/// Formatting shared by `SimTime` and `SimDuration`.
enum TimeFormat {
    static func clock(_ us: Int64) -> String {
        let sign = us < 0 ? "-" : "+"
        let magnitude = us.magnitude
        let ms = (magnitude / 1_000) % 1_000
        let totalSeconds = magnitude / 1_000_000
        let s = totalSeconds % 60, m = (totalSeconds / 60) % 60, h = totalSeconds / 3_600
        return sign + pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(ms, 3)
    }

    private static func pad(_ value: UInt64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
