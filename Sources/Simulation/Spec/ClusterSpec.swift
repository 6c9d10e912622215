import ClusterModel
import SimCore

/// A server's resources.
public struct NodeSpec: Sendable, Equatable {
    /// CPU cores; PostgreSQL backends share them by processor sharing.
    public var cores: Int
    /// RAM in bytes.
    public var memoryBytes: Double
    /// `shared_buffers` in bytes (part of `memoryBytes`).
    public var sharedBuffersBytes: Double
    /// Disk: I/O operations per second, bytes per second, and per-request latency.
    public var diskIOPS: Double
    public var diskBytesPerSecond: Double
    public var diskLatency: SimDuration
    /// NIC bandwidth each way, bytes per second.
    public var nicBytesPerSecond: Double
    /// PostgreSQL `max_connections`.
    public var maxConnections: Int
    /// Disk capacity in bytes (Citus's free-space check before a shard move).
    public var diskBytes: Double
    /// PostgreSQL `work_mem`, bytes: what each sort node of a running query may hold before it
    /// spills to disk (PostgreSQL's default 4 MiB).
    public var workMemBytes: Double = 4 * 1_048_576
    /// PostgreSQL `hash_mem_multiplier`: a hash node (hash join, hash aggregate) may hold
    /// `work_mem` times this (PostgreSQL 15's default 2).
    public var hashMemMultiplier: Double = 2
    /// PostgreSQL's accepted ranges: work_mem 64 kB to 2 TB (in MiB), hash_mem_multiplier 1 to 1000.
    public static let workMemMiBRange = 0.0625...2_097_152.0, hashMemMultiplierRange = 1.0...1_000

    public init(cores: Int, memoryBytes: Double, sharedBuffersBytes: Double, diskIOPS: Double, diskBytesPerSecond: Double,
                diskLatency: SimDuration, nicBytesPerSecond: Double, maxConnections: Int, diskBytes: Double = 2_199_023_255_552) {
        self.diskBytes = diskBytes
        self.cores = cores
        self.memoryBytes = memoryBytes
        self.sharedBuffersBytes = sharedBuffersBytes
        self.diskIOPS = diskIOPS
        self.diskBytesPerSecond = diskBytesPerSecond
        self.diskLatency = diskLatency
        self.nicBytesPerSecond = nicBytesPerSecond
        self.maxConnections = maxConnections
    }

    /// Memory the operating system keeps for itself (kernel, other processes), bytes.
    public static let osReserveBytes = 1_073_741_824.0

    /// The OS page cache beside backends holding `backendBytes` of private memory: the RAM
    /// left after the OS's share, shared_buffers and those backends, bytes (`NodeMemory` says
    /// which backends stay).
    public func pageCacheBytes(backendBytes: Double) -> Double { max(0, memoryBytes - Self.osReserveBytes - sharedBuffersBytes - backendBytes) }

    /// Bytes of table data the two cache levels can hold together beside backends holding
    /// `backendBytes` (shared_buffers plus the page cache; the simulation's `TwoLevelCache` also
    /// counts the copies the page cache keeps of buffered pages, the sizing rules' working-set
    /// check does not).
    public func cacheBytes(backendBytes: Double) -> Double { sharedBuffersBytes + pageCacheBytes(backendBytes: backendBytes) }
}

/// The servers and the network between them.
public struct ClusterSpec: Sendable, Equatable {
    public var coordinator: NodeSpec
    public var worker: NodeSpec
    public var workerCount: Int
    /// One-way network latency between the coordinator and a worker.
    public var networkLatency: SimDuration
    /// TLS between nodes (Citus's default `sslmode=require`): adds a round trip and CPU per new connection.
    public var tls: Bool
    /// Worker CPU to start a backend for a new connection (fork, authentication).
    public var connectionSetupCPU: SimDuration
    /// Extra worker CPU for the TLS handshake.
    public var tlsHandshakeCPU: SimDuration

