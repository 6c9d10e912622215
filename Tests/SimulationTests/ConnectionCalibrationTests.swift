import Foundation
import SimCore
import Simulation
import Workload
import XCTest

/// The adaptive executor's connections against a real Citus 13.2.2 cluster
/// (measured/connections_single_query.json): coordinator + 3 workers holding 11/11/10 of 32
/// shards; one multi-shard query, then a second one in the same session.
final class ConnectionCalibrationTests: XCTestCase {
    func measured() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/citus/measured/connections_single_query.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// New connections per worker opened by the first and by the second query of a session.
    func opened(taskSeconds: Double, pool: Int) throws -> (first: [Int], second: [Int]) {
        func run(duration: Double) throws -> [Int] {
            let s = try ScenarioBuilder.scenario(
                workers: 3, workerCores: 16, shardCount: 32, classes: [ScenarioBuilder.fanOut(cpu: .constant(taskSeconds))],
                arrivals: .closed(clients: 1, think: .constant(5)), duration: SimDuration(seconds: duration), warmup: .zero,
                latency: .microseconds(100), tls: true, connectionSetupCPU: .milliseconds(2),
                citus: { $0.maxAdaptiveExecutorPoolSize = pool })
            let r = try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1)
            return (1...3).map { Int(r.value("worker-\($0).connections_opened")) }
        }
        // Queries start at 5 s and 5 s after the previous one ends; one lasts about
        // ceil(11 / pool) task times (11 shards on the busiest worker).
        let length = taskSeconds * (11.0 / Double(pool)).rounded(.up) + 0.5
        let first = try run(duration: 5 + length + 2.5)        // just the first query
        let both = try run(duration: 10 + 2 * length + 2.5)    // the first two
        return (first, zip(both, first).map { $0 - $1 })
    }

    func measuredConnections(_ key: String) throws -> [[Int]] {
        let summary = try measured()["summary_single_query"] as! [String: [[String: Any]]]
        return summary[key]!.map { run in ["9701", "9702", "9703"].map { (run["new_conns"] as! [String: NSNumber])[$0]!.intValue } }
    }

    func testSlowQueryConnectionsMatchTheRealCluster() throws {
        for pool in [16, 4, 1] {
            let name = pool == 16 ? "pool_default_16" : "pool_\(pool)"
            let (first, second) = try opened(taskSeconds: 1, pool: pool)
            // Every repetition of the real measurement gave the same counts for 1 s tasks.
            XCTAssertTrue(try measuredConnections("slow_count_1s_per_shard/\(name)/first_query_in_session").contains(first), "pool \(pool) first: \(first)")
            XCTAssertTrue(try measuredConnections("slow_count_1s_per_shard/\(name)/second_query_same_session").contains(second), "pool \(pool) second: \(second)")
        }
    }

    /// A fast query opens nothing new when the session has its cached connections: the
    /// cached connection is the first slow-start round and the query ends before the next.
    func testFastSecondQueryOpensNoConnection() throws {
        let (first, second) = try opened(taskSeconds: 0.0003, pool: 16)
        XCTAssertEqual(try measuredConnections("fast_count/pool_default_16/second_query_same_session"), [[0, 0, 0], [0, 0, 0]])
        XCTAssertEqual(second, [0, 0, 0])
        XCTAssertTrue(first.allSatisfy { $0 >= 1 && $0 <= 5 }, "first query: \(first) (the real cluster opened 3 to 5 per worker)")
    }
}
