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

    /// Fits the positive values of `frequencies` (largest first); nil with fewer than 3.
    public init?(frequencies: [Double]) {
        let values = frequencies.filter { $0 > 0 }.sorted(by: >)
        guard values.count >= 3,
              let fit = try? LinearFit(values.enumerated().map { (x: log(Double($0.offset + 1)), y: log($0.element)) }) else { return nil }
        exponent = max(0, -fit.slope.mean)
        rmsLogError = (fit.residualSumOfSquares / Double(values.count)).squareRoot()
        points = values.count
    }
}
