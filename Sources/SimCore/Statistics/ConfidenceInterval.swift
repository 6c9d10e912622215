import CGSL

/// A two-sided Student-t confidence interval for a mean over independent replications.
public struct ConfidenceInterval: Sendable, Equatable {
    /// The sample mean.
    public var mean: Double
    /// Half the interval's width; 0 for a single replication (no interval).
    public var halfWidth: Double
    /// The sample standard deviation.
    public var standardDeviation: Double
    /// Number of replications.
    public var count: Int
    /// Confidence level, e.g. 0.95.
    public var level: Double

    public var lower: Double { mean - halfWidth }
    public var upper: Double { mean + halfWidth }
    /// Half-width relative to the mean (0 when the mean is 0).
    public var relativeHalfWidth: Double { mean == 0 ? 0 : halfWidth / abs(mean) }

    /// An interval from its parts (as written by `summary.json` or a partial result).
    public init(mean: Double, halfWidth: Double, standardDeviation: Double, count: Int, level: Double) {
        self.mean = mean
        self.halfWidth = halfWidth
        self.standardDeviation = standardDeviation
        self.count = count
        self.level = level
    }

    /// The interval for the mean of `samples` (mean ± t_{n-1, (1+level)/2} · s / √n),
    /// computed with GSL's statistics and t quantile. Throws for an empty sample, a
    /// non-finite value or a level outside (0, 1).
    public init(samples: [Double], level: Double = 0.95) throws {
        guard !samples.isEmpty else {
            throw ParameterError(parameter: "ConfidenceInterval.samples", value: "[]", expected: "at least one value")
        }
        guard level > 0 && level < 1 else {
            throw ParameterError(parameter: "ConfidenceInterval.level", value: "\(level)", expected: "a probability in (0, 1)")
        }
        if let bad = samples.first(where: { !$0.isFinite }) {
            throw ParameterError(parameter: "ConfidenceInterval.samples", value: "\(bad)", expected: "finite values")
        }
        GSL.ready
        let n = samples.count
        let (mean, sd) = samples.withUnsafeBufferPointer { b -> (Double, Double) in
            let m = gsl_stats_mean(b.baseAddress, 1, n)
            return (m, n > 1 ? gsl_stats_sd_m(b.baseAddress, 1, n, m) : 0)
        }
        self.mean = mean
        self.standardDeviation = sd
        self.count = n
        self.level = level
        if n > 1 {
            let t = try SpecialFunctions.studentTQuantile((1 + level) / 2, degreesOfFreedom: Double(n - 1))
            halfWidth = t * sd / Double(n).squareRoot()
        } else {
            halfWidth = 0
        }
    }

    /// True if `value` lies in [lower, upper].
    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }
}
