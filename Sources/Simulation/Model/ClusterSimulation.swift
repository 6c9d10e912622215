import SimCore
import Workload

/// A Citus cluster in simulated time: clients, the coordinator, workers, connections.
///
/// Model (FACTS G): each node's CPU is processor sharing over its cores (or all nodes share one
/// host's, `cluster.shared_host_cores`); each worker has a disk (IOPS and bandwidth, `Disk`);
/// results cross the coordinator's NIC ingress (a FIFO link at its bandwidth) plus the one-way
/// latency each way. A request (from `RequestSource`: its arrival, tenant, class and demands)
/// takes a client session (`ClientSessions`; open loop: a free one of its database's or it
/// waits; closed loop: its client's), is planned on the coordinator, then runs as one shard
/// task (router), fans out over per-worker pools with slow start and is merged on the
/// coordinator, or (across schemas) runs one subplan per schema in turn (`+Subplans`).
/// Connections to a worker count against `citus.max_shared_pool_size` (the first of a pool
/// waits when it is exhausted, further ones are skipped), its `max_connections` and its memory
/// (`NodeMemory`; refused when full). Pages a task reads are found in shared_buffers or the page
/// cache with the tenant's hit ratio of `TwoLevelCache`; the rest are disk reads. A
/// `statement_timeout` cancels the query's shard tasks on the workers' CPUs; cost-based
/// connection establishment stops a pool from opening connections when the open ones will
/// finish sooner (FACTS G). Simplifications: writes cost one WAL flush of their bytes; a read
/// from the page cache costs no CPU; worker groups may differ in size.
public struct ClusterSimulation: EventHandler {
    public typealias Kind = ClusterEvent

    let scenario: ClusterScenario
    let layout: SimulationLayout
    let classes: [QueryClass]
    /// The requests: arrivals or clients, each one's tenant, class and demands.
    var source: RequestSource
    /// Per class (`profile[r.cls]`): the hot path's copy of the scenario's query class, flat so
    /// no event copies a struct holding references.
    let profile: [QueryClassProfile]
    let databases: Int
    let tenantCount: Int
    /// Where shards and tenants live (changed by moves, splits and promotions; see
    /// Placement/ClusterSimulation+Placement).
    var placement: PlacementIndex
    /// Hit ratios of shard scans, by flat shard (`placement.offset[table] + shard`).
    var shardScanHitFlat: [Double]

    // Operations (timeline): idle and never touched without one (`hasOperations` false), so a
    // plain run pays one branch per dispatch.
    var ops = OperationsState.idle
    let hasOperations: Bool
    /// The locks that hold writes: per shard group (a transfer's), per table (alter_distributed_table's).
    var writeBlocks = WriteBlocks()
    /// Per group: the WAL foreground writes make, and logical transfers' apply of it.
    var replication: LogicalReplication
    /// Which nodes are up, which coordinators have joined, the queries parked on a failed worker.
    var health: NodeHealth
    var statementTimeout: SimDuration?
    let slowStartInterval: SimDuration
    let slowStart: Bool
    let costBased: Bool
    let forceMaxParallelization: Bool
    let sequentialWrites: Bool
    let poolSize: Int32
    let coordinatorNICBytesPerSecond: Double
    /// How workers, coordinators and CPU/disk nodes are numbered and named, and the workers'
    /// node ids. "Worker" below means shard node.
    var nodes: NodeMap
    /// Whether a task to the coordinator's own shards runs in the session's backend.
    let localExecution: LocalExecution
    let latency: SimDuration, connectDelay: SimDuration, connectCPU: SimDuration
    /// Worker CPU of a connection attempt refused at max_connections: PostgreSQL forks the
    /// backend and completes the TLS handshake and start-up packet before InitProcess finds no
    /// free slot ("sorry, too many clients already"), so the attempt pays the handshake's CPU
    /// but not authentication or backend initialisation. The fork's own cost is not separable
    /// from `connection_setup_cpu` in the lab's fit and is left out (a lower bound).
    let refusedConnectCPU: SimDuration
    /// Coordinator CPU per new connection, and per shard task of a fan-out (microseconds), each
    /// a job of the query's one backend.
    let connectClientCPU: SimDuration
    let taskCoordinatorCPU: Int64
    /// Coordinator CPU per across_schemas subplan (`cluster.subplan_coordinator_cpu`), microseconds.
    let subplanCoordinatorCPU: Int64
    /// Worker CPU added to a shard task on a cold backend, microseconds.
    let coldTaskCPU: Int64
    let measureFrom: SimTime
    /// From this instant clients start no new query and disconnect after their current one
    /// (`workload.clients.at_end: finish`; `never` otherwise), and how many have.
    let clientsStopAt: SimTime
    var clientsDisconnected = 0

