import SimCore
import Simulation
import Workload
import XCTest

/// PostgreSQL's clock sweep over `buffers` slots in front of an LRU of `pageCache` pages that
/// sees only the sweep's misses, page by page (the reference the analytic model must match).
struct BruteForceTwoLevelCache {
    private var slotPage: [Int], usage: [Int], slotOf: [Int]
    private var hand = 0
    // The LRU: a doubly linked list over page ids in arrays; -1 ends it, `inLRU` marks members.
    private var prev: [Int], next: [Int], inLRU: [Bool]
    private var head = -1, tail = -1, size = 0
    let pageCache: Int

    init(pages: Int, buffers: Int, pageCache: Int) {
        slotPage = [Int](repeating: -1, count: buffers)
        usage = [Int](repeating: 0, count: buffers)
        slotOf = [Int](repeating: -1, count: pages)
        prev = [Int](repeating: -1, count: pages)
        next = [Int](repeating: -1, count: pages)
        inLRU = [Bool](repeating: false, count: pages)
        self.pageCache = pageCache
    }

    enum Level { case buffer, pageCache, disk }

    mutating func access(_ page: Int) -> Level {
        if slotOf[page] >= 0 {
            let s = slotOf[page]
            usage[s] = min(usage[s] + 1, ClockSweep.maximumUsageCount)
            return .buffer
        }
        let level: Level = inLRU[page] ? .pageCache : .disk
        touchLRU(page)
        // StrategyGetBuffer: lower counts until a buffer at 0 (or an empty one) is found.
        while slotPage[hand] >= 0 && usage[hand] > 0 {
            usage[hand] -= 1
            hand = (hand + 1) % slotPage.count
        }
        if slotPage[hand] >= 0 { slotOf[slotPage[hand]] = -1 }
        slotPage[hand] = page
        usage[hand] = 1
        slotOf[page] = hand
        hand = (hand + 1) % slotPage.count
        return level
    }

    private mutating func touchLRU(_ p: Int) {
        guard pageCache > 0 else { return }
        if inLRU[p] { unlink(p) } else { size += 1; inLRU[p] = true }
        next[p] = head
        prev[p] = -1
        if head >= 0 { prev[head] = p }
        head = p
        if tail < 0 { tail = p }
        if size > pageCache {
            let victim = tail
            unlink(victim)
            inLRU[victim] = false
            size -= 1
        }
    }

    private mutating func unlink(_ p: Int) {
        if prev[p] >= 0 { next[prev[p]] = next[p] } else { head = next[p] }
        if next[p] >= 0 { prev[next[p]] = prev[p] } else { tail = prev[p] }
        prev[p] = -1
        next[p] = -1
    }
}

final class TwoLevelCacheTests: XCTestCase {
    /// Shares (buffer, page cache, disk) of `measured` accesses after `warmup`, pages drawn
    /// by their rates.
    func bruteForce(rates: [Double], buffers: Int, pageCache: Int, warmup: Int, measured: Int, seed: UInt64) throws -> [Double] {
        let table = try AliasTable(weights: rates)
        let stream = RandomStream(runSeed: seed, name: "two-level")
        var cache = BruteForceTwoLevelCache(pages: rates.count, buffers: buffers, pageCache: pageCache)
        var counts = [0, 0, 0]
        for i in 0..<(warmup + measured) {
            let level = cache.access(table.sample(stream))
            guard i >= warmup else { continue }
            switch level {
            case .buffer: counts[0] += 1
            case .pageCache: counts[1] += 1
            case .disk: counts[2] += 1
            }
        }
        return counts.map { Double($0) / Double(measured) }
    }

