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
        // The characteristic times are solved on rate bins: classes whose rates lie within
        // 0.1% of each other share one, at their page-weighted mean rate. Occupancy is smooth in
        // the rate, so the times barely move, and the solve costs the same for 200,000 page
        // classes as for a few thousand. Each class's hit ratios then come from its own rate.
        let bins = Self.bins(accessed.sorted { (rates[$0], $0) < (rates[$1], $1) }, pages, rates)
        // Level 1: the sweep period.
        func resident(_ t: Double) -> Double {
            bins.reduce(0.0) { $0 + $1.pages * ClockSweep(accessesPerPeriod: $1.rate * t).residentProbability }
        }
        let t1 = Self.solve(from: 1 / (bins.last?.rate ?? 1), bufferPages, resident)
        var h1 = [Double](repeating: 0, count: pages.count)
        var missed: [Int] = []
        for i in accessed {
            h1[i] = Self.bufferHit(rate: rates[i], sweepPeriod: t1)
            if h1[i] < 1 { missed.append(i) }
        }
        bufferHit = h1
        sweepPeriod = t1
        // Level 2: the page cache over the buffer's misses.
        let missedBins = bins.map { (pages: $0.pages, rate: $0.rate, sweep: ClockSweep(accessesPerPeriod: $0.rate * t1)) }
            .filter { $0.sweep.expectedPeriods.isFinite }
        guard missedBins.reduce(0.0, { $0 + $1.pages }) > pageCachePages else {
            pageCacheHit = pages.indices.map { rates[$0] > 0 && pages[$0] > 0 ? 1 - h1[$0] : 0 }
            pageCacheTime = .infinity
            return
        }
        let t2 = Self.solve(from: t1, pageCachePages) { t2 in
            missedBins.reduce(0.0) { $0 + $1.pages * Self.pageCache(rate: $1.rate, sweep: $1.sweep, sweepPeriod: t1, time: t2).occupancy }
        }
        var h2 = [Double](repeating: 0, count: pages.count)
        for i in missed { h2[i] = Self.pageCacheHit(rate: rates[i], bufferHit: h1[i], sweepPeriod: t1, pageCacheTime: t2) }
        pageCacheHit = h2
        pageCacheTime = t2
    }

    /// The hit ratios of a page class accessed at `rate` per page per second (> 0) under
    /// characteristic times solved before (`sweepPeriod`, `pageCacheTime`): what the full
    /// solve gives a class when adding it would not move the times.
    public static func hits(rate: Double, sweepPeriod t1: Double, pageCacheTime t2: Double) -> (buffer: Double, pageCache: Double) {
        guard rate > 0 else { return (0, 0) }
        guard t1.isFinite else { return (1, 0) }
        let h1 = bufferHit(rate: rate, sweepPeriod: t1)
        guard h1 < 1 else { return (h1, 0) }
        guard t2.isFinite else { return (h1, 1 - h1) }
        return (h1, pageCacheHit(rate: rate, bufferHit: h1, sweepPeriod: t1, pageCacheTime: t2))
    }

    private static func bufferHit(rate: Double, sweepPeriod t1: Double) -> Double {
        ClockSweep(accessesPerPeriod: rate * t1).residentProbability
    }

    private static func pageCacheHit(rate: Double, bufferHit h1: Double, sweepPeriod t1: Double, pageCacheTime t2: Double) -> Double {
        (1 - h1) * pageCache(rate: rate, sweep: ClockSweep(accessesPerPeriod: rate * t1), sweepPeriod: t1, time: t2).hit
    }

    /// Classes (in rising rate order) merged into bins of rates within 0.1%: (pages, page-weighted mean rate).
    private static func bins(_ order: [Int], _ pages: [Double], _ rates: [Double]) -> [(pages: Double, rate: Double)] {
        var out: [(pages: Double, rate: Double)] = []
        var start = 0.0, binPages = 0.0, accesses = 0.0
        for i in order {
            if binPages > 0 && rates[i] > start * 1.001 {
                out.append((binPages, accesses / binPages))
                binPages = 0
                accesses = 0
            }
            if binPages == 0 { start = rates[i] }
            binPages += pages[i]
            accesses += pages[i] * rates[i]
        }
        if binPages > 0 { out.append((binPages, accesses / binPages)) }
        return out
    }

    /// Periods of a buffer stay summed one by one; the rarer, longer stays beyond are taken at
    /// their conditional mean length (hot pages, whose buffer misses are rare).
    static let summedPeriods = 2048

    /// A page's share of time in the page cache (occupancy) and the probability that a request
    /// to the page cache finds it (hit), at characteristic time `time`: requests come at the
    /// buffer's misses, K·T₁ + Exp(rate) apart, K from `sweep`.
    private static func pageCache(rate: Double, sweep: ClockSweep, sweepPeriod t1: Double, time t2: Double) -> (occupancy: Double, hit: Double) {
        let expected = sweep.expectedPeriods
        guard expected.isFinite else { return (0, 0) }
        let missRate = rate / (rate * t1 * expected + 1)
        var seen = 0.0, periods = 0.0, held = 0.0, hit = 0.0
        func add(_ stay: Double, _ p: Double) {
            let returns = -expm1(-rate * (t2 - stay))
            held += p * (stay + returns / rate)
            hit += p * returns
        }
        var capped = false
        sweep.forEachEvictionPeriod { k, p in
            let stay = Double(k) * t1
            guard stay < t2 else { return false }
            guard k <= summedPeriods else { capped = true; return false }
            add(stay, p)
            seen += p
            periods += Double(k) * p
            return seen < 1 - 1e-12
        }
        let rest = max(0, 1 - seen)
        if capped && rest > 0 {
            let stay = max(Double(summedPeriods + 1), (expected - periods) / rest) * t1
            if stay < t2 { add(stay, rest) } else { held += rest * t2 }
        } else {
            held += rest * t2
        }
        return (missRate * held, hit)
    }

    /// The smallest t with `occupancy(t)` ≥ `capacity`, for an occupancy rising from 0 past it:
    /// a doubling bracket from `start`, then bisection in log space to 1e-10 relative.
    private static func solve(from start: Double, _ capacity: Double, _ occupancy: (Double) -> Double) -> Double {
        var lo = 0.0, hi = start > 0 && start.isFinite ? start : 1
        while occupancy(hi) < capacity {
            lo = hi
            hi *= 2
            guard hi.isFinite else { return .infinity }
        }
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
