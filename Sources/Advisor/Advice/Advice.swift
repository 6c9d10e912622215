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

    /// One simulated scale-out of the recommended cluster.
    public struct ScaleOutRun: Sendable {
        /// `regular` (citus_add_node + citus_rebalance_start) or `snapshot` (clones promoted and split).
        public var method: String
        public var executorsPerNode: Int
        public var parallelColocated: Bool
        public var addedWorkers: Int
        /// Simulated seconds from the first statement to the end of the rebalance (nil = not done within the limit).
        public var durationSeconds: Double?
        public var bytesCopied: Double
        /// Shard-group seconds of blocked writes (summed over the groups blocked).
        public var writeBlockedGroupSeconds: Double
        /// Worst interval p99 per class while the operation ran, and the steady-state p99 (the search's mean), ms.
        public var peakP99Ms: [(className: String, during: Double, before: Double)]
        public var error: String?
        /// Meets `advisor.scale_out.max_duration` (nil when none is set).
        public var withinLimit: Bool?
        /// Every setting the run used that differs from a fresh cluster, as `name = value`
        /// (the global executor limit included: a per-node setting alone does not take effect).
        public var settings: [String] = []
        /// The statements the run executed, in order: the runbook a DBA would run.
        public var runbook: [String] = []
    }

    /// A tenant that may deserve its own shard.
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
    public var scaleOut: [ScaleOutRun] = []
    public var isolation: [Isolation] = []
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

    /// Whether snapshot-based node addition is worth it for this cluster, in one sentence: faster
    /// than the best regular rebalance, and with p99 during the operation within the targets
    /// (nil without both kinds of scale-out run).
    public var snapshotVerdict: String? {
        let regular = scaleOut.filter { $0.method == "regular" && $0.durationSeconds != nil }
        guard let best = regular.min(by: { ($0.durationSeconds!, $0.executorsPerNode) < ($1.durationSeconds!, $1.executorsPerNode) }),
              let snap = scaleOut.first(where: { $0.method == "snapshot" }) else { return nil }
        let minutes = { (s: Double) in SizingRules.fixed(s / 60, 1) + " min" }
        // Every setting the run used, the global executor limit included (issue 23: naming only the
        // per-node one made the figure impossible to reproduce).
        let setting = best.settings.isEmpty ? "executors per node \(best.executorsPerNode), parallel colocated \(best.parallelColocated)" : best.settings.joined(separator: ", ")
        guard let sd = snap.durationSeconds else {
            return "Snapshot-based addition did not finish\(snap.error.map { " (\($0))" } ?? ""): add nodes with citus_add_node and rebalance (\(minutes(best.durationSeconds!)) with \(setting))."
        }
        // The worst interval p99 during the operation against each class's target.
        let worst = { (r: ScaleOutRun) -> (ratio: Double, text: String) in
            let items = r.peakP99Ms.compactMap { p in slo.p99Ms.first { $0.className == p.className }.map { (p.during / $0.ms, "\(p.className) \(SizingRules.fixed(p.during, 0)) ms (target \(SizingRules.fixed($0.ms, 0)))") } }
            return items.max { $0.0 < $1.0 } ?? (0, "")
        }
        let s = worst(snap)
        // Classes without a target still matter: say how long their requests waited at worst.
        let untargeted = snap.peakP99Ms.filter { p in !slo.p99Ms.contains { $0.className == p.className } && p.during > 10 * max(p.before, 1) }
            .max { $0.during < $1.during }
        let caveat = untargeted.map { "; but \($0.className), which has no target, reaches a p99 of \(SizingRules.fixed($0.during, 0)) ms (\(SizingRules.fixed($0.before, 0)) ms before) while writes are blocked" } ?? ""
        if sd < best.durationSeconds! && s.ratio <= 1 {
            return "Snapshot-based addition is worth it: \(minutes(sd)) instead of \(minutes(best.durationSeconds!)) (best rebalance: \(setting)), no shard data copied, and p99 stays within its targets while it runs\(caveat)."
        }
        if sd < best.durationSeconds! {
            return "Snapshot-based addition is faster (\(minutes(sd)) instead of \(minutes(best.durationSeconds!))) but blocks writes on the split nodes' shard groups: p99 reaches \(s.text) while it runs; worth it only in a quiet window."
        }
        return "Snapshot-based addition is not worth it here: \(minutes(sd)) against \(minutes(best.durationSeconds!)) for a rebalance with \(setting)."
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