    /// The executor's costs as `citus-sim validate-model Lab/measured` fits them on its fit half
    /// (Reports/validation/costs.yaml, `cluster:`), the convention every lab-fitted default
    /// follows: the lab host's fit is the default, and a scenario of other servers sets its own.
    /// Connection set-up: pgbench -C on the lab's one host, sslmode=disable (3.0 ms) and
    /// require less disable (3.8 ms), all of it charged on the worker.
    public static let fittedConnectionSetupCPU = SimDuration.microseconds(3_000)
    public static let fittedTLSHandshakeCPU = SimDuration.microseconds(3_800)
    /// Per shard task on the coordinator and per cold task on the worker: the coordinate search
    /// over one client's count(*) against the shard count and a saturating pgbench run (family
    /// d and f's fit half).
    public static let fittedTaskCoordinatorCPU = SimDuration.microseconds(100)
    public static let fittedColdTaskWorkerCPU = SimDuration.microseconds(300)
    /// Per subplan of an across_schemas read (family j's slope, less a subplan's other costs).
    public static let fittedSubplanCoordinatorCPU = SimDuration.microseconds(332)

    /// Coordinator CPU per new connection to a worker, in the backend that opens it (libpq's
    /// start-up and the client side of TLS), before the worker's part; 0 = not charged.
    public var connectionSetupCoordinatorCPU: SimDuration = .zero
    /// Coordinator CPU per shard task of a multi-shard query (building and deparsing the shard
    /// query, sending it, reading its result), run by the query's one backend before the task
    /// goes out, one task at a time; 0 = not charged. Default: the lab's fit.
    public var taskCoordinatorCPU = fittedTaskCoordinatorCPU
    /// Coordinator CPU per subplan of a query Citus plans recursively (an `across_schemas`
    /// read): planning the subplan and writing and reading its intermediate result, run by the
    /// query's backend before the subplan's task goes out. Default: the lab's fit (family j).
    public var subplanCoordinatorCPU = fittedSubplanCoordinatorCPU
    /// Worker CPU added to a shard task run by a backend that has not touched the shard before
    /// (on a connection opened for this query, not one kept from earlier queries): the
    /// relation, catalog and plan caches it builds; 0 = not charged. Default: the lab's fit.
    public var coldTaskWorkerCPU = fittedColdTaskWorkerCPU
    /// Each backend's private memory (`cluster.backend_memory`), for the nodes' memory envelope
    /// and the out-of-memory refusal of worker connections.
    public var backendMemory = BackendMemory()
    /// The coordinator holds shards (`citus_set_node_property('coordinator', 'shouldhaveshards',
    /// true)`): it is the first node of Citus's round robin (it sorts before `worker-1`), and
    /// queries it runs on its own shards use local execution (FACTS G).
    public var coordinatorHasShards = false
    /// Coordinators of the coordinator's size from the start (`cluster.coordinator.count`):
    /// `coordinator`, then `coordinator-2`..., each with the metadata; the application's load
    /// balancer spreads client sessions over them (as after `add_coordinator`). Timeline SQL
    /// (DDL, rebalancing) runs through the first.
    public var coordinatorCount = 1
    /// Per worker, in order, when the workers come in groups of different sizes (empty: all
    /// are `worker`, the first group's size, which workers the timeline adds also get).
    public var workerSizes: [NodeSpec] = []
    /// When set, every node (coordinator and workers) runs on one host of this many cores and
    /// shares its CPU (processor sharing across all nodes' work) and the first worker's disk, as
    /// the lab's nodes share one machine; each node's CPU and disk figures are then the host's.
    public var sharedHostCores: Int? = nil
    /// The metadata to start from instead of creating the tables (`cluster.layout`: an
    /// imported cluster's pg_dist_node and citus_shards, split and moved shards as they are),
    /// its nodes renamed `coordinator` and `worker-1`...`worker-N` in node-id order.
    public var importedLayout: ClusterState? = nil

    public init(coordinator: NodeSpec, worker: NodeSpec, workerCount: Int, networkLatency: SimDuration, tls: Bool = true,
                connectionSetupCPU: SimDuration = fittedConnectionSetupCPU, tlsHandshakeCPU: SimDuration = fittedTLSHandshakeCPU) {
        self.coordinator = coordinator
        self.worker = worker
        self.workerCount = workerCount
        self.networkLatency = networkLatency
        self.tls = tls
        self.connectionSetupCPU = connectionSetupCPU
        self.tlsHandshakeCPU = tlsHandshakeCPU
    }

