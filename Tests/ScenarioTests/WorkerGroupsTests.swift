import Scenario
import SimCore
import Simulation
import Workload
import XCTest

/// `cluster.workers` as a list of groups of different sizes: each worker gets its group's
/// cores, disk, memory and max_connections.
final class WorkerGroupsTests: XCTestCase {
    func scenario(workers: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 4, duration: 60s, warmup: 5s, replications: 3}
            cluster:
              coordinator: {cores: 16, memory_gib: 32}
              workers:
            \(workers)
            citus: {shard_count: 16}
            tables:
              - {name: orders, type: distributed}
            tenants: {count: 2000, total_size_gib: 4, size_zipf: 1.0, activity_zipf: 0.6}
            workload:
              arrivals: {rate_per_second: 1500, sessions: 40}
              classes:
                - {name: lookup, kind: router, share: 1, table: orders, worker_cpu: {distribution: exponential, mean: 2ms}}
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "groups.yaml", name: "groups")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    /// Two 8-core workers then two 2-core ones: each worker's CPU utilisation is the offered
    /// load of its shards over its own cores (within 5%), so the small ones run four times as busy per query.
    func testEachWorkerHasItsGroupsSize() throws {
        let s = try scenario(workers: """
              - {count: 2, cores: 8, memory_gib: 64, max_connections: 800}
              - {count: 2, cores: 2, memory_gib: 16, max_connections: 200}
            """)
        XCTAssertEqual(s.cluster.workerCount, 4)
        XCTAssertEqual((0..<4).map { s.cluster.workerSpec($0).cores }, [8, 8, 2, 2])
        XCTAssertEqual(s.cluster.workerGroups.map(\.count), [2, 2])
        let layout = try ClusterRun.layout(for: s)
        let r = try ClusterRun.run(s, layout: layout, seed: 2)
        let activity = s.workload.tenants.activity, total = activity.reduce(0, +)
        for w in 0..<4 {
            let share = (0..<2000).filter { layout.worker(table: 0, tenant: TenantIndex($0)) == WorkerIndex(w) }.reduce(0.0) { $0 + activity[$1] } / total
            let expected = 1_500 * share * 0.002 / Double(s.cluster.workerSpec(w).cores)
            XCTAssertEqual(r.value("worker-\(w + 1).cpu_utilization"), expected, accuracy: expected * 0.05, "worker \(w + 1)")
            XCTAssertEqual(r.value("worker-\(w + 1).max_connections"), w < 2 ? 800 : 200)
        }
    }

    /// A bad group is reported at its own location; one group as a list equals the mapping form.
    func testGroupsAreValidatedAndOneGroupIsTheMappingForm() throws {
        XCTAssertThrowsError(try scenario(workers: """
              - {count: 2, cores: 8, memory_gib: 64}
              - {count: 0, cores: 2, memory_gib: 16}
            """)) { error in
            XCTAssertTrue("\(error)".contains("groups.yaml:8:13: error: `cluster.workers[1].count`"), "\(error)")
        }
        let list = try scenario(workers: "    - {count: 3, cores: 4, memory_gib: 16}")
        let mapping = try scenario(workers: "    count: 3\n    cores: 4\n    memory_gib: 16")
        XCTAssertEqual(list.cluster, mapping.cluster)
        XCTAssertTrue(list.cluster.workerSizes.isEmpty)
    }
}
