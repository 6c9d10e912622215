import SimCore
import Simulation

/// Everything `citus-sim recommend` found, in fixed orders (outputs are deterministic).
public struct Advice: Sendable {
    /// One step of the growth study: the recommended cluster at `factor` x today's traffic
    /// (or tenants and data).
    public struct GrowthStep: Sendable {
        public enum Kind: String, Sendable { case traffic, tenants }
        public var kind: Kind
        public var factor: Double
        /// Queries per second (traffic) or tenant count (tenants) at this step.
        public var level: Double
        public var evaluation: Evaluation
    }

    /// The cluster the planning horizon needs.
    public struct Horizon: Sendable {
        public var trafficGrowth: Double
        public var tenantGrowth: Double
        /// The recommendation at the horizon's load.
        public var current: Evaluation
        /// Workers needed at the horizon (same size and shard count), nil when none within the limits does.
        public var workersNeeded: Int?
        public var atNeeded: Evaluation?
    }

    /// Schema-based sharding: the schemas' sizes and where Citus's rule (colocation id mod the
    /// workers, in node order) puts them on the recommended cluster.
    public struct SchemaPlacement: Sendable {
        public struct Schema: Sendable {
            public var rank: Int
            public var name: String
            public var colocationID: Int
            public var dataBytes: Double
            public var activityShare: Double
            /// Its worker (1-based).
            public var worker: Int
        }
        public var schemas: Int
        /// The largest schema's and the median schema's data, bytes.
        public var largestBytes: Double, medianBytes: Double
        /// Data per worker (index 0 = worker 1), bytes, and the largest over the mean.
        public var workerBytes: [Double]
        public var workerSkew: Double { workerBytes.max().map { $0 / max(1, workerBytes.reduce(0, +) / Double(workerBytes.count)) } ?? 1 }
        /// The largest schemas, largest first.
        public var largest: [Schema]
    }

    /// A tenant that may deserve its own shard (with schema-based sharding: its schema a worker of its own).
    public struct Isolation: Sendable {
        public var rank: Int
        public var activityShare: Double
        public var dataBytes: Double
        /// The tenant's load as a multiple of an average shard's.
        public var shardLoadMultiple: Double
        public var deserves: Bool
        public var reason: String
        /// Its worker (1-based) and that worker's CPU utilisation with and without the tenant (analytic).
        public var worker: Int
        public var workerCPUBefore: Double
        public var workerCPUAfter: Double
    }

    /// The recommendation and the next-cheaper candidate run again with fresh seeds (held-out
    /// replications, not used for the choice): the proof that the choice is right and minimal.
    public struct Holdout: Sendable {
        public var seed: UInt64
        public var recommended: Evaluation
        public var nextCheaper: Evaluation?
        /// Meets every SLO on the held-out replications (the search's criterion: upper ends within targets).
        public var recommendedMeets: Bool { recommended.meets }
        /// Misses an SLO on the held-out replications (nil without a cheaper candidate).
        public var nextCheaperMisses: Bool? { nextCheaper.map { !$0.meets } }
    }

