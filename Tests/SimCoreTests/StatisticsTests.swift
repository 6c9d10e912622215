import ParallelRuns
import SimCore
import XCTest

final class StatisticsTests: XCTestCase {
    func testTimeWeightedAverage() {
        var q = TimeWeightedAverage()
        q.set(2, at: .zero + .seconds(1))
        q.set(0, at: .zero + .seconds(3))
        XCTAssertEqual(q.mean(at: .zero + .seconds(4)), 1.0, accuracy: 1e-12)
        XCTAssertEqual(q.maximum, 2)
        q.reset(at: .zero + .seconds(4))
        XCTAssertEqual(q.mean(at: .zero + .seconds(5)), 0)
    }

    func testLatencyHistogramPercentiles() {
        var h = LatencyHistogram()
        for ms in 1...1_000 { h.record(.milliseconds(Int64(ms))) }
        let s = h.summary
        XCTAssertEqual(s.count, 1_000)
        XCTAssertEqual(s.meanMs, 500.5, accuracy: 1e-9)
        XCTAssertEqual(s.p50Ms, 500, accuracy: 0.5)
        XCTAssertEqual(s.p99Ms, 990, accuracy: 1)
        XCTAssertEqual(s.p999Ms, 999, accuracy: 1)
        XCTAssertEqual(s.maxMs, 1_000, accuracy: 1)
        var other = LatencyHistogram()
        other.record(.seconds(5))
        h.add(other)
        XCTAssertEqual(h.maxMilliseconds, 5_000, accuracy: 5)
    }

    func testConfidenceIntervalMatchesStudentT() throws {
        let ci = try ConfidenceInterval(samples: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        XCTAssertEqual(ci.mean, 5.5)
        XCTAssertEqual(ci.standardDeviation, 3.027_650_354_097_491_7, accuracy: 1e-12)
        XCTAssertEqual(ci.halfWidth, 2.262_157_162_7 * 3.027_650_354_097_491_7 / 10.0.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(try ConfidenceInterval(samples: [4]).halfWidth, 0)
        XCTAssertThrowsError(try ConfidenceInterval(samples: []))
        XCTAssertThrowsError(try ConfidenceInterval(samples: [1, .nan]))
    }

    func testReplicationSeedsAndResultsDoNotDependOnThreads() throws {
        let reps = try Replications(baseSeed: 99, count: 7)
        XCTAssertEqual(reps.seeds, try Replications(baseSeed: 99, count: 7).seeds)
        XCTAssertEqual(Array(try Replications(baseSeed: 99, count: 9).seeds.prefix(7)), reps.seeds, "adding replications keeps earlier seeds")
        XCTAssertEqual(Set(reps.seeds).count, 7)
        let body: @Sendable (Int, UInt64) -> [Metric] = { i, seed in
            let s = RandomStream(runSeed: seed, name: "x")
            return [Metric("draw", s.uniform()), Metric("index", Double(i))]
        }
        let one = reps.run(threads: 1, body), four = reps.run(threads: 4, body)
        XCTAssertEqual(one, four)
        let summary = try Replications.summarize(one)
        XCTAssertEqual(summary.map(\.name), ["draw", "index"])
        XCTAssertEqual(summary[1].interval.mean, 3)
        XCTAssertThrowsError(try Replications(baseSeed: 1, count: 0))
    }
}