    /// Shard nodes in placement order: the coordinator first when it has shards, then the workers.
    public var shardNodeCount: Int { workerCount + (coordinatorHasShards ? 1 : 0) }

    /// The size of shard node `w` (a worker index: the shard nodes, the coordinator first when it has shards).
    public func spec(ofShardNode w: WorkerIndex) -> NodeSpec {
        coordinatorHasShards ? (w.index == 0 ? coordinator : workerSpec(w.index - 1)) : workerSpec(w.index)
    }

    /// The workers as runs of one size, in order: (count, size).
    public var workerGroups: [(count: Int, node: NodeSpec)] {
        var groups: [(count: Int, node: NodeSpec)] = []
        for i in 0..<workerCount {
            let n = workerSpec(i)
            if let last = groups.last, last.node == n { groups[groups.count - 1].count += 1 } else { groups.append((1, n)) }
        }
        return groups
    }

    /// The size of worker `i` (0-based: `worker-(i + 1)`; spare workers the timeline adds are `worker`).
    public func workerSpec(_ i: Int) -> NodeSpec { i < workerSizes.count ? workerSizes[i] : worker }

    /// The name of worker `i` (0-based): `worker-(i + 1)`, as scenarios, timelines and reports
    /// call the workers (an imported layout's nodes are renamed to it in pg_dist_node order).
    public static func workerName(_ i: Int) -> String { "worker-\(i + 1)" }

    /// The 0-based index of a worker named by `workerName`, or nil for another name.
    public static func workerIndex(named name: String) -> Int? {
        guard name.hasPrefix("worker-"), let k = Int(name.dropFirst(7)), k >= 1 else { return nil }
        return k - 1
    }

    /// The names of the workers there from the start, `worker-1`...
    public var workerNames: [String] { (0..<workerCount).map(Self.workerName) }

    /// The names of the coordinators there from the start: `coordinator`, `coordinator-2`...
    public var coordinatorNames: [String] { ["coordinator"] + (1..<max(1, coordinatorCount)).map { "coordinator-\($0 + 1)" } }

    /// Round trips to open a connection: TCP, startup/auth, plus TLS.
    public var connectionRoundTrips: Int64 { tls ? 3 : 2 }
}

/// A scenario's Citus settings (FACTS G, J), with Citus's defaults: the ones Citus's metadata
/// functions and planners read (`planning`, the cluster state's `CitusSettings`), and the ones
/// that shape execution.
public struct CitusSpec: Sendable, Equatable {
    /// The settings the metadata and the planners read; the cluster state starts with them.
    public var planning = CitusSettings()
    /// `citus.shard_count` (`planning.shardCount`).
    public var shardCount: Int {
        get { planning.shardCount }
        set { planning.shardCount = newValue }
    }
    /// `citus.max_adaptive_executor_pool_size`.
    public var maxAdaptiveExecutorPoolSize = 16
    /// `citus.max_shared_pool_size`: 0 = the coordinator's max_connections, −1 = no limit.
    public var maxSharedPoolSize = 0
    /// `citus.local_shared_pool_size`: connections the coordinator may open to itself for its own
    /// shards; 0 = half its max_connections, −1 = never (FACTS G).
    public var localSharedPoolSize = 0
    /// `citus.enable_local_execution`.
    public var enableLocalExecution = true
    /// `citus.enable_schema_based_sharding` when the tenants' schemas were created: every tenant
    /// is a schema holding the scenario's distributed tables as single-shard tables, colocated
    /// per schema and placed by Citus's rule for a new single-shard group (FACTS A.5).
    public var schemaBasedSharding = false
    /// `citus.max_cached_conns_per_worker`.
    public var maxCachedConnsPerWorker = 1
    /// `citus.max_cached_connection_lifetime`: a cached connection older than this is
    /// closed at the end of the transaction that used it.
    public var maxCachedConnectionLifetime = SimDuration.minutes(10)
    /// `citus.distributed_deadlock_detection_factor` is not −1: each coordinator's maintenance
    /// daemon checks for distributed deadlocks (every 2 s by default) over one connection to
    /// every other node, opened outside the adaptive executor and kept cached, so it holds a
    /// slot of the coordinator's shared pool towards each worker and a backend there for the
    /// whole run (FACTS G; `lock_graph.c`, measured in the lab: a router load hangs with one
    /// slot fewer than `max_shared_pool_size`).
    public var deadlockDetection = true
    /// `citus.executor_slow_start_interval` (0 disables slow start).
    public var executorSlowStartInterval = SimDuration.milliseconds(10)
    /// `statement_timeout` (nil = none).
    public var statementTimeout: SimDuration?
    /// `citus.enable_cost_based_connection_establishment`.
    public var costBasedConnectionEstablishment = true
    /// `citus.force_max_query_parallelization`.
    public var forceMaxQueryParallelization = false
    /// `citus.multi_shard_modify_mode = 'sequential'` (one connection per node for writes).
    public var sequentialModifications = false
    /// `citus.stat_statements_track = 'all'`.
    public var statStatementsTrack = false
    /// `citus.stat_tenants_track = 'all'`.
    public var statTenantsTrack = false
    /// `citus.metadata_sync_mode`: `transactional` (one coordinated transaction, the default)
    /// or `nontransactional` (one transaction per command, for very large metadata; FACTS H).
    public var metadataSyncNontransactional: Bool {
        get { planning.metadataSyncNontransactional }
        set { planning.metadataSyncNontransactional = newValue }
    }
    /// `citus.stat_tenants_limit`.
    public var statTenantsLimit = 100
    /// PostgreSQL's `max_worker_processes` on the coordinator (a restart setting): background
    /// task executors are background workers, two of which the maintenance daemon and the
    /// task queue monitor take.
    public var maxWorkerProcesses = 8

