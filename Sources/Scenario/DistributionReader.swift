import SimCore

/// Reads a distribution of durations: `{distribution: lognormal, mean: 2ms, cv: 1.5}`.
/// Values are in seconds.
enum DistributionReader {
    static let distributions = ["constant", "exponential", "lognormal", "gamma", "pareto", "weibull", "uniform"]

    static func read(_ m: YAMLMapping) -> Distribution? {
        guard let kind = m.string("distribution", allowed: distributions) else {
            _ = ["mean", "cv", "shape", "scale", "low", "high", "value"].map { m.value($0) }
            m.finish()
            return nil
        }
        var result: Distribution?
        // Read every key the distribution takes before combining them, so each bad
        // value is reported, not only the first.
        switch kind {
        case "constant":
            if let v = m.duration("value", allowZero: true) { result = .constant(v) }
        case "exponential":
            if let mean = m.duration("mean") { result = .exponential(mean: mean) }
        case "lognormal", "gamma":
            let mean = m.duration("mean"), cv = m.number("cv", in: 0...100, lowerExclusive: true)
            if let mean, let cv {
                result = kind == "lognormal" ? try? Distribution.lognormal(mean: mean, cv: cv) : try? Distribution.gamma(mean: mean, cv: cv)
            }
        case "pareto", "weibull":
            let shape = m.number("shape", in: 0...1_000, lowerExclusive: true), scale = m.duration("scale")
            if kind == "pareto", let shape, shape <= 1 {
                m.reader.error(m.value("shape"), "`\(m.qualified("shape"))` must be > 1: a Pareto with shape <= 1 has no finite mean")
            } else if let shape, let scale {
                result = kind == "pareto" ? .pareto(shape: shape, scale: scale) : .weibull(shape: shape, scale: scale)
            }
        default:  // uniform
            let lo = m.duration("low", allowZero: true), hi = m.duration("high")
            if let lo, let hi {
                if hi < lo { m.reader.error(m.value("high"), "`\(m.qualified("high"))` must be >= `low`") } else { result = .uniform(low: lo, high: hi) }
            }
        }
        m.finish()
        return result
    }
}
