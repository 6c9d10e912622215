import SimCore
import Simulation
import Workload

/// Small cluster scenarios for tests: everything free except what a test turns on.
enum ScenarioBuilder {
    static func node(cores: Int, maxConnections: Int = 1_000, memoryGiB: Double = 64) -> NodeSpec {
        NodeSpec(cores: cores, memoryBytes: memoryGiB * 1_073_741_824, sharedBuffersBytes: memoryGiB * 268_435_456, diskIOPS: 1e6,
                 diskBytesPerSecond: 1e10, diskLatency: .zero, nicBytesPerSecond: 1.25e9, maxConnections: maxConnections)
    }

    static func scenario(
        workers: Int = 1, workerCores: Int = 4, shardCount: Int = 4, tenants: Int = 1_000,
        classes: [QueryClass], arrivals: WorkloadSpec.Arrivals,
        duration: SimDuration = .seconds(100), warmup: SimDuration = .seconds(10), replications: Int = 5,
        latency: SimDuration = .zero, tls: Bool = false, connectionSetupCPU: SimDuration = .zero,
        citus: (inout CitusSpec) -> Void = { _ in }, workerMaxConnections: Int = 1_000, coordinatorMaxConnections: Int = 1_000,
        totalDataBytes: Double = 1e9, workerMemoryGiB: Double = 64
    ) throws -> ClusterScenario {
        var c = CitusSpec()
        c.shardCount = shardCount
        citus(&c)
        let cluster = ClusterSpec(coordinator: node(cores: 64, maxConnections: coordinatorMaxConnections), worker: node(cores: workerCores, maxConnections: workerMaxConnections, memoryGiB: workerMemoryGiB),
                                  workerCount: workers, networkLatency: latency, tls: tls, connectionSetupCPU: connectionSetupCPU, tlsHandshakeCPU: .zero)
        return ClusterScenario(
            name: "test", run: RunSpec(seed: 7, duration: duration, warmup: warmup, replications: replications, sampleInterval: .seconds(10)),
            cluster: cluster, citus: c, tables: [TableSpec(name: "events", kind: .distributed)],
            workload: WorkloadSpec(tenants: try TenantPopulation(count: tenants, totalBytes: totalDataBytes, sizeExponent: 1, activityExponent: 1),
                                   classes: classes, arrivals: arrivals))
    }

    static func router(cpu: Distribution, name: String = "lookup", bytesRead: Double = 0) -> QueryClass {
        QueryClass(name: name, kind: .router, share: 1, table: "events", workerCPU: cpu, coordinatorCPU: .constant(0), bytesRead: bytesRead)
    }

    static func fanOut(cpu: Distribution, name: String = "report", coordinatorCPU: Distribution = .constant(0)) -> QueryClass {
        QueryClass(name: name, kind: .multiShard, share: 1, table: "events", workerCPU: cpu, coordinatorCPU: coordinatorCPU)
    }
}

extension ClusterRunResult {
    func value(_ name: String) -> Double { metrics.first { $0.name == name }!.value }
}
