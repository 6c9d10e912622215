/// A node's memory envelope: shared_buffers plus its backends' private memory
/// (`BackendMemory`), within the RAM left after the operating system (`NodeSpec.osReserveBytes`);
/// the page cache has what is left.
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

    /// Per worker and per coordinator, for `scenario` on `layout` at the start.
    public static func envelope(scenario: ClusterScenario, layout: SimulationLayout, workers: Int, coordinators: Int, localWorker: WorkerIndex,
                         sessionsPerCoordinator: [Int]) -> (workers: [NodeMemory], coordinators: [NodeMemory]) {
        let model = scenario.cluster.backendMemory
        let referenceTables = scenario.tables.filter { $0.kind == .reference }.count
        let distributed = scenario.tables.indices.filter { scenario.tables[$0].kind == .distributed }
        var shardsOn = (0..<workers).map { w in
            distributed.reduce(referenceTables) { $0 + (w < layout.workerShards[$1].count ? layout.workerShards[$1][w].count : 0) }
        }
        // Workers a timeline adds start empty and receive shards: take the fullest worker's count.
        let fullest = shardsOn.max() ?? 0
        for w in 0..<workers where w >= layout.workerShards.first.map(\.count) ?? 0 { shardsOn[w] = fullest }
        let allShards = distributed.reduce(referenceTables) { $0 + layout.shardBytes[$1].count }
        let coordinatorBackend = model.freshBytes + model.coordinatorGrowth(shards: allShards)
        let coordinatorNodes = (0..<coordinators).map { c in
            NodeMemory(backendBytes: coordinatorBackend,
                       fixedBytes: scenario.cluster.coordinator.sharedBuffersBytes + Double(sessionsPerCoordinator[c]) * coordinatorBackend,
                       limitBytes: scenario.cluster.coordinator.memoryBytes - NodeSpec.osReserveBytes)
        }
        let workerNodes = (0..<workers).map { w in
            let spec = scenario.cluster.spec(ofShardNode: w)
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
        let coordinators = s.cluster.coordinatorCount, sessions = s.workload.sessions
        let perCoordinator = (0..<coordinators).map { c in (sessions - c + coordinators - 1) / coordinators }
        let workers = layout.workerShards.first?.count ?? s.cluster.workerCount
        let (w, c) = envelope(scenario: s, layout: layout, workers: workers, coordinators: coordinators,
                              localWorker: s.cluster.coordinatorHasShards ? 0 : .none, sessionsPerCoordinator: perCoordinator)
        return (w, c, perCoordinator)
    }
}
