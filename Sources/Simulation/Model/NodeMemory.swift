import SimCore

/// A node's memory envelope: shared_buffers plus its backends' private memory
/// (`BackendMemory`), within the RAM left after the operating system (`NodeSpec.osReserveBytes`);
/// the page cache has what is left beside the backends that stay open (`residentBackends`).
///
/// Model assumptions: a worker backend is warm (pooled and cached connections serve many
/// queries, so each has read every shard on its worker); a coordinator backend (a client
/// session) has planned every distributed table, so its metadata cache holds every shard
/// interval; the shard counts are the layout's at the start; the `work_mem` of running tasks comes on top (`WorkMem`).
public struct NodeMemory: Sendable {
    /// Private memory of one backend, bytes.
    public let backendBytes: Double
    /// shared_buffers plus backends that are always there (client sessions on a coordinator
    /// that holds shards), bytes.
    public let fixedBytes: Double
    /// RAM less the operating system's share, bytes.
    public let limitBytes: Double

    /// Backends that fit beside the fixed part (a connection past them fails: out of memory).
    public var backendLimit: Int {
        let room = (limitBytes - fixedBytes) / backendBytes
        return room >= Double(Int32.max) ? Int(Int32.max) : max(0, Int(room.rounded(.down)))
    }

    /// The node's memory with `backends` connections, bytes.
    public func bytes(backends: Double) -> Double { fixedBytes + backends * backendBytes }

    /// The OS page cache beside this envelope with `backends` connections: the RAM the OS
    /// leaves beyond shared_buffers and the backends, bytes.
    public func pageCacheBytes(backends: Double) -> Double { max(0, limitBytes - bytes(backends: backends)) }

    /// The page cache of shard node `w` of `s`, whose envelope this is, beside its resident
    /// backends (`residentBackends`), bytes: what a run's cache model gets.
    func pageCacheBytes(_ s: ClusterScenario, worker w: WorkerIndex) -> Double {
        pageCacheBytes(backends: Double(Self.residentBackends(s, worker: w)))
    }

    /// Connections that stay open on shard node `w` of `s` between queries, so their backends'
    /// memory is not the page cache's: each client session's cached connections
    /// (`max_cached_conns_per_worker`) and the maintenance daemons' (one per coordinator and
    /// database, with deadlock detection on), at most max_connections − 3; none on a coordinator
    /// that holds shards (its client sessions' backends are its fixed part). Model assumption:
    /// every session has touched every worker (a fan-out, or tenants spread over them), and a
    /// fan-out's extra connections close when it ends.
    public static func residentBackends(_ s: ClusterScenario, worker w: WorkerIndex) -> Int {
        if s.cluster.coordinatorHasShards && w.index == 0 { return 0 }
        let daemons = s.citus.deadlockDetection ? s.cluster.coordinatorCount * s.workload.databases : 0
        return min(s.workload.sessions * s.citus.maxCachedConnsPerWorker + daemons, max(0, s.cluster.spec(ofShardNode: w).maxConnections - 3))
    }

    /// The cache (shared_buffers and the page cache) of a worker of size `node` in `s` before
    /// its layout exists: beside its resident backends, each warm with the worker's share of
    /// the shards (the scenario's shard counts over its workers, plus every reference table).
    /// For the report's headline, the sizing rules and the reader's warnings; a run uses each
    /// worker's own (`envelope`).
    public static func cacheBytes(_ s: ClusterScenario, node: NodeSpec) -> Double {
        let distributed = s.tables.filter { $0.kind == .distributed }
        let shards = s.citus.schemaBasedSharding ? distributed.count * s.workload.tenants.count : distributed.reduce(0) { $0 + ($1.shardCount ?? s.citus.shardCount) }
        let perWorker = (shards + s.cluster.workerCount - 1) / max(1, s.cluster.workerCount) + s.tables.filter { $0.kind == .reference }.count
        let backend = s.cluster.backendMemory.freshBytes + s.cluster.backendMemory.workerGrowth(shards: perWorker)
        let w: WorkerIndex = s.cluster.coordinatorHasShards ? 1 : 0
        return node.cacheBytes(backendBytes: Double(residentBackends(s, worker: w)) * backend)
    }

