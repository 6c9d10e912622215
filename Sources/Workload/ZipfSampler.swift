import SimCore

/// An exact sampler of ranks 1...n with P(k) ∝ k^−s, for any exponent s ≥ 0 (s ≤ 1 included).
///
/// An alias table over the exact weights: O(n) set-up, O(1) per draw. Unlike YCSB's
/// scrambled Zipfian generator it keeps the skew: rank 1 is the most likely.
/// Memory: 12 bytes per rank.
public struct ZipfSampler: Sendable {
    /// Number of ranks.
    public let count: Int
    /// The exponent s.
    public let exponent: Double
    private let table: AliasTable

    /// Throws for n < 1, n ≥ 2^32 or a negative or non-finite exponent.
    public init(count n: Int, exponent s: Double) throws {
        try ParameterError.requirePositive(n, "zipf.count")
        try ParameterError.requireNonNegative(s, "zipf.exponent")
        guard n < Int(UInt32.max) else { throw ParameterError(parameter: "zipf.count", value: "\(n)", expected: "fewer than 2^32 ranks") }
        count = n
        exponent = s
        table = try AliasTable(weights: ZipfSampler.weights(count: n, exponent: s))
    }

    /// The normalised probabilities of ranks 1...n (index 0 is rank 1), summed from the
    /// smallest terms up so the total is accurate.
    public static func weights(count n: Int, exponent s: Double) -> [Double] {
        var w = (1...n).map { pow(Double($0), -s) }
        var total = 0.0
        for i in stride(from: n - 1, through: 0, by: -1) { total += w[i] }
        for i in 0..<n { w[i] /= total }
        return w
    }

    /// A rank in 1...n.
    @inline(__always)
    public func sample(_ stream: RandomStream) -> Int { table.sample(stream) + 1 }
}

#if canImport(Glibc)
import Glibc
#endif
