import SimCore
import Simulation

extension Advice {
    /// One studied way of adding workers to the recommended cluster (a rebalance setting or
    /// snapshot-based addition), simulated with several replications from the first statement
    /// until the operation ends, under today's load.
    public struct ScaleOutRun: Sendable {
        /// `regular` (citus_add_node + citus_rebalance_start) or `snapshot` (clones promoted and split).
        public var method: String
        public var executorsPerNode: Int
        public var parallelColocated: Bool
        /// `parallel_transfer_reference_tables` of citus_rebalance_start.
        public var parallelReference = false
        /// `shard_transfer_mode` of citus_rebalance_start (`auto` for snapshot-based addition).
        public var transferMode = "auto"
        public var addedWorkers: Int
        /// Replications run (seeds of the stream "replications" of the run's seed, or of the
        /// held-out seed): `advisor.replications` (the confirmation's in the held-out check), more
        /// while the verdict was undecided.
        public var replications = 1
        /// Simulated seconds from the first statement to the end of the operation, over the
        /// replications (nil unless every replication finished without error within the run's
        /// limit, `AdvisorSpec.ScaleOut.runLimit`).
        public var duration: ConfidenceInterval?
        /// Means over the replications.
        public var bytesCopied: Double
        /// Shard-group seconds of blocked writes (summed over the groups blocked).
        public var writeBlockedGroupSeconds: Double
        /// The objectives judged over the operation's window, from the first statement to the end
        /// (`SLOSpec.operationChecks`), with every summary figure of that window (nil when the
        /// operation did not finish).
        public var during: Evaluation?
        /// Worst interval p99 per class while the operation ran (mean over replications) and the
        /// steady-state p99 (the search's mean), ms: how bad the worst sample interval gets.
        public var peakP99Ms: [(className: String, during: Double, before: Double)]
        public var error: String?
        /// Meets `advisor.scale_out.max_duration` (nil when none is set).
        public var withinLimit: Bool?
        /// Simulated seconds after which a run that had not finished was stopped (the shorter
        /// of `max_duration` and `run_for`); nil when every replication finished or one failed.
        public var stoppedAfter: Double?
        /// Every setting the run used that differs from a fresh cluster, as `name = value`
        /// (the global executor limit included: a per-node setting alone does not take effect).
        public var settings: [String] = []
        /// The statements the run executed, in order: the runbook a DBA would run.
        public var runbook: [String] = []
        /// The setting the operations advice picks.
        public var recommended = false

        public init(method: String, executorsPerNode: Int, parallelColocated: Bool, addedWorkers: Int, bytesCopied: Double, writeBlockedGroupSeconds: Double,
                    peakP99Ms: [(className: String, during: Double, before: Double)], error: String?, withinLimit: Bool?) {
            self.method = method
            self.executorsPerNode = executorsPerNode
            self.parallelColocated = parallelColocated
            self.addedWorkers = addedWorkers
            self.bytesCopied = bytesCopied
            self.writeBlockedGroupSeconds = writeBlockedGroupSeconds
            self.peakP99Ms = peakP99Ms
            self.error = error
            self.withinLimit = withinLimit
        }

        /// Mean seconds of the operation (nil when it did not finish).
        public var durationSeconds: Double? { duration?.mean }
        /// Finished without error, within `max_duration` when one is set.
        public var finished: Bool { duration != nil && error == nil && withinLimit != false }
        /// Every objective met (with confidence) over the operation's window.
        public var meetsSLODuringOperation: Bool { finished && during?.meets == true }
        /// Finished, but whether it keeps the objectives is not yet settled (`Evaluation.undecided`).
        public var undecided: Bool { finished && during?.undecided == true }

        /// The setting in words, e.g. "2 executors per node, colocated shards in parallel, auto".
        public var label: String {
            guard method == "regular" else { return "snapshot-based addition" }
            return "\(executorsPerNode) executor\(executorsPerNode == 1 ? "" : "s") per node, colocated shards \(parallelColocated ? "in parallel" : "in sequence"), "
                + transferMode + (parallelReference ? ", reference tables in parallel" : "")
        }

