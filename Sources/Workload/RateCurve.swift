import SimCore

/// An arrival rate over simulated time, in requests per second.
public enum RateCurve: Sendable, Equatable {
    case constant(Double)
    /// `before` until `at`, then `after`.
    case step(before: Double, after: Double, at: SimDuration)
    /// Linear from `from` at `start` to `to` at `end`, constant outside.
    case ramp(from: Double, to: Double, start: SimDuration, end: SimDuration)
    /// mean × (1 + amplitude × sin(2π (t − peakAt)/period + π/2)): peaks at `peakAt`.
    case diurnal(mean: Double, amplitude: Double, period: SimDuration, peakAt: SimDuration)

    /// The rate at `t` (seconds since the start).
    public func rate(at t: SimTime) -> Double {
        switch self {
        case .constant(let r): return r
        case .step(let before, let after, let at): return t < .zero + at ? before : after
        case .ramp(let from, let to, let start, let end):
            if t <= .zero + start { return from }
            if t >= .zero + end { return to }
            return from + (to - from) * ((t - (.zero + start)).seconds / (end - start).seconds)
        case .diurnal(let mean, let amplitude, let period, let peakAt):
            let phase = 2 * Double.pi * ((t - (.zero + peakAt)).seconds / period.seconds)
            return mean * (1 + amplitude * cos(phase))
        }
    }

    /// An upper bound of the rate, for thinning.
    public var maximum: Double {
        switch self {
        case .constant(let r): return r
        case .step(let a, let b, _): return max(a, b)
        case .ramp(let a, let b, _, _): return max(a, b)
        case .diurnal(let mean, let amplitude, _, _): return mean * (1 + abs(amplitude))
        }
    }

    /// The same curve with every rate multiplied by `factor` (traffic growth).
    public func scaled(by factor: Double) -> RateCurve {
        switch self {
        case .constant(let r): return .constant(r * factor)
        case .step(let a, let b, let at): return .step(before: a * factor, after: b * factor, at: at)
        case .ramp(let a, let b, let s, let e): return .ramp(from: a * factor, to: b * factor, start: s, end: e)
        case .diurnal(let m, let a, let p, let peak): return .diurnal(mean: m * factor, amplitude: a, period: p, peakAt: peak)
        }
    }

    /// The same curve seen from `offset` on: `shifted(by: d).rate(at: t) == rate(at: t + d)`
    /// (a simulation that starts `d` into the day).
    public func shifted(by offset: SimDuration) -> RateCurve {
        switch self {
        case .constant: return self
        case .step(let a, let b, let at): return at <= offset ? .constant(b) : .step(before: a, after: b, at: at - offset)
        case .ramp(let a, let b, let s, let e): return .ramp(from: a, to: b, start: s - offset, end: e - offset)
        case .diurnal(let m, let a, let p, let peak): return .diurnal(mean: m, amplitude: a, period: p, peakAt: peak - offset)
        }
    }

    /// Throws for negative or non-finite rates, amplitude outside [0, 1] or empty spans.
    public func validated() throws -> RateCurve {
        switch self {
        case .constant(let r): try ParameterError.requireNonNegative(r, "arrivals.rate_per_second")
        case .step(let a, let b, _):
            try ParameterError.requireNonNegative(a, "arrivals.rate_per_second"); try ParameterError.requireNonNegative(b, "arrivals.step.rate_per_second")
        case .ramp(let a, let b, let s, let e):
            try ParameterError.requireNonNegative(a, "arrivals.ramp.from"); try ParameterError.requireNonNegative(b, "arrivals.ramp.to")
            guard e > s else { throw ParameterError(parameter: "arrivals.ramp.end", value: "\(e)", expected: "after start (\(s))") }
        case .diurnal(let m, let a, let p, _):
            try ParameterError.requireNonNegative(m, "arrivals.rate_per_second")
            guard a >= 0 && a <= 1 else { throw ParameterError(parameter: "arrivals.diurnal.amplitude", value: "\(a)", expected: "a number in 0...1") }
            guard p > .zero else { throw ParameterError(parameter: "arrivals.diurnal.period", value: "\(p)", expected: "a duration > 0") }
        }
        guard maximum > 0 else { throw ParameterError(parameter: "arrivals.rate_per_second", value: "0", expected: "a rate > 0 at some time") }
        return self
    }
}

#if canImport(Glibc)
import Glibc
#endif
