import Foundation
import SimCore

/// A Zipf exponent fitted to observed frequencies by rank (largest first): least squares of
/// log(frequency) on log(rank), the exponent being minus the slope.
public struct ZipfFit: Sendable, Equatable {
    /// The fitted exponent s (≥ 0): frequency ∝ rank^−s.
    public var exponent: Double
    /// Root-mean-square error of the fit in natural-log units (0.1 ≈ ±10% per rank).
    public var rmsLogError: Double
    /// Ranks the fit used.
    public var points: Int
    /// The fitted frequency of rank 1 (the line's value there): frequency(r) ≈ scale × r^−s.
    public var scale: Double

    /// The fitted frequencies of ranks `from`...`to` summed (the unseen tail of an observed top
    /// list), with the fitted exponent.
    public func tail(from: Int, to: Int) -> Double {
        guard to >= from else { return 0 }
        return (from...to).reduce(0.0) { $0 + scale * pow(Double($1), -exponent) }
    }

    /// Fits the positive values of `frequencies` (largest first); nil with fewer than 3.
    public init?(frequencies: [Double]) {
        let values = frequencies.filter { $0 > 0 }.sorted(by: >)
        guard values.count >= 3,
              let fit = try? LinearFit(values.enumerated().map { (x: log(Double($0.offset + 1)), y: log($0.element)) }) else { return nil }
        exponent = max(0, -fit.slope.mean)
        scale = exp(fit.intercept.mean)
        rmsLogError = (fit.residualSumOfSquares / Double(values.count)).squareRoot()
        points = values.count
    }
}