        /// "18.4 s", "82 s (81–83 s)" or "12.4 min (12.1–12.7 min)": the mean duration and its interval
        /// (nil when not finished).
        public var durationText: String? {
            duration.map { d in
                let (scale, digits, unit) = d.mean < 60 ? (1.0, 1, "s") : d.mean < 600 ? (1.0, 0, "s") : (60.0, 1, "min")
                let v = { SizingRules.fixed($0 / scale, digits) }
                return d.halfWidth > 0 && v(d.lower) != v(d.upper) ? "\(v(d.mean)) \(unit) (\(v(d.lower))–\(v(d.upper)) \(unit))" : "\(v(d.mean)) \(unit)"
            }
        }

        /// The duration for display, or how far a run that did not finish got: "over 30 min"
        /// (stopped there) or "not finished" (an error).
        public var durationOrLimitText: String {
            durationText ?? stoppedAfter.map { "over \(SizingRules.fixed($0 / 60, 0)) min" } ?? "not finished"
        }

        /// The objective that comes closest to (or furthest over) its target during the operation.
        public var tightest: SLOCheck? { during?.checks.max { ($0.ratio, $1.objective) < ($1.ratio, $0.objective) } }
    }

    /// The recommended operation setting and the next faster one, run again with fresh seeds
    /// (held-out replications, not used for the choice): the proof that the choice keeps the
    /// objectives and that nothing faster does.
    public struct OperationsHoldout: Sendable {
        public var seed: UInt64
        public var recommended: ScaleOutRun
        public var nextFaster: ScaleOutRun?
        public var recommendedMeets: Bool { recommended.meetsSLODuringOperation }
        /// The next faster setting misses an objective (or does not finish) on the held-out seeds (nil when none is faster).
        public var nextFasterMisses: Bool? { nextFaster.map { !$0.meetsSLODuringOperation } }
    }

    /// Index of the fastest studied setting that finished and kept every objective during the
    /// operation (ties: the first studied); nil when none did.
    public static func fastestSafe(_ runs: [ScaleOutRun]) -> Int? {
        runs.indices.filter { runs[$0].meetsSLODuringOperation }.min { (runs[$0].durationSeconds!, $0) < (runs[$1].durationSeconds!, $1) }
    }

    /// The finished settings faster (by mean duration) than run `i`, slowest first: the first
    /// is the "next faster" one the held-out check runs again.
    public static func faster(than i: Int, in runs: [ScaleOutRun]) -> [Int] {
        guard let d = runs[i].durationSeconds else { return [] }
        return runs.indices.filter { runs[$0].finished && runs[$0].durationSeconds! < d }
            .sorted { (-runs[$0].durationSeconds!, $0) < (-runs[$1].durationSeconds!, $1) }
    }

    /// The studied setting the advice picks (nil when none keeps every objective).
    public var recommendedOperation: Int? { scaleOut.firstIndex { $0.recommended } }