    public init() {}

    /// The limit on connections from the coordinator to itself (local shards), 0 when none may open.
    public func localPoolLimit(coordinatorMaxConnections: Int) -> Int {
        localSharedPoolSize == 0 ? coordinatorMaxConnections / 2 : max(0, localSharedPoolSize)
    }

    /// The shared-pool limit for connections from the coordinator to one worker.
    public func sharedPoolLimit(coordinatorMaxConnections: Int) -> Int {
        maxSharedPoolSize == 0 ? coordinatorMaxConnections : maxSharedPoolSize < 0 ? Int(Int32.max) : maxSharedPoolSize
    }
}

/// A table of the scenario.
public struct TableSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case distributed, reference }

    public var name: String
    public var kind: Kind
    /// Type of the distribution column; tenants' keys are their rank (integers) or `tenant-<rank>` (text).
    public var columnType: String
    /// Colocate with this table (nil = Citus's default rule).
    public var colocateWith: String?
    /// Shard count (nil = `citus.shard_count`).
    public var shardCount: Int?
    /// Fraction of every tenant's data held in this table.
    public var dataShare: Double
    /// Size in bytes of a reference table.
    public var referenceBytes: Double
    /// The table has a primary key or REPLICA IDENTITY (needed by `auto` logical moves, FACTS D.1).
    public var hasReplicaIdentity: Bool
    /// REPLICA IDENTITY FULL without a primary key: a logical move's catch-up scans the target
    /// shard for every UPDATE and DELETE it applies (`operations.full_identity_scan_mib_per_second`).
    public var replicaIdentityFull = false
    /// Indexes besides the primary key, rebuilt on the target of a move or split.
    public var secondaryIndexes: Int
    /// Average stored row, bytes (tuple header included): converts a query class's rows
    /// read, returned and written into bytes.
    public var rowBytes: Double = 200

    public init(name: String, kind: Kind, columnType: String = "bigint", colocateWith: String? = nil, shardCount: Int? = nil,
                dataShare: Double = 1, referenceBytes: Double = 0, hasReplicaIdentity: Bool = true, secondaryIndexes: Int = 0) {
        self.hasReplicaIdentity = hasReplicaIdentity
        self.secondaryIndexes = secondaryIndexes
        self.name = name
        self.kind = kind
        self.columnType = columnType
        self.colocateWith = colocateWith
        self.shardCount = shardCount
        self.dataShare = dataShare
        self.referenceBytes = referenceBytes
    }
}
