import ParallelRuns
import SimCore
import Simulation
import Workload

/// The sizing advisor: enumerates configurations, rejects those the documented rules or the
/// analytic bounds rule out, simulates the rest with common random numbers (the same seeds,
/// hence the same requests, for every candidate) and picks the cheapest that meets every SLO
/// with confidence. Then studies the recommendation: growth, the planning horizon, scale-out
/// with each rebalance setting, snapshot-based node addition and tenant isolation.
///
/// Candidates run in parallel on `threads` threads (one candidate per job, its replications
/// in sequence); results are merged in enumeration order, so the advice does not depend on
/// the thread count.
public struct Advisor: Sendable {
    public let base: ClusterScenario
    public let spec: AdvisorSpec
    public let threads: Int
    public let coordinator: InstanceType
    /// Called with (phase, done, total) as work completes, from worker threads.
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    public init(base: ClusterScenario, spec: AdvisorSpec, threads: Int, progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws {
        self.base = base
        self.spec = spec
        self.threads = max(1, threads)
        self.progress = progress
        guard !spec.catalog.isEmpty else { throw ParameterError(parameter: "advisor.catalog", value: "[]", expected: "at least one instance type") }
        guard base.cluster.workerSizes.isEmpty else {
            throw ParameterError(parameter: "cluster.workers", value: "groups of different sizes", expected: "one worker size for recommend (`citus-sim run` simulates groups)")
        }
        guard !base.cluster.coordinatorHasShards else {
            throw ParameterError(parameter: "cluster.coordinator_has_shards", value: "true",
                                 expected: "false for recommend, which sizes clusters whose workers hold the shards (`citus-sim run` simulates shards on the coordinator)")
        }
        if let name = spec.coordinator {
            guard let c = spec.catalog.first(where: { $0.name == name }) else {
                throw ParameterError(parameter: "advisor.coordinator", value: name, expected: "an instance in the catalog: \(spec.catalog.map(\.name).joined(separator: ", "))")
            }
            coordinator = c
        } else {
            coordinator = Self.defaultCoordinator(catalog: spec.catalog, cores: base.cluster.coordinator.cores)
        }
    }

    /// The cheapest compute-family type with at least `cores` (the docs: the coordinator can be
    /// compute-optimised); else the cheapest type with enough cores; else the largest.
    static func defaultCoordinator(catalog: [InstanceType], cores: Int) -> InstanceType {
        let cheapest = { (list: [InstanceType]) in list.min { ($0.pricePerHour, $0.cores) < ($1.pricePerHour, $1.cores) } }
        return cheapest(catalog.filter { $0.family == .compute && $0.cores >= cores })
            ?? cheapest(catalog.filter { $0.cores >= cores })
            ?? catalog.max { ($0.cores, -$0.pricePerHour) < ($1.cores, -$1.pricePerHour) }!
    }

    // MARK: Candidates

    /// Worker instance types searched, in catalog order (or `space.instances` order).
    public var instances: [InstanceType] {
        guard let names = spec.space.instances else { return spec.catalog }
        return names.compactMap { n in spec.catalog.first { $0.name == n } }
    }

    public var dataBytes: Double { base.workload.tenants.totalBytes }

    /// Schema-based sharding (`citus.enable_schema_based_sharding`): each tenant is a schema
    /// whose tables form one single-shard group, so the search chooses workers, not shard counts.
    public var schemaBased: Bool { base.citus.schemaBasedSharding }

    /// Every configuration of the search space, in a fixed order: instance, workers, shard
    /// count, pool size, shared pool size, max_connections.
    public func candidates() -> [Candidate] {
        let workerCounts = spec.space.workerCounts ?? Array(spec.minWorkers...max(spec.minWorkers, spec.maxWorkers))
        let pools = spec.space.poolSizes ?? [base.citus.maxAdaptiveExecutorPoolSize]
        let shared = spec.space.sharedPoolSizes ?? [base.citus.maxSharedPoolSize]
        let conns = spec.space.maxConnections ?? [base.cluster.worker.maxConnections]
        var out: [Candidate] = []
        for type in instances {
            for w in workerCounts {
                let shards = schemaBased ? [base.workload.tenants.count] : spec.space.shardCounts
                    ?? SizingRules.suggestedShardCounts(kind: spec.workloadKind, dataBytes: dataBytes, workerCores: w * type.cores)
                for sc in shards.sortedUnique() {
                    for p in pools.sortedUnique() {
                        for sp in shared.sortedUnique() {
                            for mc in conns.sortedUnique() {
                                var c = Candidate(shardCount: sc, workers: w, instance: type, poolSize: p, sharedPoolSize: sp, maxConnections: mc,
                                                  costPerHour: Double(w) * type.pricePerHour + defaultCoordinatorSetup.costPerHour)
                                c.schemaBased = schemaBased
                                out.append(c)
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The run every candidate replication uses.
    public var candidateRun: RunSpec {
        var run = base.run
        run.duration = spec.duration ?? base.run.duration
        let half = SimDuration(microseconds: run.duration.microseconds / 2)
        run.warmup = spec.warmup ?? (base.run.warmup < half ? base.run.warmup : half)
        run.replications = spec.replications
        return run
    }

    /// `c` as a scenario at `traffic` x and `tenants` x today's load. A rate that varies over
    /// time (diurnal, step, ramp) is replaced by its peak: a candidate is sized, and its studies
    /// run, at the busiest moment (the schedule search alone follows the curve).
    public func scenario(for c: Candidate, traffic: Double = 1, tenants: Double = 1, seed: UInt64? = nil) throws -> ClusterScenario {
        var s = c.scenario(from: base, coordinator: defaultCoordinatorSetup, run: candidateRun, fanOutWork: spec.effectiveFanOutWork)
        if case .open(let curve, let sessions) = s.workload.arrivals, curve != .constant(curve.maximum) {
            s.workload.arrivals = .open(.constant(curve.maximum), sessions: sessions)
        }
        if let seed { s.run.seed = seed }
        if traffic != 1 { s.workload = s.workload.scaled(traffic: traffic) }
        if tenants != 1 { s.workload.tenants = try s.workload.tenants.grown(by: tenants) }
        return s
    }

    /// Workers the horizon needs if capacity grows with the larger growth factor.
    func horizonWorkers(_ c: Candidate) -> Int {
        Int((Double(c.workers) * max(spec.trafficGrowth, spec.tenantGrowth)).rounded(.up))
    }

    public func ruleContext(_ c: Candidate) -> SizingRules.Context {
        SizingRules.Context(kind: spec.workloadKind, dataBytes: dataBytes, singleNode: spec.singleNode, horizonWorkers: horizonWorkers(c), coordinator: c.coordinator ?? defaultCoordinatorSetup,
                            dataGrowth: spec.tenantGrowth, schemaBased: schemaBased)
    }

    /// The search's load: today's traffic plus the headroom.
    var searchTraffic: Double { 1 + spec.headroom }

    // MARK: Screening and evaluation

    /// Budget, rules and analytic bounds for candidate `c` (number `id`); `rejection` is set
    /// when it need not be simulated. When the advisor's coordinator would plan and merge
    /// above the CPU ceiling (analytic lower bound), the candidate gets the cheapest
    /// coordinator setup that would not (`sizedCoordinator`), at its price.
    public func screen(_ candidate: Candidate, id: Int) throws -> (outcome: CandidateOutcome, scenario: ClusterScenario, layout: SimulationLayout?) {
        var c = candidate
        var s = try scenario(for: c, traffic: searchTraffic)
        var outcome = CandidateOutcome(id: id, candidate: c, rules: [], load: nil, rejection: nil, rejectedBy: nil, evaluation: nil, verdict: .rejected)
        let overBudget = { (c: Candidate) in spec.budgetPerHour.flatMap { c.costPerHour > $0 ? $0 : nil } }
        if let budget = overBudget(c) {
            outcome.rules = SizingRules.checks(c, ruleContext(c), load: nil)
            outcome.rejection = "costs \(SizingRules.fixed(c.costPerHour, 2))/h > budget \(SizingRules.fixed(budget, 2))/h"
            outcome.rejectedBy = .budget
            return (outcome, s, nil)
        }
        let layout = try ClusterRun.layout(for: s)
        var load = AnalyticLoad(scenario: s, layout: layout)
        let cpuLimit = base.slo.maxCPUUtilization ?? 1
        if load.coordinatorCPU > cpuLimit, let setup = sizedCoordinator(demand: coordinatorDemand(load, s), limit: cpuLimit) {
            c.coordinator = setup
            c.costPerHour = candidate.costPerHour - defaultCoordinatorSetup.costPerHour + setup.costPerHour
            outcome.candidate = c
            s = try scenario(for: c, traffic: searchTraffic)
            load = AnalyticLoad(scenario: s, layout: layout)
        }
        let ctx = ruleContext(c)
        outcome.load = load
        outcome.rules = SizingRules.checks(c, ctx, load: load) + [memoryCheck(s, layout)]  // `rules(for:load:)`, on the scenario and layout at hand
        if let budget = overBudget(c) {
            outcome.rejection = "costs \(SizingRules.fixed(c.costPerHour, 2))/h with coordinator \(c.coordinator?.label ?? "") > budget \(SizingRules.fixed(budget, 2))/h"
            outcome.rejectedBy = .budget
            return (outcome, s, layout)
        }
        if let rule = outcome.rules.first(where: \.rejects) {
            outcome.rejection = "\(rule.id): \(rule.detail)"
            outcome.rejectedBy = .rule
            return (outcome, s, layout)
        }
        let busiest = load.busiestWorker
        if load.workerCPU[busiest] > cpuLimit {
            outcome.rejection = "\(ClusterSpec.workerName(busiest)) CPU >= \(SizingRules.fixed(load.workerCPU[busiest] * 100, 1))% (analytic lower bound) > \(SizingRules.fixed(cpuLimit * 100, 0))%"
        } else if load.coordinatorCPU > cpuLimit {
            outcome.rejection = "coordinator CPU >= \(SizingRules.fixed(load.coordinatorCPU * 100, 1))% (analytic lower bound) > \(SizingRules.fixed(cpuLimit * 100, 0))%"
                + (spec.coordinator == nil ? "; no catalog type of at least \(base.cluster.coordinator.cores) cores, up to \(spec.maxCoordinators) of a size (advisor.max_coordinators), stays within it" : " (advisor.coordinator pins \(coordinator.name))")
        } else if let w = load.workerDisk.indices.first(where: { load.workerDisk[$0] > 1 }) {
            outcome.rejection = "\(ClusterSpec.workerName(w)) needs >= \(SizingRules.grouped(Int(load.workerDiskReads[w]))) disk reads/s (cache misses) > \(SizingRules.grouped(Int(s.cluster.worker.diskIOPS))) IOPS"
        }
        if outcome.rejection != nil { outcome.rejectedBy = .bound }
        return (outcome, s, layout)
    }

    /// Every rule's check of `c` (with `load`, the rules that need the placement: the memory
    /// rule on the candidate's scenario), as the search made them; merging partial results
    /// rebuilds the rules with this.
    public func rules(for c: Candidate, load: AnalyticLoad?) throws -> [RuleCheck] {
        let checks = SizingRules.checks(c, ruleContext(c), load: load)
        guard load != nil else { return checks }
        let s = try scenario(for: c, traffic: searchTraffic)
        return checks + [memoryCheck(s, try ClusterRun.layout(for: s))]
    }

    /// The memory rule on `s`'s nodes (`SizingRules.memory`): each worker with the backends
    /// that stay open (`NodeMemory.residentBackends`: a cached connection per client session and
    /// the maintenance daemon's, at most max_connections − 3), each coordinator with its sessions.
    func memoryCheck(_ s: ClusterScenario, _ layout: SimulationLayout) -> RuleCheck {
        let memory = NodeMemory.envelope(scenario: s, layout: layout)
        let backends = memory.workers.indices.map { NodeMemory.residentBackends(s, worker: WorkerIndex($0)) }
        return SizingRules.memory(workers: memory.workers, backends: backends, coordinator: s.cluster.coordinatorHasShards ? nil : memory.coordinators.first,
                                  sessions: memory.sessions.first ?? 0)
    }


    /// `s` simulated with its replications on `threads` threads.
    public func evaluate(_ s: ClusterScenario, layout: SimulationLayout? = nil, threads: Int = 1) throws -> Evaluation {
        let layout = try layout ?? ClusterRun.layout(for: s)
        let reps = try Replications(baseSeed: s.run.seed, count: s.run.replications)
        let runs = reps.run(threads: threads) { _, seed in Result { try ClusterRun.run(s, layout: layout, seed: seed).metrics } }
        let metrics = try runs.map { try $0.get() }
        return Evaluation(intervals: try Replications.summarize(metrics, level: s.run.confidence), slo: base.slo,
                          replications: s.run.replications, seed: s.run.seed)
    }

    /// Screens and simulates the candidates of `slice` (1-based partition `index` of `count`:
    /// candidates whose 0-based position p has p mod count = index − 1), in parallel; results in
    /// candidate order. The whole search is the slice 1 of 1.
    /// Candidates in `finished` (by id, from an interrupted run) are not run again; `finishedOne`
    /// is called with each candidate completed here (from worker threads).
    public func screenAndSimulate(partition index: Int = 1, of count: Int = 1, finished: [Int: CandidateOutcome] = [:],
                                  finishedOne: (@Sendable (CandidateOutcome) -> Void)? = nil) throws -> [CandidateOutcome] {
        let all = candidates()
        let picked = all.indices.filter { $0 % count == index - 1 }
        let progress = self.progress
        let results = ParallelMap.map(count: picked.count, threads: threads, finished: { progress?("candidates", $0, picked.count) }) { k in
            Result { () throws -> CandidateOutcome in
                let i = picked[k]
                if let done = finished[i + 1] { return done }
                var (outcome, s, layout) = try screen(all[i], id: i + 1)
                if outcome.rejection == nil {
                    do {
                        outcome.evaluation = try evaluate(s, layout: layout)
                        outcome.verdict = outcome.evaluation!.meets ? .meets : .misses
                    } catch {
                        outcome.rejection = "cannot be simulated: \(error)"
                        outcome.rejectedBy = .error
                    }
                }
                finishedOne?(outcome)
                return outcome
            }
        }
        return try results.map { try $0.get() }
    }

    /// Confirmation and ranking of a complete set of screened outcomes (in candidate order).
    func rankConfirmed(_ screened: [CandidateOutcome]) throws -> (outcomes: [CandidateOutcome], ranking: [Int], pareto: [Int], closest: [Int], recommended: Int?) {
        var outcomes = screened
        try confirm(&outcomes)
        let ranked = Self.rank(outcomes)
        if let r = ranked.recommended { outcomes[r].verdict = .recommended }
        return (outcomes, ranked.ranking, ranked.pareto, ranked.closest, ranked.recommended)
    }

    /// Seeds of the confirmation replications: the stream "confirmation" of the run seed.
    public var confirmationSeed: UInt64 { RandomStream(runSeed: base.run.seed, name: "confirmation").next64() }

    /// Runs the cheapest candidates that met every SLO again with fresh seeds, cheapest first,
    /// until one meets again (or `confirmations` were tried); those that miss become `unconfirmed`.
    func confirm(_ outcomes: inout [CandidateOutcome]) throws {
        let order = outcomes.indices.filter { outcomes[$0].verdict == .meets }
            .sorted { (outcomes[$0].candidate.costPerHour, outcomes[$0].evaluation!.worstRatio, $0) < (outcomes[$1].candidate.costPerHour, outcomes[$1].evaluation!.worstRatio, $1) }
        let reps = spec.confirmationReplications ?? 2 * spec.replications
        for (k, i) in order.prefix(spec.confirmations).enumerated() {
            var s = try scenario(for: outcomes[i].candidate, traffic: searchTraffic, seed: confirmationSeed)
            s.run.replications = reps
            let e = try evaluate(s, threads: threads)
            progress?("confirmation", k + 1, min(order.count, spec.confirmations))
            outcomes[i].confirmation = e
            if e.meets { return }
            outcomes[i].verdict = .unconfirmed
        }
    }

    /// Ranking, Pareto frontier and closest candidates of simulated outcomes.
    static func rank(_ outcomes: [CandidateOutcome]) -> (ranking: [Int], pareto: [Int], closest: [Int], recommended: Int?) {
        let simulated = outcomes.indices.filter { outcomes[$0].evaluation != nil }
        let cost = { (i: Int) in outcomes[i].candidate.costPerHour }
        let ratio = { (i: Int) in outcomes[i].evaluation!.worstRatio }
        // Meeting: met in the search and not refuted by confirmation replications.
        let meeting = simulated.filter { outcomes[$0].verdict == .meets }.sorted { (cost($0), ratio($0), $0) < (cost($1), ratio($1), $1) }
        let missing = simulated.filter { outcomes[$0].verdict != .meets }.sorted { (ratio($0), cost($0), $0) < (ratio($1), cost($1), $1) }
        var pareto: [Int] = []
        var best = Double.infinity
        for i in simulated.sorted(by: { (cost($0), ratio($0), $0) < (cost($1), ratio($1), $1) }) where ratio(i) < best {
            pareto.append(i)
            best = ratio(i)
        }
        // Recommended: the cheapest that met in the search and again on confirmation replications.
        let recommended = meeting.first.flatMap { outcomes[$0].confirmation?.meets == true ? $0 : nil }
        return (meeting + missing, pareto, recommended == nil ? Array(missing.prefix(3)) : [], recommended)
    }

    /// The whole advice: search, then growth, horizon, scale-out and isolation studies of
    /// the recommendation.
    public func recommend() throws -> Advice {
        try complete(screenAndSimulate())
    }

    /// The advice from every candidate's screening and simulation (in candidate order, e.g.
    /// merged from partitions): confirmation, ranking, held-out check and the studies.
    public func complete(_ screened: [CandidateOutcome]) throws -> Advice {
        let expected = candidates().count
        guard screened.count == expected, screened.enumerated().allSatisfy({ $0.element.id == $0.offset + 1 }) else {
            throw ParameterError(parameter: "partial results", value: "\(screened.count) candidates", expected: "all \(expected) candidates, each once")
        }
        let found = try rankConfirmed(screened)
        var advice = Advice(scenarioName: base.name, seed: base.run.seed, replications: spec.replications, threads: threads, spec: spec, slo: base.slo,
                            coordinator: coordinator, outcomes: found.outcomes, recommended: found.recommended, ranking: found.ranking,
                            pareto: found.pareto, closest: found.closest)
        guard let r = found.recommended else { return advice }
        let chosen = found.outcomes[r].candidate
        advice.holdout = try holdout(recommended: chosen, nextCheaper: advice.nextCheaper.map { found.outcomes[$0].candidate })
        try study(chosen, steady: found.outcomes[r].evaluation, into: &advice)
        if let w = spec.runway { advice.capacityRunway = try runway(of: chosen, plan: w, advice: advice) }
        return advice
    }

    /// An advice holding only the studies of `chosen` (no search): what the fuzzer runs on tiny
    /// scenarios, so that every value `validate` accepts is known to run through the studies.
    public func studies(of chosen: Candidate) throws -> Advice {
        var advice = Advice(scenarioName: base.name, seed: base.run.seed, replications: spec.replications, threads: threads, spec: spec, slo: base.slo,
                            coordinator: coordinator, outcomes: [], recommended: nil, ranking: [], pareto: [], closest: [])
        try study(chosen, steady: nil, into: &advice)
        return advice
    }

    /// The studies of a chosen candidate: coordinator, growth, horizon, scale-out, isolation and HA.
    func study(_ chosen: Candidate, steady: Evaluation?, into advice: inout Advice) throws {
        advice.coordinatorStudy = try coordinatorStudy(of: chosen, steady: steady)
        advice.growth = try growth(of: chosen)
        advice.horizon = try horizon(of: chosen)
        if let plan = spec.scaleOut {
            let add = plan.addWorkers ?? advice.horizon?.workersNeeded.map { max(1, $0 - chosen.workers) } ?? max(1, chosen.workers / 4)
            advice.scaleOut = try scaleOut(of: chosen, adding: add, plan: plan, steady: steady)
            advice.operationsHoldout = try operationsHoldout(of: chosen, adding: add, plan: plan, steady: steady, study: advice.scaleOut)
            if let window = plan.schedule { advice.schedule = try schedule(of: chosen, adding: add, plan: plan, window: window) }
        }
        advice.isolation = try isolation(of: chosen)
        advice.schemaPlacement = try schemaPlacement(of: chosen)
        if let plan = spec.highAvailability { advice.highAvailability = try highAvailability(of: chosen, plan: plan) }
    }
}

extension Advisor {
    /// Seeds no candidate was chosen with: the stream "holdout" of the run seed.
    public var holdoutSeed: UInt64 { RandomStream(runSeed: base.run.seed, name: "holdout").next64() }

    /// The recommendation and the next-cheaper candidate with fresh seeds (held-out
    /// replications, as many as the confirmation's).
    func holdout(recommended: Candidate, nextCheaper: Candidate?) throws -> Advice.Holdout {
        let seed = holdoutSeed
        let run = { (c: Candidate) throws -> Evaluation in
            var s = try self.scenario(for: c, traffic: self.searchTraffic, seed: seed)
            s.run.replications = self.spec.confirmationReplications ?? 2 * self.spec.replications
            return try self.evaluate(s, threads: self.threads)
        }
        let r = try run(recommended)
        let n = try nextCheaper.map(run)
        progress?("held-out check", 1, 1)
        return Advice.Holdout(seed: seed, recommended: r, nextCheaper: n)
    }
}

extension Array where Element == Int {
    func sortedUnique() -> [Int] {
        var out: [Int] = []
        for v in sorted() where out.last != v { out.append(v) }
        return out
    }
}