    /// The operations advice in a few sentences: the setting to use, and what each faster one
    /// breaks, by how much (nil without a scale-out study).
    public var operationsVerdict: String? {
        guard !scaleOut.isEmpty else { return nil }
        let worstMiss = { (r: ScaleOutRun) -> String in
            guard let e = r.during else { return "did not finish" }
            // The worst miss, and how many objectives it breaks in all.
            guard let worst = e.misses.max(by: { ($0.ratio, $1.objective) < ($1.ratio, $0.objective) }) else { return "meets every objective" }
            return "\(worst.missText) (×\(SizingRules.fixed(worst.ratio, 1)))" + (e.misses.count > 1 ? " and \(e.misses.count - 1) more objective\(e.misses.count > 2 ? "s" : "")" : "")
        }
        let finished = scaleOut.indices.filter { scaleOut[$0].finished }
        guard !finished.isEmpty else {
            return "No studied setting finished the scale-out\(spec.scaleOut?.maxDuration == nil ? " within advisor.scale_out.run_for" : " within advisor.scale_out.max_duration"): \(scaleOut.compactMap(\.error).first ?? "raise run_for, or add fewer workers at a time")."
        }
        guard let r = recommendedOperation else {
            let least = finished.min { (scaleOut[$0].tightest?.ratio ?? .infinity, $0) < (scaleOut[$1].tightest?.ratio ?? .infinity, $1) }!
            let l = scaleOut[least]
            return "No studied setting keeps every objective while the scale-out runs; the least harmful is \(l.label) (\(l.durationText!)): \(worstMiss(l)). "
                + "Run it in a quiet window (the schedule optimiser's question), or scale out before the load needs it."
        }
        let c = scaleOut[r]
        var text = "Scale out with \(c.label): \(c.durationText!), every objective met while it runs"
            + (c.tightest.map { " (tightest: \($0.objective) \(SLOCheck.show($0.measured.upper, $0.unit)) of \($0.targetText))" } ?? "") + "."
        let faster = Self.faster(than: r, in: scaleOut)
        if !faster.isEmpty {
            // Undecided after the most replications: the interval still holds the target.
            let miss = { (r: ScaleOutRun) in (r.undecided ? "not shown to keep them, " : "") + worstMiss(r) }
            text += " Faster settings break an objective: " + faster.map { "\(scaleOut[$0].label) (\(scaleOut[$0].durationText!)): \(miss(scaleOut[$0]))" }.joined(separator: "; ") + "."
        }
        return text
    }

    /// Whether snapshot-based node addition is worth it for this cluster, in one sentence: faster
    /// than the fastest rebalance that keeps the objectives (or, when none does, the fastest
    /// rebalance), and with every objective met while it runs (nil without both kinds of run).
    public var snapshotVerdict: String? {
        let regular = scaleOut.indices.filter { scaleOut[$0].method == "regular" && scaleOut[$0].finished }
        let safe = regular.filter { scaleOut[$0].meetsSLODuringOperation }
        let pick = { (set: [Int]) in set.min { (self.scaleOut[$0].durationSeconds!, $0) < (self.scaleOut[$1].durationSeconds!, $1) } }
        guard let b = pick(safe) ?? pick(regular), let snap = scaleOut.first(where: { $0.method == "snapshot" }) else { return nil }
        let best = scaleOut[b]
        let which = safe.isEmpty ? "fastest rebalance, which also breaks an objective" : "fastest rebalance that keeps the objectives"
        guard snap.finished, let sd = snap.durationSeconds else {
            return "Snapshot-based addition did not finish\(snap.error.map { " (\($0))" } ?? ""): add nodes with citus_add_node and rebalance (\(best.durationText!) with \(best.label))."
        }
        // Classes without a target still matter: say how long their requests waited at worst.
        let untargeted = snap.peakP99Ms.filter { p in !slo.p99Ms.contains { $0.className == p.className } && p.during > 10 * max(p.before, 1) }
            .max { $0.during < $1.during }
        let caveat = untargeted.map { "; but \($0.className), which has no target, reaches a worst-interval p99 of \(SizingRules.fixed($0.during, 0)) ms (\(SizingRules.fixed($0.before, 0)) ms before) while writes are blocked" } ?? ""
        if snap.meetsSLODuringOperation && (safe.isEmpty || sd < best.durationSeconds!) {
            let against = safe.isEmpty ? "every rebalance studied breaks an objective (the fastest: \(best.label), \(best.durationText!))" : "\(snap.durationText!) instead of \(best.durationText!) (\(which): \(best.label))"
            return "Snapshot-based addition is worth it: \(safe.isEmpty ? snap.durationText! + "; " : "")\(against), no shard data copied, and every objective holds while it runs\(caveat)."
        }
        if sd < best.durationSeconds! {
            let miss = snap.during?.misses.max { ($0.ratio, $1.objective) < ($1.ratio, $0.objective) }
            return "Snapshot-based addition is faster (\(snap.durationText!) instead of \(best.durationText!)) but blocks writes on the split nodes' shard groups"
                + (miss.map { ": \($0.missText) while it runs" } ?? "") + "; worth it only in a quiet window."
        }
        return "Snapshot-based addition is not worth it here: \(snap.durationText!) against \(best.durationText!) for the \(which) (\(best.label))."
    }
}
