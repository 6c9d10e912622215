import SimCore

/// PostgreSQL's two cache levels under the independent reference model: shared_buffers,
/// replaced by clock sweep (`ClockSweep`), in front of the OS page cache, an LRU that sees only
/// the buffer's misses (every page the buffer reads passes through it, so it also holds
/// copies of pages the buffer keeps, until they age out).
///
/// Class i has `pages[i]` pages, each accessed at `rates[i]` per second.
/// - Buffer: the sweep period T₁ solves Σ pagesᵢ · residentᵢ(T₁) = buffer pages.
/// - Page cache: page i is asked for at the buffer's misses, which come K·T₁ + Exp(rateᵢ) apart
///   (K the periods it stayed in the buffer). Che's approximation for renewal requests: an LRU
///   with characteristic time T₂ holds the page while the time since its last request is under
///   T₂, and a request hits when the gap since the previous one is under T₂; T₂ solves
///   Σ pagesᵢ · P(time since last requestᵢ < T₂) = page-cache pages.
/// Validated against a brute-force clock sweep in front of an LRU (`TwoLevelCacheTests`).
/// Not modelled: writes (a dirty buffer's write-back also refreshes the page cache), the
/// kernel's active/inactive lists, and sequential scans' ring buffers.
public struct TwoLevelCache: Sendable {
    /// Per class: probability that an access finds the page in shared_buffers.
    public let bufferHit: [Double]
    /// Per class: probability that an access misses shared_buffers and finds the page in the
    /// page cache (the rest, 1 − bufferHit − pageCacheHit, is read from disk).
    public let pageCacheHit: [Double]
    /// The clock sweep's period T₁ and the page cache's characteristic time T₂, seconds
    /// (infinite when everything accessed fits).
    public let sweepPeriod: Double
    public let pageCacheTime: Double

    public init(pages: [Double], rates: [Double], bufferPages: Double, pageCachePages: Double) throws {
        guard pages.count == rates.count else {
            throw ParameterError(parameter: "TwoLevelCache.rates", value: "\(rates.count) classes", expected: "\(pages.count), one per page class")
        }
        try ParameterError.requireNonNegative(bufferPages, "TwoLevelCache.bufferPages")
        try ParameterError.requireNonNegative(pageCachePages, "TwoLevelCache.pageCachePages")
        for (p, r) in zip(pages, rates) {
            try ParameterError.requireNonNegative(p, "TwoLevelCache.pages")
            try ParameterError.requireNonNegative(r, "TwoLevelCache.rates")
        }
        let accessed = pages.indices.filter { rates[$0] > 0 && pages[$0] > 0 }
        let accessedPages = accessed.reduce(0.0) { $0 + pages[$1] }
        guard accessedPages > bufferPages else {
            bufferHit = rates.map { $0 > 0 ? 1 : 0 }
            pageCacheHit = rates.map { _ in 0 }
            sweepPeriod = .infinity
            pageCacheTime = .infinity
            return
        }
        // Level 1: the sweep period.
        func resident(_ t: Double) -> Double {
            accessed.reduce(0.0) { $0 + pages[$1] * ClockSweep(accessesPerPeriod: rates[$1] * t).residentProbability }
        }
        let t1 = Self.solve(from: 1 / accessed.reduce(0.0) { max($0, rates[$1]) }, bufferPages, resident)
        var h1 = [Double](repeating: 0, count: pages.count)
        var sweeps: [(index: Int, sweep: ClockSweep)] = []
        for i in accessed {
            let sweep = ClockSweep(accessesPerPeriod: rates[i] * t1)
            h1[i] = sweep.residentProbability
            if h1[i] < 1 { sweeps.append((i, sweep)) }
        }
        bufferHit = h1
        sweepPeriod = t1
        // Level 2: the page cache over the buffer's misses.
        let missedPages = sweeps.reduce(0.0) { $0 + pages[$1.index] }
        guard missedPages > pageCachePages else {
            pageCacheHit = pages.indices.map { rates[$0] > 0 && pages[$0] > 0 ? 1 - h1[$0] : 0 }
            pageCacheTime = .infinity
            return
        }
        /// (occupancy, hit probability) of class `i` at characteristic time `t2`.
        func level2(_ i: Int, _ sweep: ClockSweep, _ t2: Double) -> (occupancy: Double, hit: Double) {
            let rate = rates[i], missRate = rate * (1 - h1[i])
            var seen = 0.0, held = 0.0, hit = 0.0
            sweep.forEachEvictionPeriod { k, p in
                let stay = Double(k) * t1
                guard stay < t2 else { return false }
                let returns = -expm1(-rate * (t2 - stay))
                held += p * (stay + returns / rate)
                hit += p * returns
                seen += p
                return seen < 1 - 1e-12
            }
            held += max(0, 1 - seen) * t2
            return (missRate * held, hit)
        }
        func occupancy(_ t2: Double) -> Double {
            sweeps.reduce(0.0) { $0 + pages[$1.index] * level2($1.index, $1.sweep, t2).occupancy }
        }
        let t2 = Self.solve(from: t1, pageCachePages, occupancy)
        var h2 = [Double](repeating: 0, count: pages.count)
        for (i, sweep) in sweeps { h2[i] = (1 - h1[i]) * level2(i, sweep, t2).hit }
        pageCacheHit = h2
        pageCacheTime = t2
    }

    /// The smallest t with `occupancy(t)` ≥ `capacity`, for an occupancy rising from 0 past it:
    /// a doubling bracket from `start`, then bisection in log space to 1e-10 relative.
    private static func solve(from start: Double, _ capacity: Double, _ occupancy: (Double) -> Double) -> Double {
        var lo = 0.0, hi = start > 0 && start.isFinite ? start : 1
        while occupancy(hi) < capacity { lo = hi; hi *= 2 }
        for _ in 0..<200 {
            let mid = lo == 0 ? hi / 2 : (lo * hi).squareRoot()
            if occupancy(mid) < capacity { lo = mid } else { hi = mid }
            if hi - lo <= hi * 1e-10 { break }
        }
        return hi
    }

    /// Access-weighted shares of all accesses: in shared_buffers, in the page cache, from disk.
    public func shares(pages: [Double], rates: [Double]) -> (buffer: Double, pageCache: Double, disk: Double) {
        var buffer = 0.0, pageCache = 0.0, total = 0.0
        for i in pages.indices {
            let accesses = pages[i] * rates[i]
            buffer += accesses * bufferHit[i]
            pageCache += accesses * pageCacheHit[i]
            total += accesses
        }
        guard total > 0 else { return (1, 0, 0) }
        return (buffer / total, pageCache / total, max(0, 1 - (buffer + pageCache) / total))
    }
}

#if canImport(Glibc)
import Glibc
#endif
