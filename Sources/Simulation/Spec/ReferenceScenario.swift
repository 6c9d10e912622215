import Runbook
import SQL
import SimCore
import Workload

/// The benchmark's reference cluster scenario (`citus-sim bench run`): 100,000 tenants,
/// 16 workers × 16 cores, 32 shards, 90% router / 10% multi-shard queries.
public enum ReferenceScenario {
    public static func make(rate: Double, duration: SimDuration) throws -> ClusterScenario {
        let gib = 1_073_741_824.0
        // Coordinator max_connections 500 (so max_shared_pool_size 500 per worker), workers 1000:
        // the shared pool stays below what a worker accepts, as the Citus docs advise.
        let node = { (cores: Int, memory: Double, maxConnections: Int) in
            NodeSpec(cores: cores, memoryBytes: memory * gib, sharedBuffersBytes: memory * gib / 4, diskIOPS: 20_000,
                     diskBytesPerSecond: 500e6, diskLatency: .microseconds(500), nicBytesPerSecond: 1.25e9, maxConnections: maxConnections)
        }
        var citus = CitusSpec()
        citus.shardCount = 32
        return ClusterScenario(
            name: "bench-reference",
            run: RunSpec(seed: 1, duration: duration, warmup: .zero, replications: 1, sampleInterval: .seconds(60)),
            cluster: ClusterSpec(coordinator: node(16, 64, 500), worker: node(16, 128, 1_000), workerCount: 16, networkLatency: .microseconds(250)),
            citus: citus,
            tables: [TableSpec(name: "events", kind: .distributed)],
            workload: WorkloadSpec(
                // 1 TB with Zipf(0.8) sizes: the largest tenant holds ~22 GiB, so every worker's
                // working set fits its cache (a steady state to time the simulator on).
                tenants: try TenantPopulation(count: 100_000, totalBytes: 1_000 * gib, sizeExponent: 0.8, activityExponent: 0.9),
                classes: [
                    QueryClass(name: "tenant_lookup", kind: .router, share: 0.9, table: "events", workerCPU: try .lognormal(mean: 0.002, cv: 1.5),
                               coordinatorCPU: .exponential(mean: 0.0002), bytesRead: 16 * 8_192, resultBytes: 4_096),
                    QueryClass(name: "tenant_report", kind: .multiShard, share: 0.1, table: "events", workerCPU: try .lognormal(mean: 0.01, cv: 1),
                               coordinatorCPU: .exponential(mean: 0.001), bytesRead: 64 * 8_192, resultBytes: 1_024),
                ],
                arrivals: .open(.constant(rate), sessions: 300)))
    }
}

/// The rebalance benchmark (`citus-sim bench rebalance`): 1,000 shard groups (two colocated
/// tables) of ~1 GiB on 16 workers under 2,000 queries/s; 16 workers are added and a
/// background rebalance with 32 executors (one per node, colocated moves in parallel) spreads
/// the groups over all 32.
public enum ReferenceRebalance {
    public static func make(shards: Int = 1_000, workers: Int = 16, added: Int = 16, rate: Double = 2_000) throws -> ClusterScenario {
        var s = try ReferenceScenario.make(rate: rate, duration: .hours(2))
        s.name = "bench-rebalance"
        s.citus.shardCount = shards
        s.citus.maxWorkerProcesses = 64
        s.cluster.workerCount = workers
        s.tables = [TableSpec(name: "events", kind: .distributed, dataShare: 0.8),
                    TableSpec(name: "accounts", kind: .distributed, colocateWith: "events", dataShare: 0.2)]
        s.workload.tenants = try TenantPopulation(count: 100_000, totalBytes: Double(shards) * 1_073_741_824, sizeExponent: 0.8, activityExponent: 0.9)
        // Single-tenant load (a fan-out over 1,000 shards would dominate the cost); 10% writes.
        s.workload.classes = [
            QueryClass(name: "tenant_lookup", kind: .router, share: 0.9, table: "events", workerCPU: try .lognormal(mean: 0.002, cv: 1.5),
                       coordinatorCPU: .exponential(mean: 0.0002), bytesRead: 16 * 8_192, resultBytes: 4_096),
            QueryClass(name: "tenant_update", kind: .router, share: 0.1, table: "events", workerCPU: .exponential(mean: 0.001),
                       coordinatorCPU: .exponential(mean: 0.0002), bytesRead: 8_192, writeBytes: 4_096, command: .update),
        ]
        let adds = (0..<added).map { "SELECT citus_add_node('\(ClusterSpec.workerName(workers + $0))', 5432);" }.joined(separator: "\n")
        let sql = adds + """

            ALTER SYSTEM SET citus.max_background_task_executors = \(workers + added);
            SELECT pg_reload_conf();
            SELECT citus_rebalance_start(rebalance_strategy := 'by_shard_count', shard_transfer_mode := 'block_writes', parallel_transfer_colocated_shards := true);
            SELECT citus_rebalance_wait();
            """
        s.timeline = try SQLRunbookParser.parse(sql, file: "bench").map { TimelineEntry(at: .seconds(60), action: .sql($0, text: "\($0.kind)"), line: $0.line, column: $0.column) }
        return s
    }
}
