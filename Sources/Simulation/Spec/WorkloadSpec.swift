import SimCore
import Workload

/// The tenants and the requests they make.
public struct WorkloadSpec: Sendable {
    /// How requests arrive.
    public enum Arrivals: Sendable {
        /// Open loop: a Poisson process with this rate curve; requests wait for one of
        /// `sessions` client connections to the coordinator (an application pool).
        case open(RateCurve, sessions: Int)
        /// Closed loop: `clients` sessions, each sending its next request `think` seconds
        /// after the previous one completes.
        case closed(clients: Int, think: Distribution)
    }

    public var tenants: TenantPopulation
    public var classes: [QueryClass]
    public var arrivals: Arrivals
    /// Databases on the same servers, each with the same schema: tenant index t lives in
    /// database t mod `databases`, session s belongs to database s mod `databases`. Each
    /// database has its own Citus shared-pool counters; all share the workers' max_connections.
    public var databases: Int
    /// Closed loop only (`workload.clients.at_end: finish`): at `run.duration` the clients start
    /// no new query; each disconnects after the one it is running (its session's cached worker
    /// connections close) and the run lasts until the last has finished, at most
    /// `ClusterRun.finishLimit` more. This is how `pgbench -T` ends: its rate counts those
    /// queries and that time. False (`stop`): the run ends at `run.duration`, queries in flight
    /// unanswered. A run that ends with its timeline's operations (`ClusterRun.run`'s
    /// `untilOperationsDone`, `untilJobsDone`) ends there either way.
    public var clientsFinishAtEnd = false

    public init(tenants: TenantPopulation, classes: [QueryClass], arrivals: Arrivals, databases: Int = 1) {
        self.tenants = tenants
        self.classes = classes
        self.arrivals = arrivals
        self.databases = databases
    }

    /// The same workload with `factor` times the traffic: open-loop rates scaled (and the
    /// application's sessions, so the pool is not the new bottleneck), or `factor` times the
    /// closed-loop clients.
    public func scaled(traffic factor: Double) -> WorkloadSpec {
        var w = self
        switch arrivals {
        case .open(let curve, let sessions):
            w.arrivals = .open(curve.scaled(by: factor), sessions: max(1, Int((Double(sessions) * factor).rounded(.up))))
        case .closed(let clients, let think):
            w.arrivals = .closed(clients: max(1, Int((Double(clients) * factor).rounded())), think: think)
        }
        return w
    }

    /// The highest arrival rate, queries per second: the rate curve's maximum (open loop), or
    /// clients / mean think time (closed loop; an upper bound, response time ignored).
    public var peakArrivalRate: Double {
        switch arrivals {
        case .open(let curve, _): return curve.maximum
        case .closed(let clients, let think): return Double(clients) / max(think.mean, 0.001)
        }
    }

    /// Whether clients think between queries (`workload.clients`) rather than requests arriving.
    public var isClosedLoop: Bool {
        if case .closed = arrivals { return true }
        return false
    }

    /// Number of client sessions.
    public var sessions: Int {
        switch arrivals {
        case .open(_, let s): return s
        case .closed(let c, _): return c
        }
    }
}

/// Length and sampling of one cluster run, and how it is replicated.
public struct RunSpec: Sendable, Equatable {
    /// Seed, replications and confidence level (shared with every kind of scenario).
    public var replication: ReplicationSettings
    public var duration: SimDuration
    public var warmup: SimDuration
    public var sampleInterval: SimDuration
    /// Tenant ranks whose latency, and their initial worker neighbours', get their own time series.
    public var watchTenants: [Int] = []

    public init(seed: UInt64 = 1, duration: SimDuration, warmup: SimDuration = .zero, replications: Int = 3,
                sampleInterval: SimDuration = .seconds(10), confidence: Double = 0.95) {
        replication = ReplicationSettings(seed: seed, replications: replications, confidence: confidence)
        self.duration = duration
        self.warmup = warmup
        self.sampleInterval = sampleInterval
    }

    /// Base seed (`replication.seed`).
    public var seed: UInt64 {
        get { replication.seed }
        set { replication.seed = newValue }
    }
    /// Independent replications (`replication.replications`).
    public var replications: Int {
        get { replication.replications }
        set { replication.replications = newValue }
    }
    /// Confidence level of every interval (`replication.confidence`).
    public var confidence: Double {
        get { replication.confidence }
        set { replication.confidence = newValue }
    }
}

/// Everything one cluster simulation needs.
public struct ClusterScenario: Sendable {
    public var name: String
    public var run: RunSpec
    public var cluster: ClusterSpec
    public var citus: CitusSpec
    public var tables: [TableSpec]
    public var workload: WorkloadSpec
    /// Service-level objectives (the run's verdict and the advisor's constraints).
    public var slo: SLOSpec
    /// Operations and events over time, in `at` order (stable for equal times).
    public var timeline: [TimelineEntry]
    public var operations: OperationsSpec

    public init(name: String, run: RunSpec, cluster: ClusterSpec, citus: CitusSpec, tables: [TableSpec], workload: WorkloadSpec,
                slo: SLOSpec = SLOSpec(), timeline: [TimelineEntry] = [], operations: OperationsSpec = OperationsSpec()) {
        self.timeline = timeline
        self.operations = operations
        self.name = name
        self.run = run
        self.cluster = cluster
        self.citus = citus
        self.tables = tables
        self.workload = workload
        self.slo = slo
    }
}

/// Service-level objectives: what a run must achieve to pass.
public struct SLOSpec: Sendable {
    /// p99 targets per class name, in milliseconds, in the scenario's order.
    public var p99Ms: [(className: String, ms: Double)]
    /// Highest mean CPU utilisation (0...1) of any worker and of the coordinator (nil = none).
    public var maxCPUUtilization: Double?
    /// Highest share of queries that time out or fail (nil = none).
    public var maxTimeoutRate: Double?

    public init(p99Ms: [(className: String, ms: Double)] = [], maxCPUUtilization: Double? = nil, maxTimeoutRate: Double? = nil) {
        self.p99Ms = p99Ms
        self.maxCPUUtilization = maxCPUUtilization
        self.maxTimeoutRate = maxTimeoutRate
    }

    public var isEmpty: Bool { p99Ms.isEmpty && maxCPUUtilization == nil && maxTimeoutRate == nil }
}