    public var scenarioName: String
    public var seed: UInt64
    public var replications: Int
    public var threads: Int
    public var spec: AdvisorSpec
    public var slo: SLOSpec
    public var coordinator: InstanceType
    /// Every candidate in enumeration order.
    public var outcomes: [CandidateOutcome]
    /// Index (into `outcomes`) of the recommendation.
    public var recommended: Int?
    /// Simulated candidates ranked: those meeting the SLOs by cost, then the others by how far they miss.
    public var ranking: [Int]
    /// The cost vs worst-SLO-ratio Pareto frontier among simulated candidates, by cost.
    public var pareto: [Int]
    /// When nothing meets the SLOs: the closest candidates (smallest worst ratio).
    public var closest: [Int]
    public var growth: [GrowthStep] = []
    public var horizon: Horizon?
    /// The scale-out study: one run per studied setting, in the order studied.
    public var scaleOut: [ScaleOutRun] = []
    /// The studied setting the operations advice picks and the next faster one, run again on
    /// held-out seeds (nil without a recommended setting).
    public var operationsHoldout: OperationsHoldout?
    public var isolation: [Isolation] = []
    /// With schema-based sharding: how the schemas sit on the recommendation's workers (nil otherwise).
    public var schemaPlacement: SchemaPlacement?
    /// The schedule optimiser's answer (nil when `advisor.scale_out.schedule` is not set).
    public var schedule: Schedule?
    /// The capacity runway (nil without `advisor.runway` or a recommendation).
    public var capacityRunway: Runway?
    /// The N+1 check (nil when not studied).
    public var highAvailability: HighAvailability?
    /// The recommendation's coordinators against their alternatives (nil without a study).
    public var coordinatorStudy: CoordinatorStudy?
    public var holdout: Holdout?
    /// Documented rules with their verdicts for the recommendation, or the closest candidate,
    /// or, when nothing was simulated, the cheapest candidate (so the reader sees why).
    public var rules: [RuleCheck] {
        (recommended ?? closest.first ?? cheapest).map { outcomes[$0].rules } ?? []
    }

    /// Index of the cheapest candidate (ties: the first).
    public var cheapest: Int? {
        outcomes.indices.min { (outcomes[$0].candidate.costPerHour, $0) < (outcomes[$1].candidate.costPerHour, $1) }
    }

    /// When no candidate was simulated: how many each reason rejected, most first, as
    /// "connection-budget: 40; budget: 8" (nil when something was simulated).
    public var nothingSimulated: String? {
        guard !outcomes.isEmpty, outcomes.allSatisfy({ $0.evaluation == nil }) else { return nil }
        var counts: [(String, Int)] = []
        for o in outcomes {
            let key = o.rejectedBy == .rule ? String((o.rejection ?? "rule").prefix { $0 != ":" }) : o.rejectedBy?.rawValue ?? "not simulated"
            if let i = counts.firstIndex(where: { $0.0 == key }) { counts[i].1 += 1 } else { counts.append((key, 1)) }
        }
        return counts.enumerated().sorted { ($0.element.1, -$0.offset) > ($1.element.1, -$1.offset) }.map { "\($0.element.0): \($0.element.1)" }.joined(separator: "; ")
    }

    /// The most expensive candidate cheaper than the recommendation that was simulated or
    /// rejected by a documented rule (the held-out check simulates it: the proof that the
    /// recommendation is the cheapest). Ties: the lowest id.
    public var nextCheaper: Int? {
        guard let r = recommended else { return nil }
        let cost = outcomes[r].candidate.costPerHour
        return outcomes.indices.filter { (outcomes[$0].evaluation != nil || outcomes[$0].rejectedBy == .rule) && outcomes[$0].candidate.costPerHour < cost }
            .max { (outcomes[$0].candidate.costPerHour, -$0) < (outcomes[$1].candidate.costPerHour, -$1) }
    }

    /// The headline in one sentence.
    public var headline: String {
        if let r = recommended {
            let o = outcomes[r]
            return "Recommended: \(o.candidate.label) at \(SizingRules.fixed(o.candidate.costPerHour, 2))/h (workers and coordinator); meets every SLO with \(Int((o.evaluation?.checks.first?.measured.level ?? 0.95) * 100))% confidence."
        }
        let sims = outcomes.filter { $0.evaluation != nil }.count
        let unconfirmed = outcomes.filter { $0.verdict == .unconfirmed }.count
        if unconfirmed > 0 && !outcomes.contains(where: { $0.verdict == .meets }) {
            return "No configuration meets every SLO: \(unconfirmed) met in the search but missed on confirmation replications (near the limits; more replications or a longer advisor.duration would settle them)."
        }
        let miss = closest.first.map { outcomes[$0].reason } ?? "every candidate was rejected before simulation"
        return "No configuration meets every SLO (\(sims) simulated of \(outcomes.count)); closest: \(closest.first.map { outcomes[$0].candidate.label } ?? "none"): \(miss)."
    }
}
