import SimCore
import Simulation
import Workload
import XCTest

/// A brute-force LRU cache over page ids (doubly-linked list in arrays + a lookup map).
struct BruteForceLRU {
    let capacity: Int
    var prev: [Int: Int] = [:], next: [Int: Int] = [:]
    var head = -1, tail = -1, size = 0

    mutating func access(_ page: Int) -> Bool {
        if next[page] != nil || prev[page] != nil || head == page {
            unlink(page)
            pushFront(page)
            return true
        }
        pushFront(page)
        size += 1
        if size > capacity {
            let victim = tail
            unlink(victim)
            prev[victim] = nil
            next[victim] = nil
            size -= 1
        }
        return false
    }

    mutating func unlink(_ p: Int) {
        let a = prev[p] ?? -1, b = next[p] ?? -1
        if a >= 0 { next[a] = b } else { head = b }
        if b >= 0 { prev[b] = a } else { tail = a }
        prev[p] = nil
        next[p] = nil
    }

    mutating func pushFront(_ p: Int) {
        next[p] = head >= 0 ? head : nil
        if head >= 0 { prev[head] = p }
        head = p
        if tail < 0 { tail = p }
        prev[p] = nil
    }
}

final class CacheModelTests: XCTestCase {
    /// Che's approximation against a brute-force LRU on a small Zipf case: 200 tenants with
    /// Zipf(1.1) sizes (5,000 pages) and Zipf(0.9) activity, uniform page choice within a tenant.
    func testCheMatchesBruteForceLRU() throws {
        let tenants = 200
        let sizes = ZipfSampler.weights(count: tenants, exponent: 1.1).map { max(1, ($0 * 5_000).rounded()) }
        let activity = ZipfSampler.weights(count: tenants, exponent: 0.9)
        let activityTable = try AliasTable(weights: activity)
        var firstPage: [Int] = [], total = 0
        for s in sizes { firstPage.append(total); total += Int(s) }
        for capacity in [250, 1_000, 2_500] {
            // Per-page rate: tenant activity spread over its pages.
            let rates = zip(activity, sizes).map { $0 / $1 }
            let che = try CheCache(pages: sizes, rates: rates, capacity: Double(capacity))
            let predicted = che.overallHitRatio(pages: sizes, rates: rates)
            var lru = BruteForceLRU(capacity: capacity)
            let stream = RandomStream(runSeed: 3, name: "lru-\(capacity)")
            var hits = 0, accesses = 0
            for i in 0..<400_000 {
                let t = activityTable.sample(stream)
                let page = firstPage[t] + Int(stream.integer(below: UInt64(sizes[t])))
                let hit = lru.access(page)
                if i >= 100_000 { accesses += 1; if hit { hits += 1 } }
            }
            let measured = Double(hits) / Double(accesses)
            print("capacity \(capacity): Che \(predicted), LRU \(measured)")
            XCTAssertEqual(predicted, measured, accuracy: 0.005, "capacity \(capacity) pages of \(total)")
        }
    }

    func testEverythingFitsAndBadInput() throws {
        let c = try CheCache(pages: [10, 20], rates: [1, 0], capacity: 30)
        XCTAssertEqual(c.hitRatio, [1, 0])
        XCTAssertEqual(c.characteristicTime, .infinity)
        XCTAssertThrowsError(try CheCache(pages: [1], rates: [1, 2], capacity: 1))
        XCTAssertThrowsError(try CheCache(pages: [1], rates: [.nan], capacity: 1))
    }
}
