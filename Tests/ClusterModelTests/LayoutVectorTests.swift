import ClusterModel
import TestSupport
import XCTest

final class LayoutVectorTests: XCTestCase {
    func testUniformRangesMatchCitus() throws {
        let v = try Fixtures.json("vectors/shard_ranges_and_placement.json")
        var checked = 0
        for r in v.dicts("ranges") {
            let n = r.int("shard_count")!
            let layout = HashRange.uniform(shardCount: n)
            if let ranges = r["ranges"] as? [[NSNumber]] {
                XCTAssertEqual(layout.map { [Int64($0.min), Int64($0.max)] }, ranges.map { $0.map(\.int64Value) }, "N = \(n)")
            }
            if let widths = r["max_minus_min"] as? [NSNumber] {
                XCTAssertEqual(layout.map { $0.tokenCount - 1 }, widths.map(\.int64Value), "N = \(n)")
            }
            checked += 1
        }
        XCTAssertEqual(checked, 6)
        let computed = v["computed_not_from_regress"] as! [String: Any]
        XCTAssertEqual(HashRange.uniform(shardCount: 32).map { [Int64($0.min), Int64($0.max)] },
                       (computed["32"] as! [[NSNumber]]).map { $0.map(\.int64Value) })
    }

    func testIntervalIndexFastPathAndBinarySearchAgree() throws {
        for n in [1, 3, 7, 32, 1000] {
            let uniform = try ShardIntervalIndex(ranges: HashRange.uniform(shardCount: n))
            XCTAssertTrue(uniform.isUniform)
            for h in [Int32.min, -1, 0, 1, 123_456_789, Int32.max] {
                let i = uniform.index(of: h)
                XCTAssertTrue(uniform.ranges[i].contains(h), "N = \(n), hash \(h)")
            }
        }
        // After isolating hash 5 out of [0, max]: [min, -1], [0, 4], [5, 5], [6, max].
        let split = try ShardIntervalIndex(ranges: [
            HashRange(min: 6, max: .max), HashRange(min: .min, max: -1), HashRange(min: 5, max: 5), HashRange(min: 0, max: 4),
        ])
        XCTAssertFalse(split.isUniform)
        XCTAssertEqual([Int32.min, -1, 0, 4, 5, 6, .max].map(split.index(of:)), [0, 0, 1, 1, 2, 3, 3])
    }

    func testBadLayoutsAreRejected() {
        XCTAssertThrowsError(try ShardIntervalIndex(ranges: [HashRange(min: .min, max: 0), HashRange(min: 0, max: .max)])) {
            XCTAssertEqual("\($0)", "hash ranges [-2147483648, 0] and [0, 2147483647] overlap")
        }
        XCTAssertThrowsError(try ShardIntervalIndex(ranges: [HashRange(min: .min, max: 0), HashRange(min: 2, max: .max)])) {
            XCTAssertEqual("\($0)", "gap between hash ranges [-2147483648, 0] and [2, 2147483647]")
        }
        XCTAssertThrowsError(try ShardIntervalIndex(ranges: [HashRange(min: 0, max: .max)]))
    }
}
