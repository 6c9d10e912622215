import SimCore
import Workload

/// A Citus cluster in simulated time: clients, the coordinator, workers, connections.
///
/// Model (FACTS G): each node's CPU is processor sharing over its cores; each worker has a
/// disk (IOPS and bandwidth, `Disk`); results cross the coordinator's NIC ingress, shared by
/// processor sharing, plus the one-way network latency each way. A request takes a client
/// session (open loop: from an application pool of `sessions`; closed loop: its client's),
/// is planned on the coordinator, then runs as one shard task (router) or fans out over
/// per-worker pools (multi-shard) with slow start, and, for multi-shard queries, is merged
/// on the coordinator. Connections from the coordinator to a worker count against
/// `citus.max_shared_pool_size` (the first of a pool waits when it is exhausted, further ones
/// are skipped) and against the worker's `max_connections` (refused when full). Pages a task
/// reads hit the worker's cache with the tenant's Che hit ratio; misses are disk reads.
/// Simplifications: in-flight shard tasks of a timed-out query run to completion (no new
/// ones start); writes cost one WAL flush of their bytes; cost-based connection suppression
/// is not modelled.
public struct ClusterSimulation: EventHandler {
    public typealias Kind = ClusterEvent

    let scenario: ClusterScenario
    let layout: SimulationLayout
    let classes: [QueryClass]
    let classTable: [Int]
    let classAlias: AliasTable
    let workers: Int
    let latency: SimDuration
    let connectDelay: SimDuration
    let connectCPU: SimDuration
    let sharedPoolLimit: Int
    let measureFrom: SimTime

    // Random streams: the workload's (arrivals, tenants, classes, demands) are separate from
    // the cluster's, so two configurations see the same requests.
    let arrivalStream: RandomStream
    let tenantStream: RandomStream
    let classStream: RandomStream
    let demandStream: RandomStream
    let clusterStream: RandomStream

    // Resources: node 0 is the coordinator, node w + 1 is worker w.
    var cpu: [ProcessorSharingServer]
    var cpuWake: [WakeupSlot]
    var disks: [Disk]
    var diskWake: [WakeupSlot]
    var nicIn: ProcessorSharingServer
    var nicWake = WakeupSlot()
    /// The coordinator's shared-pool counter for each worker.
    var sharedPool: [TokenPool]
    /// Backend slots (max_connections) of each worker.
    var backends: [TokenPool]
    var sessions: TokenPool
    /// Session indices not in use (open loop), lowest on top.
    var freeSessions: [Int32]
    /// Connections each session keeps per worker: index session × workers + worker.
    var cached: [Int32]
    /// When the slot's cached connection was first kept (its age for the lifetime limit).
    var cachedSince: [SimTime]

    // Records with free lists.
    var requests: [RequestRecord] = []
    var freeRequests: [UInt32] = []
    var tasks: [TaskRecord] = []
    var freeTasks: [UInt32] = []
    var pools: [PoolRecord] = []
    var freePoolBlocks: [Int32] = []

    public internal(set) var metrics: SimulationMetrics
    var nextSample: SimTime
    /// Resource integrals at the end of the warm-up and at the last sample.
    var baseline: (cpu: [Double], disk: [Double], nic: Double)
    var lastIntegrals: (cpu: [Double], disk: [Double], nic: Double)
    var lastSampleTime: SimTime = .zero

    public init(scenario: ClusterScenario, layout: SimulationLayout, seed: UInt64) throws {
        self.scenario = scenario
        self.layout = layout
        classes = scenario.workload.classes
        classTable = try classes.map { c in
            guard let i = scenario.tables.firstIndex(where: { $0.name == c.table && $0.kind == .distributed }) else {
                throw ParameterError(parameter: "workload.classes.\(c.name).table", value: c.table, expected: "a distributed table of the scenario")
            }
            return i
        }
        classAlias = try AliasTable(weights: classes.map(\.share))
        workers = scenario.cluster.workerCount
        latency = scenario.cluster.networkLatency
        connectDelay = scenario.cluster.networkLatency * (2 * scenario.cluster.connectionRoundTrips)
        connectCPU = scenario.cluster.connectionSetupCPU + (scenario.cluster.tls ? scenario.cluster.tlsHandshakeCPU : .zero)
        sharedPoolLimit = scenario.citus.sharedPoolLimit(coordinatorMaxConnections: scenario.cluster.coordinator.maxConnections)
        measureFrom = .zero + scenario.run.warmup
        arrivalStream = RandomStream(runSeed: seed, name: "workload.arrivals")
        tenantStream = RandomStream(runSeed: seed, name: "workload.tenants")
        classStream = RandomStream(runSeed: seed, name: "workload.classes")
        demandStream = RandomStream(runSeed: seed, name: "workload.demands")
        clusterStream = RandomStream(runSeed: seed, name: "cluster.cache")
        let c = scenario.cluster
        let limit = sharedPoolLimit
        cpu = try [ProcessorSharingServer(cores: c.coordinator.cores)] + (0..<workers).map { _ in try ProcessorSharingServer(cores: c.worker.cores) }
        cpuWake = Array(repeating: WakeupSlot(), count: workers + 1)
        disks = try [c.coordinator].map { try Disk(iops: $0.diskIOPS, bytesPerSecond: $0.diskBytesPerSecond, accessLatency: $0.diskLatency) }
            + (0..<workers).map { _ in try Disk(iops: c.worker.diskIOPS, bytesPerSecond: c.worker.diskBytesPerSecond, accessLatency: c.worker.diskLatency) }
        diskWake = Array(repeating: WakeupSlot(), count: workers + 1)
        nicIn = try ProcessorSharingServer(cores: 1)
        sharedPool = try (0..<workers).map { _ in try TokenPool(capacity: limit) }
        // PostgreSQL keeps superuser_reserved_connections (3) of max_connections.
        backends = try (0..<workers).map { _ in try TokenPool(capacity: max(0, c.worker.maxConnections - 3)) }
        sessions = try TokenPool(capacity: scenario.workload.sessions)
        freeSessions = (0..<Int32(scenario.workload.sessions)).reversed()
        cached = Array(repeating: 0, count: scenario.workload.sessions * workers)
        cachedSince = Array(repeating: .zero, count: scenario.workload.sessions * workers)
        metrics = SimulationMetrics(classes: classes.map(\.name), workers: workers, tenants: scenario.workload.tenants.count)
        nextSample = .zero + scenario.run.sampleInterval
        let zeros = (cpu: [Double](repeating: 0, count: workers + 1), disk: [Double](repeating: 0, count: workers + 1), nic: 0.0)
        baseline = zeros
        lastIntegrals = zeros
    }