    /// The cluster's random stream (the workload's are `source`'s, so two configurations see
    /// the same requests).
    let clusterStream: RandomStream

    // Resources: CPU node 0 is the first coordinator, node w + nodeOffset is worker w (`NodeMap`)
    // (`nodes.node(ofWorker:)`), then added coordinators (`nodes.cpuNode(coordinator:)`); disks likewise.
    /// Each keeps one wake-up at its next completion: scheduler timer `node` for CPU node
    /// `node`, `cpu.count + node` for disk `node`.
    /// Fixed tables, so a handler's `cpu[node].…` pays no copy-on-write check.
    var cpu: FixedTable<ProcessorSharingServer>
    var disks: FixedTable<Disk>
    /// The NICs' FIFO links (coordinators' ingress and egress, copies' egress).
    var network: ClusterNetwork
    /// Citus's shared connection pool: every coordinator's slots towards each worker.
    var sharedPool: SharedConnectionPool
    /// Backend slots (max_connections) of each worker.
    var backends: PerWorker<TokenPool>
    /// Per worker and per coordinator: the memory envelope (`NodeMemory`).
    let workerMemory: PerWorker<NodeMemory>, coordinatorMemory: [NodeMemory]
    /// The work_mem running shard tasks hold on each worker.
    var workMem: WorkMem
    /// The result tuplestores running fan-outs hold on each coordinator.
    var resultStore: ResultTuplestore
    /// The client sessions: which one a request gets, the coordinator each is connected to.
    var clientSessions: ClientSessions
    /// The connections each session keeps to each worker between its queries.
    var connectionCache: ConnectionCache

    // Records with free lists.
    var requests = RecordTable<RequestRecord>()
    var freeRequests: [RequestID] = []
    var tasks = RecordTable<TaskRecord>()
    var freeTasks: [TaskID] = []
    var pools = RecordTable<WorkerPool>()
    var freePoolBlocks: [PoolID] = []

    public internal(set) var metrics: SimulationMetrics
    var nextSample: SimTime
    /// Resource integrals at the end of the warm-up and at the last sample.
    var baseline: (cpu: [Double], disk: [Double], nic: [Double])
    var lastIntegrals: (cpu: [Double], disk: [Double], nic: [Double])
    var lastSampleTime: SimTime = .zero
    /// Events handled, by kind (`ClusterEvent` raw value).
    public internal(set) var eventCounts = [UInt64](repeating: 0, count: ClusterEvent.allCases.count)