    /// Zipf page popularity over 20,000 pages, shared_buffers from 5% to 20% of them and page
    /// caches from as large as the buffer (duplicates matter most) to four times it: every
    /// share within 0.01 of the brute force (the bound).
    func testMatchesBruteForceOnZipfCases() throws {
        let pages = 20_000
        let cases: [(s: Double, buffers: Int, pageCache: Int)] = [
            (0.6, 1_000, 4_000), (0.6, 2_000, 2_000), (0.9, 2_000, 2_000), (0.9, 4_000, 8_000),
            (1.2, 1_000, 4_000), (1.2, 500, 8_000),
        ]
        for (n, c) in cases.enumerated() {
            let rates = ZipfSampler.weights(count: pages, exponent: c.s)
            let model = try TwoLevelCache(pages: [Double](repeating: 1, count: pages), rates: rates,
                                          bufferPages: Double(c.buffers), pageCachePages: Double(c.pageCache))
            let predicted = model.shares(pages: [Double](repeating: 1, count: pages), rates: rates)
            let measured = try bruteForce(rates: rates, buffers: c.buffers, pageCache: c.pageCache,
                                          warmup: 400_000, measured: 800_000, seed: UInt64(11 + n))
            let label = "s \(c.s), buffers \(c.buffers), page cache \(c.pageCache)"
            print("\(label): model \(predicted), brute force \(measured)")
            XCTAssertEqual(predicted.buffer, measured[0], accuracy: 0.01, label)
            XCTAssertEqual(predicted.pageCache, measured[1], accuracy: 0.01, label)
            XCTAssertEqual(predicted.disk, measured[2], accuracy: 0.01, label)
        }
    }

    /// Pages in classes (a tenant's pages share a rate) give the same answer as one class per
    /// page, and the two levels read more from disk than one LRU of their combined size (the
    /// page cache holds copies of what the buffer keeps).
    func testClassesAndTheOneLRUEstimate() throws {
        let tenants = 300
        let sizes = ZipfSampler.weights(count: tenants, exponent: 1.1).map { max(1, ($0 * 8_000).rounded()) }
        let activity = ZipfSampler.weights(count: tenants, exponent: 0.9)
        let rates = zip(activity, sizes).map { $0 / $1 }
        let grouped = try TwoLevelCache(pages: sizes, rates: rates, bufferPages: 600, pageCachePages: 1_800)
        var perPage: [Double] = []
        for (r, s) in zip(rates, sizes) { perPage += [Double](repeating: r, count: Int(s)) }
        let ungrouped = try TwoLevelCache(pages: [Double](repeating: 1, count: perPage.count), rates: perPage,
                                          bufferPages: 600, pageCachePages: 1_800)
        let a = grouped.shares(pages: sizes, rates: rates)
        let b = ungrouped.shares(pages: [Double](repeating: 1, count: perPage.count), rates: perPage)
        XCTAssertEqual(a.buffer, b.buffer, accuracy: 1e-9)
        XCTAssertEqual(a.disk, b.disk, accuracy: 1e-9)
        let oneLRU = try CheCache(pages: sizes, rates: rates, capacity: 2_400)
        let lruDisk = 1 - oneLRU.overallHitRatio(pages: sizes, rates: rates)
        print("disk reads: two levels \(a.disk), one LRU \(lruDisk)")
        XCTAssertGreaterThan(a.disk, 1.05 * lruDisk, "two levels \(a.disk), one LRU \(lruDisk)")
    }

    /// Edge cases: everything fits in the buffer; the misses all fit in the page cache; a cold
    /// page stays two sweeps; bad input.
    func testEdgesAndBadInput() throws {
        let fits = try TwoLevelCache(pages: [10, 20], rates: [1, 0], bufferPages: 10, pageCachePages: 0)
        XCTAssertEqual(fits.bufferHit, [1, 0])
        XCTAssertEqual(fits.pageCacheHit, [0, 0])
        let second = try TwoLevelCache(pages: [10, 20], rates: [1, 0.1], bufferPages: 10, pageCachePages: 30)
        XCTAssertEqual(second.bufferHit[0] + second.pageCacheHit[0], 1, accuracy: 1e-12)
        XCTAssertEqual(second.bufferHit[1] + second.pageCacheHit[1], 1, accuracy: 1e-12)
        XCTAssertLessThan(second.bufferHit[1], second.bufferHit[0])
        XCTAssertEqual(ClockSweep(accessesPerPeriod: 0).expectedPeriods, 2, accuracy: 1e-12)
        XCTAssertGreaterThan(ClockSweep(accessesPerPeriod: 3).expectedPeriods, ClockSweep(accessesPerPeriod: 1).expectedPeriods)
        XCTAssertEqual(ClockSweep(accessesPerPeriod: 1_000).residentProbability, 1)
        XCTAssertThrowsError(try TwoLevelCache(pages: [1], rates: [1, 2], bufferPages: 1, pageCachePages: 1))
        XCTAssertThrowsError(try TwoLevelCache(pages: [1], rates: [.nan], bufferPages: 1, pageCachePages: 1))
        XCTAssertThrowsError(try TwoLevelCache(pages: [1], rates: [1], bufferPages: -1, pageCachePages: 1))
    }
}
