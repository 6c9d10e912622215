import SimCore

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
    /// transition[c · 5 + d]: probability the count goes from c after one pass to d after the
    /// next (the rest of row 0, e^(−a), is eviction). Inline storage: the cache model builds
    /// one of these per page class and sweep period it tries.
    private var transition = InlineArray<25, Double>(repeating: 0)
    /// Distribution of the count after the first pass (never an eviction: it starts at 1).
    private var afterFirstPass = InlineArray<5, Double>(repeating: 0)
    /// Probability of no access during one period.
    let quiet: Double

    public init(accessesPerPeriod a: Double) {
        accessesPerPeriod = a
        quiet = exp(-a)
        // Poisson(a) probabilities of n = 0...4 accesses and the tails P(N ≥ n).
        var pmf = InlineArray<5, Double>(repeating: 0)
        var term = quiet
        for n in 0..<Self.maximumUsageCount {
            pmf[n] = term
            term *= a / Double(n + 1)
        }
        var atLeast = InlineArray<6, Double>(repeating: 0)
        atLeast[0] = 1
        for n in 1...Self.maximumUsageCount { atLeast[n] = max(0, atLeast[n - 1] - pmf[n - 1]) }
        for c in 0..<Self.states {
            // Count before the pass: min(c + N, 5); after it, one less (eviction when 0).
            for before in max(c, 1)...Self.maximumUsageCount {
                let p = before == Self.maximumUsageCount ? atLeast[Self.maximumUsageCount - c] : pmf[before - c]
                transition[c * Self.states + before - 1] += p
            }
        }
        for n in 0..<(Self.states - 1) { afterFirstPass[n] = pmf[n] }
        afterFirstPass[Self.states - 1] = atLeast[Self.states - 1]
    }

    /// Expected whole periods a page stays, from its load to the pass that evicts it;
    /// infinite when eviction is too unlikely to resolve in double precision.
    public var expectedPeriods: Double {
        // m = (I − M)⁻¹ 1: expected periods to eviction from each post-pass state, by Gaussian
        // elimination with partial pivoting on the 5 × 5 system.
        let n = Self.states
        var a = InlineArray<25, Double>(repeating: 0)
        for r in 0..<n { for c in 0..<n { a[r * n + c] = (r == c ? 1 : 0) - transition[r * n + c] } }
        var b = InlineArray<5, Double>(repeating: 1)
        for col in 0..<n {
            var pivot = col
            for r in (col + 1)..<n where abs(a[r * n + col]) > abs(a[pivot * n + col]) { pivot = r }
            guard abs(a[pivot * n + col]) > 1e-300 else { return .infinity }
            if pivot != col {
                for c in 0..<n { let t = a[pivot * n + c]; a[pivot * n + c] = a[col * n + c]; a[col * n + c] = t }
                let t = b[pivot]; b[pivot] = b[col]; b[col] = t
            }
            for r in (col + 1)..<n {
                let f = a[r * n + col] / a[col * n + col]
                guard f != 0 else { continue }
                for c in col..<n { a[r * n + c] -= f * a[col * n + c] }
                b[r] -= f * b[col]
            }
        }
        var m = InlineArray<5, Double>(repeating: 0)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[r]
            for c in (r + 1)..<n { sum -= a[r * n + c] * m[c] }
            m[r] = sum / a[r * n + r]
        }
        var periods = 1.0
        for i in 0..<n { periods += afterFirstPass[i] * m[i] }
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
        let n = Self.states
        var v = afterFirstPass
        var k = 2
        while body(k, v[0] * quiet) {
            var next = InlineArray<5, Double>(repeating: 0)
            for c in 0..<n where v[c] != 0 {
                for d in 0..<n { next[d] += v[c] * transition[c * n + d] }
            }
            v = next
            k += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
