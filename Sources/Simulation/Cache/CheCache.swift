import SimCore

/// LRU cache hit ratios by Che's approximation, for objects grouped into classes whose
/// pages are accessed independently (the independent reference model).
///
/// Class i has `pages[i]` pages, each accessed at `rates[i]` per second. An LRU cache of
/// `capacity` pages keeps a page if it was accessed within the characteristic time T, which
/// solves Σ pages_i · (1 − e^(−rate_i·T)) = capacity; the hit ratio of class i is then
/// 1 − e^(−rate_i·T). Accurate for IRM workloads (Che, Tung, Wang 2002; Fricker et al. 2012).
/// The simulation used it for shared_buffers and the page cache as one LRU of their combined
/// size until `TwoLevelCache`; it stays as the one-LRU estimate the two levels are compared
/// with (`TwoLevelCacheTests`) and as a check of Che's approximation (`CacheModelTests`).
public struct CheCache: Sendable {
    /// Hit ratio per class.
    public let hitRatio: [Double]
    /// The characteristic time T in seconds (infinite when everything fits).
    public let characteristicTime: Double

    public init(pages: [Double], rates: [Double], capacity: Double) throws {
        guard pages.count == rates.count else {
            throw ParameterError(parameter: "CheCache.rates", value: "\(rates.count) classes", expected: "\(pages.count), one per page class")
        }
        try ParameterError.requireNonNegative(capacity, "CheCache.capacity")
        for (p, r) in zip(pages, rates) {
            try ParameterError.requireNonNegative(p, "CheCache.pages")
            try ParameterError.requireNonNegative(r, "CheCache.rates")
        }
        let accessed = zip(pages, rates).reduce(0.0) { $0 + ($1.1 > 0 ? $1.0 : 0) }
        guard accessed > capacity else {
            characteristicTime = .infinity
            hitRatio = rates.map { $0 > 0 ? 1 : 0 }
            return
        }
        func occupancy(_ t: Double) -> Double {
            var sum = 0.0
            for i in pages.indices where rates[i] > 0 { sum += pages[i] * -expm1(-rates[i] * t) }
            return sum
        }
        // occupancy(T) rises from 0 to `accessed` > capacity: bracket, then bisect in log space.
        var lo = 0.0, hi = 1.0
        while occupancy(hi) < capacity { lo = hi; hi *= 2 }
        for _ in 0..<200 {
            let mid = lo == 0 ? hi / 2 : (lo * hi).squareRoot()
            if occupancy(mid) < capacity { lo = mid } else { hi = mid }
            if hi - lo <= hi * 1e-12 { break }
        }
        characteristicTime = hi
        hitRatio = rates.map { -expm1(-$0 * hi) }
    }

    /// The access-weighted hit ratio over all classes.
    public func overallHitRatio(pages: [Double], rates: [Double]) -> Double {
        var hits = 0.0, total = 0.0
        for i in pages.indices {
            let accesses = pages[i] * rates[i]
            hits += accesses * hitRatio[i]
            total += accesses
        }
        return total > 0 ? hits / total : 1
    }
}

#if canImport(Glibc)
import Glibc
#endif
