import CGSL

/// An ordinary least-squares line y = intercept + slope · x (GSL's `gsl_fit_linear`), with
/// Student-t confidence intervals for both coefficients from the fit's covariance.
public struct LinearFit: Sendable, Equatable {
    public var intercept: ConfidenceInterval
    public var slope: ConfidenceInterval
    /// Points fitted.
    public var count: Int
    /// Residual sum of squares, in y's unit squared.
    public var residualSumOfSquares: Double

    /// Fits `points`; throws for fewer than 3 points, non-finite values or x values that are all equal.
    public init(_ points: [(x: Double, y: Double)], level: Double = 0.95) throws {
        guard points.count >= 3 else {
            throw ParameterError(parameter: "LinearFit.points", value: "\(points.count) points", expected: "at least 3 points")
        }
        if let bad = points.first(where: { !$0.x.isFinite || !$0.y.isFinite }) {
            throw ParameterError(parameter: "LinearFit.points", value: "(\(bad.x), \(bad.y))", expected: "finite values")
        }
        guard Set(points.map(\.x)).count > 1 else {
            throw ParameterError(parameter: "LinearFit.points", value: "x = \(points[0].x) for every point", expected: "at least two distinct x values")
        }
        GSL.ready
        let xs = points.map(\.x), ys = points.map(\.y), n = points.count
        var c0 = 0.0, c1 = 0.0, cov00 = 0.0, cov01 = 0.0, cov11 = 0.0, rss = 0.0
        _ = gsl_fit_linear(xs, 1, ys, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &rss)
        let t = try SpecialFunctions.studentTQuantile((1 + level) / 2, degreesOfFreedom: Double(n - 2))
        let s = (rss / Double(n - 2)).squareRoot()
        intercept = ConfidenceInterval(mean: c0, halfWidth: t * cov00.squareRoot(), standardDeviation: s, count: n, level: level)
        slope = ConfidenceInterval(mean: c1, halfWidth: t * cov11.squareRoot(), standardDeviation: s, count: n, level: level)
        count = n
        residualSumOfSquares = rss
    }
}
