/// The time average of a piecewise-constant quantity (busy cores, queue length,
/// connections in use), accumulated exactly in integer microseconds × value.
public struct TimeWeightedAverage: Sendable, Equatable {
    /// When accumulation started.
    public private(set) var start: SimTime
    /// When the value last changed.
    public private(set) var lastChange: SimTime
    /// The value since `lastChange`.
    public private(set) var value: Double
    /// ∫ value dt from `start` to `lastChange`, in value × microseconds.
    public private(set) var area: Double = 0
    /// The largest value seen.
    public private(set) var maximum: Double

    public init(value: Double = 0, at time: SimTime = .zero) {
        start = time
        lastChange = time
        self.value = value
        maximum = value
    }

    /// A history accumulated elsewhere (a resource that integrates several quantities at once).
    init(start: SimTime, lastChange: SimTime, value: Double, area: Double, maximum: Double) {
        self.start = start
        self.lastChange = lastChange
        self.value = value
        self.area = area
        self.maximum = maximum
    }

    /// Records that the quantity is `newValue` from `time` on.
    public mutating func set(_ newValue: Double, at time: SimTime) {
        area += value * Double(time.microseconds - lastChange.microseconds)
        lastChange = time
        value = newValue
        if newValue > maximum { maximum = newValue }
    }

    /// The time average over [start, time]; the current value if no time has passed.
    public func mean(at time: SimTime) -> Double {
        let span = Double(time.microseconds - start.microseconds)
        guard span > 0 else { return value }
        return (area + value * Double(time.microseconds - lastChange.microseconds)) / span
    }

    /// ∫ value dt from `start` to `time`, in value × microseconds.
    public func integral(at time: SimTime) -> Double {
        area + value * Double(time.microseconds - lastChange.microseconds)
    }

    /// Forgets the history before `time` (end of warm-up), keeping the current value.
    public mutating func reset(at time: SimTime) {
        start = time
        lastChange = time
        area = 0
        maximum = value
    }
}
