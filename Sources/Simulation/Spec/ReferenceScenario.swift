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