    /// `replay` replaces the generated open-loop arrivals; `record` keeps the requests made.
    public init(scenario: ClusterScenario, layout: SimulationLayout, seed: UInt64, replay: RequestTrace? = nil, record: Bool = false) throws {
        self.scenario = scenario
        self.layout = layout
        classes = scenario.workload.classes
        profile = try classes.map { c in
            guard let i = scenario.tables.firstIndex(where: { $0.name == c.table && $0.kind == .distributed }) else {
                throw ParameterError(parameter: "workload.classes.\(c.name).table", value: c.table, expected: "a distributed table of the scenario")
            }
            return QueryClassProfile(c, table: i, hasReplicaIdentity: scenario.tables.first { $0.name == c.table }?.hasReplicaIdentity ?? true)
        }
        let k = scenario.workload.databases
        databases = k
        try ParameterError.requirePositive(k, "workload.databases")
        guard scenario.workload.sessions >= k else {
            throw ParameterError(parameter: "workload.sessions", value: "\(scenario.workload.sessions)", expected: "at least one session per database (\(k))")
        }
        source = try RequestSource(scenario: scenario, seed: seed, replay: replay, record: record)
        tenantCount = scenario.workload.tenants.count
        let tables = scenario.tables.count
        let nodeMap = NodeMap(scenario)
        placement = PlacementIndex(tenants: tenantCount, workers: nodeMap.workers, tenantShard: layout.tenantShard,
                                   shardWorker: layout.shardWorker, tenantHit: layout.tenantHitRatio)
        shardScanHitFlat = (0..<tables).flatMap { t in layout.shardScanHitRatio[t].isEmpty ? [Double](repeating: 1, count: layout.shardWorker[t].count) : layout.shardScanHitRatio[t] }
        hasOperations = !scenario.timeline.isEmpty
        let citus = scenario.citus
        statementTimeout = citus.statementTimeout
        slowStartInterval = citus.executorSlowStartInterval
        slowStart = citus.executorSlowStartInterval > .zero && !citus.forceMaxQueryParallelization
        costBased = citus.costBasedConnectionEstablishment
        forceMaxParallelization = citus.forceMaxQueryParallelization
        sequentialWrites = citus.sequentialModifications
        poolSize = Int32(citus.maxAdaptiveExecutorPoolSize)
        coordinatorNICBytesPerSecond = scenario.cluster.coordinator.nicBytesPerSecond
        nodes = nodeMap
        let workers = nodes.workers, coordinators = nodes.coordinators
        localExecution = LocalExecution(enabled: scenario.citus.enableLocalExecution, localWorker: nodeMap.localWorker)
        guard coordinators <= Int(UInt8.max) else {
            throw ParameterError(parameter: "timeline.add_coordinator", value: "\(coordinators) coordinators", expected: "at most \(UInt8.max)")
        }
        let initial = scenario.cluster.coordinatorNames.count
        health = NodeHealth(workers: workers, coordinators: coordinators, initialCoordinators: initial,
                            waitForFailedNodes: scenario.operations.waitForFailedNodes)
        clientSessions = try ClientSessions(sessions: scenario.workload.sessions, databases: k, coordinators: coordinators, initial: initial)
        network = ClusterNetwork(coordinators: coordinators, nodes: nodes.cpuNodes)
        latency = scenario.cluster.networkLatency
        connectDelay = scenario.cluster.networkLatency * (2 * scenario.cluster.connectionRoundTrips)
        // A connection that opens does what a refused attempt does (the handshake), then starts its backend.
        refusedConnectCPU = scenario.cluster.tls ? scenario.cluster.tlsHandshakeCPU : .zero
        connectCPU = refusedConnectCPU + scenario.cluster.connectionSetupCPU
        connectClientCPU = scenario.cluster.connectionSetupCoordinatorCPU
        taskCoordinatorCPU = scenario.cluster.taskCoordinatorCPU.microseconds
        subplanCoordinatorCPU = scenario.cluster.subplanCoordinatorCPU.microseconds
        coldTaskCPU = scenario.cluster.coldTaskWorkerCPU.microseconds
        measureFrom = .zero + scenario.run.warmup
        clientsStopAt = scenario.workload.clientsFinishAtEnd && scenario.workload.isClosedLoop ? .zero + scenario.run.duration : .never
        clusterStream = RandomStream(runSeed: seed, name: "cluster.cache")
        let c = scenario.cluster
        (cpu, disks) = try Self.servers(c, workerServers: nodes.workerServers, coordinators: coordinators)
        // The first coordinator's counter for its own shards is citus.local_shared_pool_size.
        let local = nodes.localWorker
        let maxConnections = c.coordinator.maxConnections
        sharedPool = try SharedConnectionPool(coordinators: coordinators, workers: workers, databases: k,
                                              limit: scenario.citus.sharedPoolLimit(coordinatorMaxConnections: maxConnections),
                                              localLimit: scenario.citus.localPoolLimit(coordinatorMaxConnections: maxConnections), localWorker: local)
        // PostgreSQL keeps superuser_reserved_connections (3) of max_connections; on a
        // coordinator with shards the client sessions take backends too.
        let sessionCount = scenario.workload.sessions
        backends = PerWorker(try nodes.allWorkers.map { w in
            try TokenPool(capacity: w == local ? max(0, c.coordinator.maxConnections - 3 - sessionCount) : max(0, c.spec(ofShardNode: w).maxConnections - 3))
        })
        connectionCache = ConnectionCache(sessions: scenario.workload.sessions, workers: workers,
                                          maxPerWorker: Int32(citus.maxCachedConnsPerWorker), lifetime: citus.maxCachedConnectionLifetime)
        let memory = NodeMemory.envelope(scenario: scenario, layout: layout, workers: workers, coordinators: coordinators, localWorker: local,
                                         sessionsPerCoordinator: clientSessions.coordinator.reduce(into: [Int](repeating: 0, count: coordinators)) { $0[Int($1)] += 1 })
        (workerMemory, coordinatorMemory) = (PerWorker(memory.workers), memory.coordinators)
        workMem = WorkMem(profile: profile, workers: workers) { scenario.cluster.spec(ofShardNode: $0) }
        resultStore = ResultTuplestore(profile: profile, coordinators: coordinators, spec: c.coordinator, localCoordinator: local.isWorker)
        metrics = SimulationMetrics(classes: classes.map(\.name), workers: workers, tenants: scenario.workload.tenants.count,
                                    trackStatements: scenario.citus.statStatementsTrack)
        for (c, cls) in classes.enumerated() where !cls.isSingleTenant { metrics.routerCallsByTenant[c] = [] }
        if !scenario.run.watchTenants.isEmpty {
            // Neighbours: tenants on the watched tenant's worker at the start (first distributed table).
            let table = profile.first?.table ?? 0
            let groups = SimulationMetrics.watchGroups(ranks: scenario.run.watchTenants, tenants: tenantCount) { t in
                layout.worker(table: table, tenant: TenantIndex(t))
            }
            metrics.watch(groups: groups, count: 2 * scenario.run.watchTenants.count, classes: profile.map(\.singleTenant))
        }
        nextSample = .zero + scenario.run.sampleInterval
        let zeros = (cpu: [Double](repeating: 0, count: cpu.count), disk: [Double](repeating: 0, count: disks.count),
                     nic: [Double](repeating: 0, count: coordinators))
        baseline = zeros
        lastIntegrals = zeros
        replication = LogicalReplication(operations: scenario.operations)
        regroupShards()
        if hasOperations { try setUpOperations(layout: layout) }
        for c in 0..<initial { openDaemonConnections(coordinator: c, at: .zero) }  // to the workers in the metadata
    }
}

extension ClusterSimulation {
    /// Workers (shard nodes), spare ones included (`nodes.workers`).
    var workers: Int { nodes.workers }
    /// Coordinators, the ones the timeline adds included (`nodes.coordinators`).
    var coordinators: Int { nodes.coordinators }
    /// Each worker's name (`coordinator` when it holds shards, `worker-1`..., then the ones the timeline adds).
    public var workerNames: [String] { nodes.workerNames }
    /// Each coordinator's name.
    public var coordinatorNames: [String] { nodes.coordinatorNames }
}
