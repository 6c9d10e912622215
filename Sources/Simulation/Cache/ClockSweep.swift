/// A page's stay in PostgreSQL's shared_buffers under the clock sweep, in a mean-field model.
///
/// PostgreSQL (`StrategyGetBuffer`, `PinBuffer`): a page read into a buffer starts with usage
/// count 1; every access raises it by one up to `maximumUsageCount` (`BM_MAX_USAGE_COUNT`); the
/// sweep's hand, looking for a victim, lowers the count of each buffer it passes and takes the
/// first one at 0. Mean-field assumption (as Che's for LRU): the hand passes every buffer once
/// per sweep period T seconds. A page loaded by a miss takes the buffer the hand has just
/// freed, so its first pass comes a whole period later; accesses to it are Poisson at `rate`.
/// The usage count after each pass is then a Markov chain on 0...4, and the page is evicted
/// at a pass that finds it at 0 (no access since the last pass, count already 0).
public struct ClockSweep: Sendable {
    public static let maximumUsageCount = 5
    /// Post-pass states 0...4.
    static let states = 5

    /// Accesses per period (rate × T).
    public let accessesPerPeriod: Double
    /// transition[c][d]: probability the count goes from c after one pass to d after the next
    /// (the rest of row 0, e^(−a), is eviction).
    private(set) var transition = [[Double]](repeating: [Double](repeating: 0, count: states), count: states)
    /// Distribution of the count after the first pass (never an eviction: it starts at 1).
    private(set) var afterFirstPass = [Double](repeating: 0, count: states)
    /// Probability of no access during one period.
    let quiet: Double

    public init(accessesPerPeriod a: Double) {
        accessesPerPeriod = a
        quiet = exp(-a)
        // Poisson(a) probabilities of n = 0...4 accesses and the tails P(N ≥ n).
        var pmf = [Double](repeating: 0, count: Self.maximumUsageCount)
        var term = quiet
        for n in 0..<Self.maximumUsageCount {
            pmf[n] = term
            term *= a / Double(n + 1)
        }
        var atLeast = [Double](repeating: 0, count: Self.maximumUsageCount + 1)
        atLeast[0] = 1
        for n in 1...Self.maximumUsageCount { atLeast[n] = max(0, atLeast[n - 1] - pmf[n - 1]) }
        for c in 0..<Self.states {
            // Count before the pass: min(c + N, 5); after it, one less (eviction when 0).
            for before in max(c, 1)...Self.maximumUsageCount {
                let p = before == Self.maximumUsageCount ? atLeast[Self.maximumUsageCount - c] : pmf[before - c]
                transition[c][before - 1] += p
            }
        }
        for n in 0..<(Self.states - 1) { afterFirstPass[n] = pmf[n] }
        afterFirstPass[Self.states - 1] = atLeast[Self.states - 1]
    }

    /// Expected whole periods a page stays, from its load to the pass that evicts it;
    /// infinite when eviction is too unlikely to resolve in double precision.
    public var expectedPeriods: Double {
        // m = (I − M)⁻¹ 1: expected periods to eviction from each post-pass state.
        var a = (0..<Self.states).map { r in (0..<Self.states).map { c in (r == c ? 1 : 0) - transition[r][c] } }
        var b = [Double](repeating: 1, count: Self.states)
        for col in 0..<Self.states {
            var pivot = col
            for r in (col + 1)..<Self.states where abs(a[r][col]) > abs(a[pivot][col]) { pivot = r }
            guard abs(a[pivot][col]) > 1e-300 else { return .infinity }
            if pivot != col { a.swapAt(pivot, col); b.swapAt(pivot, col) }
            for r in (col + 1)..<Self.states {
                let f = a[r][col] / a[col][col]
                guard f != 0 else { continue }
                for c in col..<Self.states { a[r][c] -= f * a[col][c] }
                b[r] -= f * b[col]
            }
        }
        var m = [Double](repeating: 0, count: Self.states)
        for r in stride(from: Self.states - 1, through: 0, by: -1) {
            var sum = b[r]
            for c in (r + 1)..<Self.states { sum -= a[r][c] * m[c] }
            m[r] = sum / a[r][r]
        }
        var periods = 1.0
        for n in 0..<Self.states { periods += afterFirstPass[n] * m[n] }
        return periods.isFinite && periods > 0 ? periods : .infinity
    }

    /// Probability the page is in shared_buffers when it is accessed: by renewal reward and
    /// PASTA, residence / (residence + mean time to the next access after eviction).
    public var residentProbability: Double {
        let k = expectedPeriods
        guard k.isFinite else { return 1 }
        return accessesPerPeriod * k / (accessesPerPeriod * k + 1)
    }

    /// Calls `body(k, p)` for k = 2, 3, ... with p the probability that the page is evicted at
    /// the k-th pass after its load (it never is at the first), while `body` returns true.
    func forEachEvictionPeriod(_ body: (Int, Double) -> Bool) {
        var v = afterFirstPass
        var next = [Double](repeating: 0, count: Self.states)
        var k = 2
        while body(k, v[0] * quiet) {
            for d in 0..<Self.states {
                var s = 0.0
                for c in 0..<Self.states { s += v[c] * transition[c][d] }
                next[d] = s
            }
            swap(&v, &next)
            k += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
