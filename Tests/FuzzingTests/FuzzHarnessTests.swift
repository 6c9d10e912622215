import Foundation
import Fuzzing
import SimCore
import XCTest

/// The fuzzer's parts: every shipped input its readers accept, bad input rejected (not a crash),
/// and mutations that are the same for a seed.
final class FuzzHarnessTests: XCTestCase {
    /// Run from the package root, as `swift test` does.
    let corpus = Corpus.load()

    func testEveryShippedInputIsAccepted() throws {
        let bases = corpus.filter { !$0.spliceOnly && !($0.target == .scenario && $0.text.contains("\nadvisor:")) }
        XCTAssertGreaterThan(bases.filter { $0.target == .scenario }.count, 10, "the corpus holds the shipped scenarios")
        XCTAssertTrue(bases.contains { $0.name == "scale-out.sql" } && bases.contains { $0.name == "shards.csv" })
        for item in bases {
            XCTAssertTrue(FuzzHarness.exercise(item.target, item.text, base: item, state: nil), "\(item.name) is rejected")
        }
    }

    func testBadInputIsRejectedWithAFinding() throws {
        let sql = try XCTUnwrap(corpus.first { $0.name == "scale-out.sql" })
        XCTAssertFalse(FuzzHarness.exercise(.sql, "SELECT citus_move_shard_placement('abc", base: sql, state: nil))
        let nodes = try XCTUnwrap(corpus.first { $0.name == "nodes.csv" })
        XCTAssertFalse(FuzzHarness.exercise(.csv, "nodeid,groupid\n1,\"x", base: nodes, state: nil))
        let scenario = try XCTUnwrap(corpus.first { $0.name == "multi-tenant-saas.yaml" })
        XCTAssertFalse(FuzzHarness.exercise(.scenario, scenario.text.replacingOccurrences(of: "duration:", with: "duration: -"), base: scenario, state: nil))
    }

    func testMutationsAreTheSameForASeed() {
        let text = String(repeating: "shard_count: 32\nrate_per_second: 400\n", count: 8)
        func mutations(_ seed: UInt64) -> [String] {
            let stream = RandomStream(runSeed: seed, name: "fuzz")
            return (0..<20).map { _ in Mutator.mutate(text, lines: [["- {at: 1s}"]], stream: stream) }
        }
        XCTAssertEqual(mutations(1), mutations(1))
        XCTAssertNotEqual(mutations(1), mutations(2))
        XCTAssertTrue(mutations(1).contains { $0 != text }, "mutations change the input")
    }
}
