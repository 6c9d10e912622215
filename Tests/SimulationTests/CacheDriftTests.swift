import Simulation
import XCTest

/// The cache re-estimate after a small move (`WorkerCache.Solve`): the moved tenants take the
/// hit ratios of the target's last solved times instead of a new solve.
final class CacheDriftTests: XCTestCase {
    /// Zipf-like page classes: class i has (1 + i % 7) × 100 pages, read at 1 / (i + 1)^0.9 per second spread over them.
    private func classes(_ n: Int, offset: Int = 0) -> (pages: [Double], rates: [Double]) {
        let pages = (0..<n).map { Double(1 + ($0 + offset) % 7) * 100 }
        let rates = (0..<n).map { i in 1 / pow(Double(i + offset + 1), 0.9) / pages[i] }
        return (pages, rates)
    }

    /// Under the times a solve found, each class gets exactly the solve's own hit ratios, in every
    /// regime: everything fits, the misses fit in the page cache, both levels overflow.
    func testHitsUnderSolvedTimesAreTheSolvesOwn() throws {
        let (pages, rates) = classes(3_000)
        let total = pages.reduce(0, +)
        for (buffer, pageCache) in [(total * 2, total), (total / 10, total), (total / 10, total / 5), (total / 50, 0)] {
            let cache = try TwoLevelCache(pages: pages, rates: rates, bufferPages: buffer, pageCachePages: pageCache)
            for i in pages.indices {
                let h = TwoLevelCache.hits(rate: rates[i], sweepPeriod: cache.sweepPeriod, pageCacheTime: cache.pageCacheTime)
                XCTAssertEqual(h.buffer, cache.bufferHit[i], "class \(i), buffer \(buffer), page cache \(pageCache)")
                XCTAssertEqual(h.pageCache, cache.pageCacheHit[i], "class \(i), buffer \(buffer), page cache \(pageCache)")
            }
        }
    }

    /// Classes adding 1% to the pages (the re-solve threshold): their hit ratios under the old
    /// times differ from a new solve's by under 0.01, and so does every other class's.
    func testOnePercentMorePagesMovesHitRatiosByLessThanOnePercent() throws {
        let (pages, rates) = classes(5_000)
        let total = pages.reduce(0, +)
        let buffer = total / 10, pageCache = total / 4
        let before = try TwoLevelCache(pages: pages, rates: rates, bufferPages: buffer, pageCachePages: pageCache)
        // Moved-in classes drawn from across the distribution, 1% of the pages.
        var addedPages: [Double] = [], addedRates: [Double] = []
        var i = 0
        while addedPages.reduce(0, +) < 0.01 * total {
            addedPages.append(pages[i])
            addedRates.append(rates[i])
            i += 97
        }
        let after = try TwoLevelCache(pages: pages + addedPages, rates: rates + addedRates, bufferPages: buffer, pageCachePages: pageCache)
        XCTAssertLessThan(after.sweepPeriod, before.sweepPeriod, "more pages must shorten the sweep period")
        var worst = 0.0
        for k in addedPages.indices {
            let old = TwoLevelCache.hits(rate: addedRates[k], sweepPeriod: before.sweepPeriod, pageCacheTime: before.pageCacheTime)
            let j = pages.count + k
            worst = max(worst, abs(old.buffer + old.pageCache - after.bufferHit[j] - after.pageCacheHit[j]))
        }
        for j in pages.indices { worst = max(worst, abs(before.bufferHit[j] + before.pageCacheHit[j] - after.bufferHit[j] - after.pageCacheHit[j])) }
        XCTAssertGreaterThan(worst, 0, "the new solve must differ somewhere")
        XCTAssertLessThan(worst, 0.01)
    }
}
