import CGSL
#if canImport(Glibc)
import Glibc
#endif

/// A continuous distribution of non-negative values (service demands, sizes, delays),
/// sampled through GSL.
///
/// Heavy-tailed shapes are given by mean and coefficient of variation (CV = sd / mean),
/// the way capacity planners describe them; `make` validates and converts to GSL's
/// parameters once, so sampling does no checking.
public enum Distribution: Sendable, Equatable {
    /// Always `value`.
    case constant(Double)
    /// Exponential with the given mean (CV 1).
    case exponential(mean: Double)
    /// Lognormal: log of the value is normal with location `zeta` and scale `sigma`.
    case lognormal(zeta: Double, sigma: Double)
    /// Gamma with shape `k` and scale `theta` (mean k·theta).
    case gamma(shape: Double, scale: Double)
    /// Pareto (type I): P(X > x) = (scale / x)^shape for x >= scale.
    case pareto(shape: Double, scale: Double)
    /// Weibull: P(X > x) = exp(-(x / scale)^shape).
    case weibull(shape: Double, scale: Double)
    /// Uniform on [low, high).
    case uniform(low: Double, high: Double)

    /// A lognormal with the given mean and CV.
    public static func lognormal(mean: Double, cv: Double) throws -> Distribution {
        try ParameterError.requirePositive(mean, "lognormal.mean")
        try ParameterError.requirePositive(cv, "lognormal.cv")
        let sigma2 = (1 + cv * cv).log()
        return .lognormal(zeta: mean.log() - sigma2 / 2, sigma: sigma2.squareRoot())
    }

    /// A gamma with the given mean and CV (shape 1/CV², scale mean·CV²).
    public static func gamma(mean: Double, cv: Double) throws -> Distribution {
        try ParameterError.requirePositive(mean, "gamma.mean")
        try ParameterError.requirePositive(cv, "gamma.cv")
        return .gamma(shape: 1 / (cv * cv), scale: mean * cv * cv)
    }

    /// Checks every parameter; throws a `ParameterError` naming the first bad one.
    public func validated(_ context: String = "distribution") throws -> Distribution {
        switch self {
        case .constant(let v): try ParameterError.requireNonNegative(v, "\(context).value")
        case .exponential(let mean): try ParameterError.requirePositive(mean, "\(context).mean")
        case .lognormal(let zeta, let sigma):
            guard zeta.isFinite else { throw ParameterError(parameter: "\(context).zeta", value: "\(zeta)", expected: "a finite number") }
            try ParameterError.requirePositive(sigma, "\(context).sigma")
        case .gamma(let k, let theta), .pareto(let k, let theta), .weibull(let k, let theta):
            try ParameterError.requirePositive(k, "\(context).shape")
            try ParameterError.requirePositive(theta, "\(context).scale")
        case .uniform(let low, let high):
            try ParameterError.requireNonNegative(low, "\(context).low")
            guard high.isFinite && high >= low else {
                throw ParameterError(parameter: "\(context).high", value: "\(high)", expected: "a finite number >= low (\(low))")
            }
        }
        return self
    }

    /// The distribution's mean (infinite for Pareto with shape <= 1).
    public var mean: Double {
        switch self {
        case .constant(let v): return v
        case .exponential(let m): return m
        case .lognormal(let zeta, let sigma): return (zeta + sigma * sigma / 2).exp()
        case .gamma(let k, let theta): return k * theta
        case .pareto(let a, let b): return a > 1 ? a * b / (a - 1) : .infinity
        case .weibull(let k, let lambda): return lambda * gsl_sf_gamma(1 + 1 / k)
        case .uniform(let lo, let hi): return (lo + hi) / 2
        }
    }

    /// The second moment E[X²] (infinite for Pareto with shape <= 2).
    public var secondMoment: Double {
        switch self {
        case .constant(let v): return v * v
        case .exponential(let m): return 2 * m * m
        case .lognormal(let zeta, let sigma): return (2 * zeta + 2 * sigma * sigma).exp()
        case .gamma(let k, let theta): return k * (k + 1) * theta * theta
        case .pareto(let a, let b): return a > 2 ? a * b * b / (a - 2) : .infinity
        case .weibull(let k, let lambda): return lambda * lambda * gsl_sf_gamma(1 + 2 / k)
        case .uniform(let lo, let hi): return (lo * lo + lo * hi + hi * hi) / 3
        }
    }

    /// The same shape with every value multiplied by `k` > 0 (mean x k, same coefficient of variation).
    public func scaled(by k: Double) -> Distribution {
        switch self {
        case .constant(let v): return .constant(v * k)
        case .exponential(let m): return .exponential(mean: m * k)
        case .lognormal(let zeta, let sigma): return .lognormal(zeta: zeta + Glibc.log(k), sigma: sigma)
        case .gamma(let shape, let theta): return .gamma(shape: shape, scale: theta * k)
        case .pareto(let a, let b): return .pareto(shape: a, scale: b * k)
        case .weibull(let shape, let lambda): return .weibull(shape: shape, scale: lambda * k)
        case .uniform(let lo, let hi): return .uniform(low: lo * k, high: hi * k)
        }
    }

    /// Coefficient of variation, sd / mean.
    public var cv: Double {
        let m = mean
        return (secondMoment - m * m).squareRoot() / m
    }

    /// One draw from `stream`.
    @inlinable
    public func sample(_ stream: RandomStream) -> Double {
        let r = stream.rng
        switch self {
        case .constant(let v): return v
        case .exponential(let m): return gsl_ran_exponential(r, m)
        // exp of a ziggurat normal: the same distribution as gsl_ran_lognormal (polar
        // Box–Muller), about twice as fast.
        case .lognormal(let zeta, let sigma): return Glibc.exp(zeta + gsl_ran_gaussian_ziggurat(r, sigma))
        case .gamma(let k, let theta): return gsl_ran_gamma(r, k, theta)
        case .pareto(let a, let b): return gsl_ran_pareto(r, a, b)
        case .weibull(let k, let lambda): return gsl_ran_weibull(r, lambda, k)
        case .uniform(let lo, let hi): return gsl_ran_flat(r, lo, hi)
        }
    }
}

extension Double {
    @usableFromInline func log() -> Double { Glibc.log(self) }
    @usableFromInline func exp() -> Double { Glibc.exp(self) }
}
