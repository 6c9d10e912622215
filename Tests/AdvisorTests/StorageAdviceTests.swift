import Foundation
import Advisor
import Reporting
import Scenario
import Simulation
import XCTest

/// Issue 20, item 5, end to end: candidates whose disks cannot hold the data and the room a
/// move needs are rejected before simulation with the figures; growth over the horizon counts.
final class StorageAdviceTests: XCTestCase {
    static func yaml(tenantGrowth: Double) -> String {
        OperationsAdviceTests.yaml(scaleOut: "false")
            .replacingOccurrences(of: "    - {name: small-4, family: general, cores: 4, memory_gib: 16, price_per_hour: 0.2}",
                                  with: "    - {name: small-disk, family: general, cores: 4, memory_gib: 16, disk_gib: 4, price_per_hour: 0.19}\n    - {name: small-4, family: general, cores: 4, memory_gib: 16, disk_gib: 64, price_per_hour: 0.2}")
            .replacingOccurrences(of: "  growth_steps: [1.5]", with: "  growth_steps: [1.5]\n  horizon: {tenant_growth: \(tenantGrowth)}")
    }

    static func advise(_ yaml: String) throws -> Advice {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: yaml, file: "disk.yaml", name: "disk")
        return try Advisor(base: s, spec: spec, threads: 2).recommend()
    }

    func testCandidatesThatRunOutOfDiskAreRejectedWithTheFigures() throws {
        let advice = try Self.advise(Self.yaml(tenantGrowth: 1))
        let small = try XCTUnwrap(advice.outcomes.first { $0.candidate.instance.name == "small-disk" })
        XCTAssertEqual(small.rejectedBy, .rule)
        XCTAssertTrue(small.rejection?.hasPrefix("disk-space: worker-") == true, small.rejection ?? "")
        XCTAssertTrue(small.rejection?.contains(" GiB > 3.6 GiB usable (4 GiB disk, 10% kept free)") == true, small.rejection ?? "")
        // The roomy disk passes, and is what the advice recommends; its storage is in advice.json.
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        XCTAssertEqual(advice.outcomes[r].candidate.instance.name, "small-4")
        XCTAssertEqual(advice.outcomes[r].rules.first { $0.id == "disk-space" }?.verdict, .pass)
        let load = try XCTUnwrap(advice.outcomes[r].load)
        // Today's data on the workers is the scenario's 8 GiB of tenants.
        XCTAssertEqual(load.workerDataBytes.reduce(0, +) / 1_073_741_824, 8, accuracy: 0.5)
        XCTAssertGreaterThan(load.largestGroupBytes, 0)
        XCTAssertLessThan(load.largestGroupBytes, load.workerDataBytes.max()!)
    }

    func testGrowthOverTheHorizonRejectsADiskThatFitsToday() throws {
        // 8 GiB on 2 workers grown 15x: about 60 GiB per worker > 57.6 GiB usable of 64.
        let advice = try Self.advise(Self.yaml(tenantGrowth: 15))
        // (The room-to-scale rule rejects them too at this growth; the disk rule's own verdict is checked.)
        for o in advice.outcomes {
            let disk = try XCTUnwrap(o.rules.first { $0.id == "disk-space" }, o.candidate.label)
            XCTAssertEqual(disk.verdict, .fail, disk.detail)
            XCTAssertTrue(disk.detail.contains("at the horizon (data ×15.00)"), disk.detail)
        }
        XCTAssertNil(advice.recommended)
    }
}

