import SimCore
import Workload

/// Where the application's requests come from and what each one is: the workload's half of the
/// simulation.
///
/// - **Open loop**: candidate arrivals at the rate curve's maximum times the timeline's largest
///   `rate_multiplier` (`bound`, requests/s), each kept with probability rate(now) × multiplier
///   / bound (thinning), or the arrivals of a replayed `RequestTrace`.
/// - **Closed loop**: each client sends its next request a think time after its answer.
/// - **Each request**: a tenant drawn by the tenants' activity (closed loop with several
///   databases: from the client's database only), a class by the mix's shares, and the CPU
///   demands of the class (microseconds).
///
/// Its random streams are the workload's, apart from the cluster's, so two configurations of
/// the same scenario and seed see the same requests in the same order. Every draw advances a
/// stream, so the methods that draw are `mutating` (the streams are references; `mutating` also
/// keeps a call from the model's handlers in place, without copying this struct).
package struct RequestSource {
    /// What an open-loop arrival event brings.
    package enum Arrival: Equatable {
        /// The trace's next request, and the instant of the one after it (nil: the trace ends).
        case replayed(tenant: TenantIndex, cls: QueryClassIndex, next: SimTime?)
        /// A candidate arrival: the next candidate's instant, and whether this one is kept.
        case generated(next: SimTime, kept: Bool)
    }

    package let databases: Int
    private let classAlias: AliasTable
    /// Per class: CPU per shard task on a worker, and on the coordinator per query (s).
    private let workerCPU: [Distribution], coordinatorCPU: [Distribution]
    private var tenantSampler: AliasTable
    /// Closed loop with several databases: each database's tenants, for its clients.
    private var tenantSamplerByDatabase: [AliasTable]
    /// The tenant stream's next draw, made one arrival ahead (see `tenant(session:)`).
    private var nextTenantUniform: Double?
    private let openCurve: RateCurve?
    /// Closed loop: the clients' think time.
    private let thinkTime: Distribution?
    /// The thinning's candidate rate (requests/s).
    private let bound: Double
    /// Open-loop arrival rate multiplier (timeline `rate_multiplier`).
    package var rateMultiplier = 1.0
    /// Requests to replay instead of generating arrivals (open loop), and the next one.
    private let replay: RequestTrace?
    private var replayNext = 0
    /// The requests made so far, when recording.
    package private(set) var recorded: RequestTrace?
    private let arrivalStream: RandomStream, tenantStream: RandomStream, classStream: RandomStream
    private let demandStream: RandomStream
    /// Seeds each across_schemas query's schema draws.
    private let schemaStream: RandomStream

    /// `replay` replaces the generated open-loop arrivals; `record` keeps the requests made.
    package init(scenario: ClusterScenario, seed: UInt64, replay: RequestTrace?, record: Bool) throws {
        let workload = scenario.workload
        databases = workload.databases
        classAlias = try AliasTable(weights: workload.classes.map(\.share))
        workerCPU = workload.classes.map(\.workerCPU)
        coordinatorCPU = workload.classes.map(\.coordinatorCPU)
        tenantSampler = try AliasTable(weights: workload.tenants.activity)
        tenantSamplerByDatabase = []
        let largestMultiplier = scenario.timeline.reduce(1.0) { m, e in
            if case .rateMultiplier(let f) = e.action { return max(m, f) }
            return m
        }
        switch workload.arrivals {
        case .open(let curve, _): openCurve = curve; thinkTime = nil; bound = curve.maximum * largestMultiplier
        case .closed(_, let think): openCurve = nil; thinkTime = think; bound = 1
        }
        self.replay = replay
        recorded = record ? RequestTrace() : nil
        arrivalStream = RandomStream(runSeed: seed, name: "workload.arrivals")
        tenantStream = RandomStream(runSeed: seed, name: "workload.tenants")
        classStream = RandomStream(runSeed: seed, name: "workload.classes")
        demandStream = RandomStream(runSeed: seed, name: "workload.demands")
        schemaStream = RandomStream(runSeed: seed, name: "workload.schemas")
        if thinkTime != nil, databases > 1 {
            let activity = workload.tenants.activity, k = databases
            tenantSamplerByDatabase = try (0..<k).map { d in try AliasTable(weights: Self.weights(activity, database: d, of: k)) }
        }
    }

    /// Closed loop: clients send their next request after a think time.
    package var isClosedLoop: Bool { thinkTime != nil }

    // MARK: Arrivals

    /// Open loop: the first arrival's instant, nil when none comes (an empty trace, or closed loop).
    package mutating func firstArrival() -> SimTime? {
        if let replay { return replay.count > 0 ? replay.times[0] : nil }
        return openCurve == nil ? nil : nextCandidate(after: .zero)
    }

    /// An open-loop arrival event at `now` (nil in closed loop, which has none). A generated
    /// one draws the next candidate first, then whether this one is kept.
    package mutating func arrival(at now: SimTime) -> Arrival? {
        if let replay {
            let i = replayNext
            replayNext += 1
            return .replayed(tenant: replay.tenants[i], cls: replay.classes[i], next: replayNext < replay.count ? replay.times[replayNext] : nil)
        }
        guard let openCurve else { return nil }
        let next = nextCandidate(after: now)
        // Thinning: kept with probability rate(now) / bound.
        return .generated(next: next, kept: arrivalStream.uniform() * bound < openCurve.rate(at: now) * rateMultiplier)
    }

    /// The next candidate arrival: an exponential gap at the bound's rate (at least 1 µs).
    private mutating func nextCandidate(after now: SimTime) -> SimTime {
        let gap = arrivalStream.exponential(mean: 1e6 / bound)
        return now + .microseconds(max(1, Int64(gap.rounded())))
    }

    /// Closed loop: a client's think time before its next request; nil in open loop.
    package mutating func think() -> SimDuration? {
        thinkTime.map { SimDuration(seconds: $0.sample(arrivalStream)) }
    }

    // MARK: Each request

    /// The tenant of a new request: of its client's database (closed loop with several
    /// databases), else by the tenants' activity. The open loop's draws are used in the same
    /// order, one arrival ahead: the next request's entry is prefetched while this one runs.
    package mutating func tenant(session: SessionID?) -> TenantIndex {
        if let session, !tenantSamplerByDatabase.isEmpty {
            return TenantIndex(tenantSamplerByDatabase[session.database(of: databases)].sample(tenantStream))
        }
        let u = nextTenantUniform ?? tenantStream.uniform()
        let next = tenantStream.uniform()
        nextTenantUniform = next
        tenantSampler.prefetch(uniform: next)
        return TenantIndex(tenantSampler.sample(uniform: u))
    }

    /// A new request's class, by the mix's shares.
    package mutating func cls() -> QueryClassIndex { QueryClassIndex(classAlias.sample(classStream)) }

    /// The coordinator CPU of a query of class `cls` (µs).
    package mutating func coordinatorDemand(cls: QueryClassIndex) -> Int64 { Self.microseconds(coordinatorCPU[cls.index], demandStream) }

    /// The worker CPU of one shard task of class `cls` (µs).
    package mutating func workerDemand(cls: QueryClassIndex) -> Int64 { Self.microseconds(workerCPU[cls.index], demandStream) }

    /// The seed of an across_schemas query's own schema draws (`schema(uniform:)`).
    package mutating func schemaSeed() -> UInt64 { schemaStream.next64() }

    /// The tenant (schema) at uniform `u` by the tenants' activity.
    package func schema(uniform u: Double) -> TenantIndex { TenantIndex(tenantSampler.sample(uniform: u)) }

    /// Keeps a request made, when recording.
    package mutating func record(time: SimTime, tenant: TenantIndex, cls: QueryClassIndex) {
        recorded?.append(time: time, tenant: tenant, cls: cls)
    }

    /// The tenants' activity changed (a timeline's `tenant_growth`): later requests follow it.
    /// Weights an alias table refuses (none positive, for all tenants or one database's) leave
    /// the old ones.
    package mutating func setTenantActivity(_ weights: [Double]) {
        if let sampler = try? AliasTable(weights: weights) { tenantSampler = sampler }
        for d in tenantSamplerByDatabase.indices {
            if let sampler = try? AliasTable(weights: Self.weights(weights, database: d, of: databases)) { tenantSamplerByDatabase[d] = sampler }
        }
    }

    /// The activity of database `d`'s tenants (tenant i is in database i mod `databases`), 0 for the others'.
    private static func weights(_ activity: [Double], database d: Int, of databases: Int) -> [Double] {
        activity.indices.map { $0 % databases == d ? activity[$0] : 0 }
    }

    /// A demand drawn from `d` (s) in whole microseconds, rounded half away from zero as
    /// `rounded()` does, without its library call (x − trunc(x) is exact in floating point).
    private static func microseconds(_ d: Distribution, _ stream: RandomStream) -> Int64 {
        let x = d.sample(stream) * 1e6
        guard x > 0 else { return 0 }
        let whole = x.rounded(.towardZero)
        return Int64(x - whole >= 0.5 ? whole + 1 : whole)
    }
}
