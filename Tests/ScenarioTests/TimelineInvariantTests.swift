import Scenario
import SimCore
import Simulation
import XCTest

/// Random timelines mixing operations and events: whatever happens, once arrivals stop and
/// everything drains, no request is left and every backend and shared-pool slot is a
/// connection some session caches.
final class TimelineInvariantTests: XCTestCase {
    static let events = [
        "{at: %ds, event: add_coordinator, node: coordinator-2}",
        "{at: %ds, event: node_fails, node: coordinator, standby: true}",
        "{at: %ds, event: node_fails, node: worker-2, standby: true}",
        "{at: %ds, event: new_tenants, count: 50, activity_factor: 3}",
        "{at: %ds, event: tenant_grows, rank: 3, size_factor: 4, activity_factor: 5}",
        "{at: %ds, event: rate_multiplier, factor: 2}",
        "{at: %ds, sql: \"SELECT alter_distributed_table('events', shard_count := 16, cascade_to_colocated := true);\"}",
        "{at: %ds, sql: \"SELECT citus_add_node('worker-4', 5432); SELECT rebalance_table_shards(shard_transfer_mode := 'block_writes');\"}",
        "{at: %ds, sql: \"SELECT isolate_tenant_to_new_shard('events', 1, 'CASCADE', shard_transfer_mode := 'block_writes');\"}",
    ]

    func testRandomTimelinesLeakNothing() throws {
        // Odd seeds put shards on the coordinator too (local execution, loopback connections).
        for seed in UInt64(1)...10 {
            var rng = seed
            func next(_ n: Int) -> Int { rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(rng >> 33) % n }
            let picked = (0..<4).map { _ in Self.events[next(Self.events.count)] }
            let timeline = picked.map { "  - " + $0.replacingOccurrences(of: "%d", with: String(2 + next(40))) }.joined(separator: "\n")
            let yaml = """
                version: 1
                kind: cluster
                run: {seed: \(seed), duration: 90s, warmup: 0s, replications: 1, sample_interval: 10s}
                cluster:
                  coordinator: {cores: 4, memory_gib: 16, max_connections: 300}
                  workers: {count: 3, cores: 4, memory_gib: 16, disk_mb_per_second: 2000, max_connections: 60}
                  coordinator_has_shards: \(seed % 2 == 1)
                citus: {shard_count: 8, max_shared_pool_size: 12, max_adaptive_executor_pool_size: 4, statement_timeout: 300ms}
                tables:
                  - {name: events, type: distributed, data_share: 0.8}
                  - {name: accounts, type: distributed, colocate_with: events, data_share: 0.2}
                  - {name: plans, type: reference, size_mib: 10}
                tenants: {count: 500, total_size_gib: 1, size_zipf: 0.8, activity_zipf: 0.9}
                workload:
                  arrivals: {rate_per_second: 300, sessions: 40}
                  classes:
                    - {name: lookup, kind: router, share: 0.6, table: events, worker_cpu: {distribution: exponential, mean: 2ms}, bytes_read_kib: 16}
                    - {name: update, kind: router, share: 0.3, table: events, command: update, worker_cpu: {distribution: exponential, mean: 1ms}, write_bytes_kib: 8}
                    - {name: report, kind: multi_shard, share: 0.1, table: events, worker_cpu: {distribution: exponential, mean: 5ms}}
                timeline:
                \(timeline)
                  - {at: 60s, event: rate_multiplier, factor: 0}
                """
            let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "random.yaml", name: "random")
            guard case .cluster(let s) = loaded else { return XCTFail("not a cluster scenario") }
            let model = try RunFixture.runToEnd(s, seed: seed)
            XCTAssertEqual(model.drainedAccountingProblems(), [], "seed \(seed), timeline:\n\(timeline)")
            XCTAssertGreaterThan(model.metrics.completed.reduce(0, +), 300, "seed \(seed)")
        }
    }
}
