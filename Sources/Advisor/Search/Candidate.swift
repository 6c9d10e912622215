import SimCore
import Simulation
import Workload

/// One configuration the advisor considers: worker count and size, shard count and the
/// connection settings that matter (FACTS G).
public struct Candidate: Sendable, Equatable {
    /// `citus.shard_count`; with schema-based sharding, the tenant schemas (one single-shard
    /// group each), which the advisor does not choose.
    public var shardCount: Int
    /// Schema-based sharding: `shardCount` counts schemas and is left as the scenario has it.
    public var schemaBased = false
    public var workers: Int
    public var instance: InstanceType
    /// `citus.max_adaptive_executor_pool_size`.
    public var poolSize: Int
    /// `citus.max_shared_pool_size` (0 = the coordinator's max_connections).
    public var sharedPoolSize: Int
    /// Workers' `max_connections`.
    public var maxConnections: Int
    /// Cost per hour: the workers plus the coordinators.
    public var costPerHour: Double
    /// The coordinators when the search sized them (the advisor's coordinator could not plan
    /// and merge the load under the CPU ceiling); nil: the advisor's coordinator.
    public var coordinator: CoordinatorSetup?

    public init(shardCount: Int, workers: Int, instance: InstanceType, poolSize: Int, sharedPoolSize: Int, maxConnections: Int, costPerHour: Double) {
        self.shardCount = shardCount
        self.workers = workers
        self.instance = instance
        self.poolSize = poolSize
        self.sharedPoolSize = sharedPoolSize
        self.maxConnections = maxConnections
        self.costPerHour = costPerHour
    }

    /// A one-line name, e.g. `8 x general-16, 64 shards, pool 16` (`2,000 schemas` with schema-based sharding).
    public var label: String {
        "\(workers) x \(instance.name), \(schemaBased ? "\(SizingRules.grouped(shardCount)) schemas" : "\(shardCount) shards"), pool \(poolSize), shared pool \(sharedPoolSize == 0 ? "default" : String(sharedPoolSize)), max_connections \(maxConnections)"
            + (coordinator.map { ", coordinator \($0.label)" } ?? "")
    }

    /// Total worker cores.
    public var workerCores: Int { workers * instance.cores }

    /// `base` with this configuration: workers, shard count (every distributed table that is
    /// not colocated explicitly takes `citus.shard_count`), pool settings, its coordinators
    /// (or `coordinator`, the advisor's), no timeline, and the advisor's run length.
    public func scenario(from base: ClusterScenario, coordinator fallback: CoordinatorSetup, run: RunSpec,
                         fanOutWork: AdvisorSpec.FanOutWork = .perShard) -> ClusterScenario {
        var s = base
        s.run = run
        s.run.watchTenants = []
        s.timeline = []
        s.cluster.workerCount = workers
        s.cluster.worker = instance.node(like: base.cluster.worker, maxConnections: maxConnections)
        let coordinators = coordinator ?? fallback
        s.cluster.coordinator = coordinators.instance.node(like: base.cluster.coordinator, maxConnections: base.cluster.coordinator.maxConnections)
        s.cluster.coordinatorCount = coordinators.count
        if !schemaBased { s.citus.shardCount = shardCount }
        s.citus.maxAdaptiveExecutorPoolSize = poolSize
        s.citus.maxSharedPoolSize = sharedPoolSize
        for i in s.tables.indices where s.tables[i].kind == .distributed { s.tables[i].shardCount = nil }
        // Per-task work moves to the candidate's shard count by each class's own `fan_out_work`
        // (the model `run` uses), or the advisor's default for classes without one.
        for i in s.workload.classes.indices where s.workload.classes[i].isFanOut {
            let table = base.tables.first { $0.name == s.workload.classes[i].table }
            let c = s.workload.classes[i]
            s.workload.classes[i] = c.rescaled(fromShards: table?.shardCount ?? base.citus.shardCount, toShards: shardCount, work: c.fanOutWork ?? fanOutWork)
        }
        return s
    }
}
