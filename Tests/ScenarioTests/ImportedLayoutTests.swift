import ClusterModel
import Foundation
import Scenario
import Simulation
import XCTest

/// `cluster.layout`: a run starts from the metadata the lab's real Citus exported
/// (Lab/measured/import-citus: tenant 1 isolated to its own shard, one shard group moved).
final class ImportedLayoutTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scenarioPath = root.appendingPathComponent("Lab/replay/imported/citus-lab.yaml").path
    static let exports = root.appendingPathComponent("Lab/measured/import-citus")

    func load(_ text: String? = nil) throws -> ClusterScenario {
        let yaml = try text ?? String(contentsOfFile: Self.scenarioPath, encoding: .utf8)
        guard case .cluster(let s) = try ScenarioLoader.load(text: yaml, file: Self.scenarioPath, name: "citus-lab").0 else {
            throw XCTSkip("not a cluster scenario")
        }
        return s
    }

    /// Every shard and placement of the export, on the worker of the same node-id order, and
    /// tenant 1 (key 1) in the one-value shard Citus's isolate_tenant_to_new_shard made.
    func testRunStartsFromTheExportedPlacement() throws {
        let scenario = try load()
        let layout = try SimulationLayout(scenario: scenario, meanArrivalRate: 10)
        let exported = try ClusterCSV.load(nodesPath: Self.exports.appendingPathComponent("nodes.csv").path,
                                           shardsPath: Self.exports.appendingPathComponent("shards.csv").path)
        XCTAssertEqual(layout.state.shards.map(\.id), exported.shards.map(\.id))
        XCTAssertEqual(layout.state.placements.map(\.node), exported.placements.map(\.node))
        let workers = exported.nodes.filter { !$0.isCoordinator }.sorted { $0.id < $1.id }
        XCTAssertEqual(layout.state.nodes.filter { !$0.isCoordinator }.map(\.name), workers.indices.map { "worker-\($0 + 1)" })
        let events = try XCTUnwrap(scenario.tables.firstIndex { $0.name == "imp_events" })
        let shards = layout.state.shards(of: "imp_events").sorted { $0.range!.min < $1.range!.min }
        XCTAssertEqual(shards.count, 18, "16 shards, one split in three by the isolation")
        let whale = shards[layout.tenantShard[events][0].index]
        XCTAssertEqual(whale.range?.min, whale.range?.max, "tenant 1 has a shard of its own")
        // The uniform layout of the same scenario (no `cluster.layout`) has no such shard.
        let text = try String(contentsOfFile: Self.scenarioPath, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("  layout:") }.joined(separator: "\n")
        let uniform = try SimulationLayout(scenario: try load(text), meanArrivalRate: 10)
        let u = uniform.state.shards(of: "imp_events").sorted { $0.range!.min < $1.range!.min }[uniform.tenantShard[events][0].index]
        XCTAssertNotEqual(u.range?.min, u.range?.max)
    }

    /// A layout whose worker count differs from `cluster.workers.count` is an error at the key.
    func testWorkerCountMustMatch() throws {
        let text = try String(contentsOfFile: Self.scenarioPath, encoding: .utf8).replacingOccurrences(of: "workers: {count: 3,", with: "workers: {count: 4,")
        XCTAssertThrowsError(try load(text)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("`cluster.layout` has 3 workers") && message.contains("citus-lab.yaml:"), message)
        }
    }
}
