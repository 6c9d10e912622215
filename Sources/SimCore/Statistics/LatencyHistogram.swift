import Histogram

/// Response times recorded in an HdrHistogram with microsecond resolution and three
/// significant digits (values within 0.1% of their true value), from 1 µs up to
/// about 24 hours.
public struct LatencyHistogram: Sendable {
    private var histogram: Histogram<UInt64>
    /// Sum of recorded values in microseconds, for an exact mean.
    public private(set) var totalMicroseconds: Double = 0

    public init() {
        histogram = Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 86_400_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
    }

    /// Number of values recorded.
    public var count: UInt64 { histogram.totalCount }

    /// Records one response time (negative values are a programming error).
    public mutating func record(_ latency: SimDuration) {
        precondition(latency >= .zero, "negative latency \(latency.microseconds) µs")
        _ = histogram.record(UInt64(latency.microseconds))
        totalMicroseconds += Double(latency.microseconds)
    }

    /// Adds another histogram's values (merging replications or nodes).
    public mutating func add(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
        totalMicroseconds += other.totalMicroseconds
    }

    /// Forgets all values (end of warm-up).
    public mutating func reset() {
        histogram.reset()
        totalMicroseconds = 0
    }

    /// The exact mean in milliseconds; 0 when empty.
    public var meanMilliseconds: Double { count == 0 ? 0 : totalMicroseconds / Double(count) / 1e3 }

    /// The value at `percentile` (0...100) in milliseconds, to HdrHistogram's precision.
    public func percentileMilliseconds(_ percentile: Double) -> Double {
        count == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1e3
    }

    /// The largest value recorded, in milliseconds (to HdrHistogram's precision).
    public var maxMilliseconds: Double { count == 0 ? 0 : Double(histogram.max) / 1e3 }

    /// The standard report: p50, p95, p99, p99.9 and max in milliseconds.
    public var summary: LatencySummary {
        LatencySummary(
            count: count, meanMs: meanMilliseconds,
            p50Ms: percentileMilliseconds(50), p95Ms: percentileMilliseconds(95),
            p99Ms: percentileMilliseconds(99), p999Ms: percentileMilliseconds(99.9),
            maxMs: maxMilliseconds)
    }
}

/// Percentiles of one latency histogram, in milliseconds.
public struct LatencySummary: Sendable, Equatable {
    public var count: UInt64
    public var meanMs: Double
    public var p50Ms: Double
    public var p95Ms: Double
    public var p99Ms: Double
    public var p999Ms: Double
    public var maxMs: Double

    /// The summary as named metrics (`latency_mean_ms`, `latency_p50_ms`, ...) after `prefix`.
    public func metrics(prefix: String = "") -> [Metric] {
        [
            Metric(prefix + "latency_mean_ms", meanMs), Metric(prefix + "latency_p50_ms", p50Ms),
            Metric(prefix + "latency_p95_ms", p95Ms), Metric(prefix + "latency_p99_ms", p99Ms),
            Metric(prefix + "latency_p99_9_ms", p999Ms), Metric(prefix + "latency_max_ms", maxMs),
        ]
    }
}