    /// Per worker and per coordinator, for `scenario` on `layout` at the start.
    public static func envelope(scenario: ClusterScenario, layout: SimulationLayout, workers: Int, coordinators: Int, localWorker: WorkerIndex,
                         sessionsPerCoordinator: [Int]) -> (workers: [NodeMemory], coordinators: [NodeMemory]) {
        envelope(scenario: scenario, workerShards: layout.workerShards, shardCounts: layout.shardBytes.map(\.count), workers: workers, coordinators: coordinators,
                 localWorker: localWorker, sessionsPerCoordinator: sessionsPerCoordinator)
    }

    /// The same from a layout's parts: per table, the shards on each worker, and each table's shard count.
    static func envelope(scenario: ClusterScenario, workerShards: [[[ShardIndex]]], shardCounts: [Int], workers: Int, coordinators: Int, localWorker: WorkerIndex,
                         sessionsPerCoordinator: [Int]) -> (workers: [NodeMemory], coordinators: [NodeMemory]) {
        let model = scenario.cluster.backendMemory
        let referenceTables = scenario.tables.filter { $0.kind == .reference }.count
        let distributed = scenario.tables.indices.filter { scenario.tables[$0].kind == .distributed }
        var shardsOn = (0..<workers).map { w in
            distributed.reduce(referenceTables) { $0 + (w < workerShards[$1].count ? workerShards[$1][w].count : 0) }
        }
        // Workers a timeline adds start empty and receive shards: take the fullest worker's count.
        let fullest = shardsOn.max() ?? 0
        for w in 0..<workers where w >= workerShards.first.map(\.count) ?? 0 { shardsOn[w] = fullest }
        let allShards = distributed.reduce(referenceTables) { $0 + shardCounts[$1] }
        let coordinatorBackend = model.freshBytes + model.coordinatorGrowth(shards: allShards)
        let coordinatorNodes = (0..<coordinators).map { c in
            NodeMemory(backendBytes: coordinatorBackend,
                       fixedBytes: scenario.cluster.coordinator.sharedBuffersBytes + Double(sessionsPerCoordinator[c]) * coordinatorBackend,
                       limitBytes: scenario.cluster.coordinator.memoryBytes - NodeSpec.osReserveBytes)
        }
        let workerNodes = (0..<workers).map { w in
            let spec = scenario.cluster.spec(ofShardNode: WorkerIndex(w))
            let backend = model.freshBytes + model.workerGrowth(shards: shardsOn[w])
            // A coordinator with shards also holds its client sessions' backends.
            let sessions = w == localWorker.index ? Double(sessionsPerCoordinator.first ?? 0) * coordinatorBackend : 0
            return NodeMemory(backendBytes: backend, fixedBytes: spec.sharedBuffersBytes + sessions,
                              limitBytes: spec.memoryBytes - NodeSpec.osReserveBytes)
        }
        return (workerNodes, coordinatorNodes)
    }

    /// The same for `scenario` before it runs: its layout's workers, its client sessions spread
    /// evenly over its coordinators (the first takes the remainder), and a coordinator that holds
    /// shards counted as the first worker. Returns the sessions per coordinator too.
    public static func envelope(scenario s: ClusterScenario, layout: SimulationLayout) -> (workers: [NodeMemory], coordinators: [NodeMemory], sessions: [Int]) {
        envelope(scenario: s, workerShards: layout.workerShards, shardCounts: layout.shardBytes.map(\.count))
    }

    /// The same from a layout's parts (`SimulationLayout` while it is built).
    static func envelope(scenario s: ClusterScenario, workerShards: [[[ShardIndex]]], shardCounts: [Int]) -> (workers: [NodeMemory], coordinators: [NodeMemory], sessions: [Int]) {
        let coordinators = s.cluster.coordinatorCount, sessions = s.workload.sessions
        let perCoordinator = (0..<coordinators).map { c in (sessions - c + coordinators - 1) / coordinators }
        let workers = workerShards.first?.count ?? s.cluster.workerCount
        let (w, c) = envelope(scenario: s, workerShards: workerShards, shardCounts: shardCounts, workers: workers, coordinators: coordinators,
                              localWorker: s.cluster.coordinatorHasShards ? 0 : .none, sessionsPerCoordinator: perCoordinator)
        return (w, c, perCoordinator)
    }
}