    /// Schedules the first arrivals (open loop) or every client's first request (closed loop),
    /// and the first metrics sample.
    public mutating func start(_ s: inout Scheduler<ClusterEvent>) {
        switch scenario.workload.arrivals {
        case .open(let curve, _):
            scheduleNextArrival(after: .zero, curve: curve, &s)
        case .closed(let clients, let think):
            for c in 0..<clients {
                s.schedule(.think, after: SimDuration(seconds: think.sample(arrivalStream)), priority: .arrival, payload: UInt32(c))
            }
        }
        if measureFrom > .zero { s.schedule(.sample, at: measureFrom, priority: .observation, payload: 1) }
        s.schedule(.sample, at: nextSample, priority: .observation)
    }

    public mutating func handle(_ event: Event<ClusterEvent>, scheduler s: inout Scheduler<ClusterEvent>) {
        let now = s.now
        switch event.kind {
        case .arrival:
            if case .open(let curve, _) = scenario.workload.arrivals {
                scheduleNextArrival(after: now, curve: curve, &s)
                // Thinning: accept with probability rate(now) / maximum.
                if arrivalStream.uniform() * curve.maximum < curve.rate(at: now) { arrive(session: nil, &s) }
            }
        case .think:
            arrive(session: Int32(event.payload), &s)
        case .cpuWake:
            let node = Int(event.payload)
            cpuWake[node].fired(at: now)
            while let t = cpu[node].popCompleted(at: now) { cpuDone(task: t, node: node, &s) }
            armCPU(node, &s)
        case .diskWake:
            let node = Int(event.payload)
            diskWake[node].fired(at: now)
            while let t = disks[node].popCompleted(at: now) { diskDone(task: t, &s) }
            armDisk(node, &s)
        case .nicWake:
            nicWake.fired(at: now)
            while let t = nicIn.popCompleted(at: now) { transferDone(task: t, &s) }
            armNIC(&s)
        case .deliver:
            delivered(task: event.payload, &s)
        case .connected:
            connected(task: event.payload, &s)
        case .slowStart:
            slowStartTick(pool: Int(event.payload), &s)
        case .timeout:
            timeout(request: event.payload, &s)
        case .sample:
            sample(at: now)
            if event.payload == 0 {  // payload 1 is the warm-up mark, not a periodic sample
                nextSample = now + scenario.run.sampleInterval
                s.schedule(.sample, at: nextSample, priority: .observation)
            }
        }
    }

    mutating func scheduleNextArrival(after now: SimTime, curve: RateCurve, _ s: inout Scheduler<ClusterEvent>) {
        let gap = arrivalStream.exponential(mean: 1e6 / curve.maximum)
        s.schedule(.arrival, at: now + .microseconds(max(1, Int64(gap.rounded()))), priority: .arrival)
    }

    // MARK: Resource wake-ups

    mutating func armCPU(_ node: Int, _ s: inout Scheduler<ClusterEvent>) {
        let due = cpu[node].nextCompletionTime
        if cpuWake[node].needsWakeup(at: due) { s.schedule(.cpuWake, at: due!, priority: .completion, payload: UInt32(node)) }
    }

    mutating func armDisk(_ node: Int, _ s: inout Scheduler<ClusterEvent>) {
        let due = disks[node].nextEventTime
        if diskWake[node].needsWakeup(at: due) { s.schedule(.diskWake, at: due!, priority: .completion, payload: UInt32(node)) }
    }

    mutating func armNIC(_ s: inout Scheduler<ClusterEvent>) {
        let due = nicIn.nextCompletionTime
        if nicWake.needsWakeup(at: due) { s.schedule(.nicWake, at: due!, priority: .completion) }
    }

    // MARK: Record allocation

    mutating func newTask(_ record: TaskRecord) -> UInt32 {
        if let id = freeTasks.popLast() {
            tasks[Int(id)] = record
            return id
        }
        tasks.append(record)
        return UInt32(tasks.count - 1)
    }

    mutating func newRequest(_ record: RequestRecord) -> UInt32 {
        if let id = freeRequests.popLast() {
            requests[Int(id)] = record
            return id
        }
        requests.append(record)
        return UInt32(requests.count - 1)
    }

    /// A block of one pool per worker for a multi-shard request.
    mutating func newPoolBlock() -> Int32 {
        if let base = freePoolBlocks.popLast() { return base }
        let base = Int32(pools.count)
        pools.append(contentsOf: repeatElement(PoolRecord(), count: workers))
        return base
    }

    func draw(_ d: Distribution) -> Int64 { max(0, Int64((d.sample(demandStream) * 1e6).rounded())) }

    /// Whether a request arriving at `time` is measured (after the warm-up).
    func measured(_ r: RequestRecord) -> Bool { r.arrival >= measureFrom }
}
