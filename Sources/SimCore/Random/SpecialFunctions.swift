import CGSL
#if canImport(Glibc)
import Glibc
#endif

/// Special functions from GSL that the models need.
public enum SpecialFunctions {
    /// Hurwitz zeta ζ(s, q) = Σ_{k≥0} (k + q)^-s, for s > 1 and q > 0.
    public static func hurwitzZeta(s: Double, q: Double) throws -> Double {
        guard s.isFinite && s > 1 else { throw ParameterError(parameter: "hurwitzZeta.s", value: "\(s)", expected: "a finite number > 1") }
        try ParameterError.requirePositive(q, "hurwitzZeta.q")
        GSL.ready
        return gsl_sf_hzeta(s, q)
    }

    /// The generalised harmonic number H(n, s) = Σ_{k=1..n} k^-s: the normalising
    /// constant of a Zipf distribution over n ranks with exponent s.
    ///
    /// For s > 1 and large n it is ζ(s, 1) − ζ(s, n + 1) (Hurwitz zeta, O(1)); otherwise
    /// the sum is taken directly up to 10^6 terms and by the Euler–Maclaurin formula
    /// beyond (error < 1e-12 relative).
    public static func generalizedHarmonic(n: Int, s: Double) throws -> Double {
        try ParameterError.requirePositive(n, "generalizedHarmonic.n")
        try ParameterError.requireNonNegative(s, "generalizedHarmonic.s")
        let direct = 1_000_000
        if n <= direct {
            return directHarmonic(1, n, s)
        }
        if s > 1 {
            return try hurwitzZeta(s: s, q: 1) - hurwitzZeta(s: s, q: Double(n) + 1)
        }
        // Sum the first `direct` terms exactly, then Euler–Maclaurin for the tail (m, n].
        let m = Double(direct)
        let head = directHarmonic(1, direct, s)
        let nn = Double(n)
        let integral = s == 1 ? Glibc.log(nn) - Glibc.log(m) : (pow(nn, 1 - s) - pow(m, 1 - s)) / (1 - s)
        let f = { (x: Double) in pow(x, -s) }
        let fp = { (x: Double) in -s * pow(x, -s - 1) }
        let tail = integral + (f(nn) - f(m)) / 2 + (fp(nn) - fp(m)) / 12
        return head + tail
    }

    /// Σ_{k=from...to} k^-s, summed from the smallest terms up for accuracy.
    private static func directHarmonic(_ from: Int, _ to: Int, _ s: Double) -> Double {
        var sum = 0.0
        var k = to
        while k >= from {
            sum += pow(Double(k), -s)
            k -= 1
        }
        return sum
    }

    /// The p-quantile of Student's t distribution with `degreesOfFreedom`.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom: Double) throws -> Double {
        guard p > 0 && p < 1 else { throw ParameterError(parameter: "studentTQuantile.p", value: "\(p)", expected: "a probability in (0, 1)") }
        try ParameterError.requirePositive(degreesOfFreedom, "studentTQuantile.degreesOfFreedom")
        GSL.ready
        return gsl_cdf_tdist_Pinv(p, degreesOfFreedom)
    }
}