/// Issue 20, item 6, the memory half: a candidate whose workers cannot hold shared_buffers and a
/// backend per client session in the RAM the OS leaves is rejected with the figures.
final class MemoryAdviceTests: XCTestCase {
    func testCandidatesThatRunOutOfMemoryAreRejectedWithTheFigures() throws {
        // 2 GiB of RAM: 0.5 GiB shared_buffers and 1 GiB left after the OS, so 0.5 GiB for
        // backends: 100 sessions' cached connections and the maintenance daemon's, about 6.4 MiB
        // each, do not fit.
        let yaml = OperationsAdviceTests.yaml(scaleOut: "false")
            .replacingOccurrences(of: "    - {name: small-4, family: general, cores: 4, memory_gib: 16, price_per_hour: 0.2}",
                                  with: "    - {name: small-ram, family: general, cores: 4, memory_gib: 2, price_per_hour: 0.19}\n    - {name: small-4, family: general, cores: 4, memory_gib: 16, price_per_hour: 0.2}")
            .replacingOccurrences(of: "sessions: 40}", with: "sessions: 100}")
        let advice = try StorageAdviceTests.advise(yaml)
        let small = try XCTUnwrap(advice.outcomes.first { $0.candidate.instance.name == "small-ram" })
        XCTAssertEqual(small.verdict, .rejected)
        let rule = try XCTUnwrap(small.rules.first { $0.id == "memory" })
        XCTAssertEqual(rule.verdict, .fail, rule.detail)
        XCTAssertTrue(rule.detail.contains("101 backends of 6.") && rule.detail.contains("> 1.0 GiB (RAM less 1 GiB for the OS)"), rule.detail)
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        XCTAssertEqual(advice.outcomes[r].candidate.instance.name, "small-4")
        XCTAssertEqual(advice.outcomes[r].rules.first { $0.id == "memory" }?.verdict, .pass)
    }

    /// advice.json's `memory`: the recommended cluster's nodes (simulated peak within the RAM the
    /// OS leaves, no out-of-memory refusal) and every shard count simulated on its hardware,
    /// ascending, the recommended one marked and explained; the busiest worker holds more
    /// memory at 128 shards than at 8 (each backend keeps the shards it read open).
    func testAdviceJSONExplainsMemoryAndTheShardCount() throws {
        let yaml = OperationsAdviceTests.yaml(scaleOut: "false").replacingOccurrences(of: "search: {shard_counts: [16]}", with: "search: {shard_counts: [8, 32, 128]}")
        let report = try OperationsAdviceTests.advise(yaml)
        let json = try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(report.files.first { $0.name == "advice.json" }).contents.utf8)) as! [String: Any]
        let memory = try XCTUnwrap(json["memory"] as? [String: Any])
        XCTAssertEqual(memory["verdict"] as? String, "pass")
        let nodes = try XCTUnwrap(memory["nodes"] as? [[String: Any]])
        XCTAssertEqual(nodes.map { $0["node"] as? String }, ["coordinator", "worker-1", "worker-2"])
        for n in nodes {
            let peak = try XCTUnwrap((n["memory_peak_gib"] as? [String: Any])?["ci_high"] as? Double)
            XCTAssertGreaterThan(peak, 0)
            XCTAssertLessThanOrEqual(peak, try XCTUnwrap(n["memory_limit_gib"] as? Double))
            XCTAssertEqual(n["out_of_memory_refusals"] as? Double, 0)
        }
        let rows = try XCTUnwrap(memory["shard_counts"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["shard_count"] as? Int }, [8, 32, 128])
        let chosen = rows.filter { $0["recommended"] as? Bool == true }
        let r = try XCTUnwrap(report.advice.recommended)
        XCTAssertEqual(chosen.map { $0["shard_count"] as? Int }, [report.advice.outcomes[r].candidate.shardCount])
        let memoryAt = { (i: Int) in rows[i]["worker_memory_peak_gib_max"] as? Double ?? 0 }
        XCTAssertGreaterThan(memoryAt(2), memoryAt(0))
        let explained = try XCTUnwrap(memory["shard_count_explained"] as? String)
        XCTAssertTrue(explained.hasPrefix("\(report.advice.outcomes[r].candidate.shardCount) shards: tightest objective at "), explained)
    }
}
