import SimCore
import Simulation

extension Advice {
    /// The capacity runway of the recommendation: for each limit, the month the scenario's
    /// growth (compound, per month) breaks it, and the remedies ranked, each with its duration,
    /// its SLO impact and the month to start it by (one month before the first break: the
    /// safety margin for procurement and a rehearsal).
    ///
    /// Model: CPU and connections grow with traffic and scale linearly from today's analytic
    /// figures; disk and the working set grow with data; the SLO limit lies between the last
    /// traffic step of the growth study that met and the first that missed (a range, not a
    /// point, since only those factors were simulated).
    public struct Runway: Sendable {
        public struct Limit: Sendable {
            /// `cpu`, `coordinator-cpu`, `connections`, `disk`, `memory`, `slo`.
            public var id: String
            /// Growth factor of its driver (traffic or data) at which it breaks; nil = not found
            /// within the studied factors (SLO) or never (no load on it).
            public var factor: Double?
            /// For the SLO: the last factor known to meet (the break lies in (lower, factor]).
            public var lowerFactor: Double?
            /// `traffic` or `data`.
            public var driver: String
            /// Months until it breaks (0 = already broken), nil beyond `months` or never.
            public var months: Int?
            public var detail: String
            /// With per-class growth: the limit's use (1 = it breaks) in each month 0...`months`.
            public var use: [Double]? = nil
        }

        public struct Remedy: Sendable {
            public var name: String
            /// Seconds the operation takes (nil = not simulated).
            public var durationSeconds: Double?
            /// Whether the objectives hold while it runs (nil = not simulated).
            public var meetsSLODuringOperation: Bool?
            public var detail: String
        }

        /// The SLO break found by simulation: the recommendation at month m's traffic and data
        /// (both compounded), bisected over the months.
        public struct SimulatedBreak: Sendable {
            /// The last month simulated to meet every objective (nil: it misses today).
            public var lastMeeting: (month: Int, evaluation: Evaluation)?
            /// The first month simulated to miss one (nil: it meets through the runway's months).
            public var firstMissing: (month: Int, evaluation: Evaluation)?
            /// Months simulated, in the order of the search.
            public var simulated: [Int]

            public init(lastMeeting: (month: Int, evaluation: Evaluation)?, firstMissing: (month: Int, evaluation: Evaluation)?, simulated: [Int]) {
                self.lastMeeting = lastMeeting
                self.firstMissing = firstMissing
                self.simulated = simulated
            }
        }

        public var trafficPerMonth: Double
        public var dataPerMonth: Double
        public var months: Int
        /// The simulated SLO break (nil: the SLO limit comes from the growth study's steps).
        public var sloBreak: SimulatedBreak?
        /// `2026-12`: month 0 (nil = months only).
        public var asOf: (year: Int, month: Int)?
        public var limits: [Limit]
        public var remedies: [Remedy]

        /// Each analytic limit's use for one load (1 = it breaks): the one home of their
        /// arithmetic, read once for today (the compound formula) and, with per-class growth,
        /// for every month.
        public struct Uses: Sendable {
            /// The busiest worker's and the coordinator's CPU against the ceiling.
            public var cpu: Double, coordinatorCPU: Double
            /// Expected concurrent multi-shard queries × shards against workers × max_connections.
            public var connections: Double
            /// The tightest worker's data plus the largest group against its usable disk.
            public var disk: Double
            /// The largest working set against a worker's cache.
            public var memory: Double

            public init(_ load: AnalyticLoad, candidate c: Candidate, cpuLimit: Double) {
                cpu = (load.workerCPU.max() ?? 0) / cpuLimit
                coordinatorCPU = load.coordinatorCPU / cpuLimit
                connections = load.expectedMultiShard * Double(c.shardCount) / Double(c.workers * c.maxConnections)
                disk = load.workerDataBytes.indices.map { load.diskNeeded($0, growth: 1) / load.usableDisk($0) }.max() ?? 0
                memory = (load.workingSetBytes.max() ?? 0) / max(1, load.cacheBytes)
            }

            /// The use of limit `id` (`cpu`, `coordinator-cpu`, `connections`, `disk`, `memory`).
            public subscript(id: String) -> Double? {
                switch id {
                case "cpu": return cpu
                case "coordinator-cpu": return coordinatorCPU
                case "connections": return connections
                case "disk": return disk
                case "memory": return memory
                default: return nil
                }
            }
        }

        /// The first limit to break (ties: the order of `limits`).
        public var first: Limit? {
            limits.filter { $0.months != nil }.min { $0.months! < $1.months! }
        }

        /// "2027-06" for month `m` (or "month 6" without `asOf`).
        public func date(_ m: Int) -> String { Self.date(m, asOf: asOf) }

        /// "2027-06" for month `m` after `asOf` (or "month 6" without it).
        public static func date(_ m: Int, asOf: (year: Int, month: Int)?) -> String {
            guard let a = asOf else { return "month \(m)" }
            let total = a.year * 12 + (a.month - 1) + m
            let month = total % 12 + 1
            return "\(total / 12)-\(month < 10 ? "0" : "")\(month)"
        }

        /// Months until a growth of `factor` at `rate` per month compounds (0 if already there).
        public static func months(factor: Double, rate: Double, within limit: Int) -> Int? {
            guard factor > 1 else { return 0 }
            guard rate > 0 else { return nil }
            let m = Int((log(factor) / log(1 + rate)).rounded(.down))
            return m <= limit ? m : nil
        }

        public var verdict: String {
            guard let f = first else {
                return "No limit breaks within \(months) months at \(SizingRules.fixed(trafficPerMonth * 100, 1))% traffic and \(SizingRules.fixed(dataPerMonth * 100, 1))% data growth per month."
            }
            let startBy = max(0, f.months! - 1)
            let best = remedies.first.map { " First remedy: \($0.name)\($0.durationSeconds.map { " (\(SizingRules.fixed($0 / 60, 1)) min)" } ?? "")." } ?? ""
            let when = f.months == 0 ? ((f.factor ?? 0) <= 1 ? " (already broken)" : " (within the first month)") : ""
            return "The first limit to break is \(f.id) in \(date(f.months!))\(when): \(f.detail). Start the remedy by \(date(startBy)).\(best)"
        }
    }

    /// The runway from the recommendation's analytic load, rules and growth study, and the
    /// operations studies for the remedies (nil without a recommendation or its load). With
    /// `sloBreak` (simulated) the SLO limit is that month; without, it lies between the growth
    /// study's traffic steps. `remedies` simulated elsewhere join the ranking.
    public func runway(trafficPerMonth: Double, dataPerMonth: Double, months: Int, asOf: (year: Int, month: Int)?,
                       sloBreak: Runway.SimulatedBreak? = nil, remedies extra: [Runway.Remedy] = []) -> Runway? {
        guard let r = recommended, let load = outcomes[r].load else { return nil }
        let c = outcomes[r].candidate
        let cpuLimit = slo.maxCPUUtilization ?? 1
        var limits: [Runway.Limit] = []
        let within = { (f: Double?, rate: Double) in f.flatMap { Runway.months(factor: $0, rate: rate, within: months) } }
        let pct = { (v: Double) in SizingRules.fixed(v * 100, 0) + "%" }
        // Each limit breaks at the growth factor 1 / its use today (none without a load on it).
        let use = Runway.Uses(load, candidate: c, cpuLimit: cpuLimit)
        let factor = { (u: Double) in u > 0 ? 1 / u : nil }
        let needed = load.expectedMultiShard * Double(c.shardCount)
        for (id, driver, detail) in [
            ("cpu", "traffic", "busiest worker at \(pct(load.workerCPU.max() ?? 0)) of its cores today (analytic), limit \(pct(cpuLimit))"),
            ("coordinator-cpu", "traffic", "coordinator at \(pct(load.coordinatorCPU)) today (analytic), limit \(pct(cpuLimit))"),
            ("connections", "traffic", "\(SizingRules.fixed(needed, 0)) connections needed today of \(c.workers * c.maxConnections)"),
            ("disk", "data", "data plus the largest shard group fill \(pct(use.disk)) of the tightest worker's usable disk"),
            ("memory", "data", "the largest working set fills \(pct(use.memory)) of a worker's cache"),
        ] {
            let f = factor(use[id]!)
            limits.append(.init(id: id, factor: f, driver: driver, months: within(f, driver == "traffic" ? trafficPerMonth : dataPerMonth), detail: detail))
        }
        // SLO: between the last traffic step that met and the first that missed.
        let traffic = growth.filter { $0.kind == .traffic }
        let miss = traffic.first { !$0.evaluation.meets }
        let met = traffic.filter { $0.evaluation.meets }.map(\.factor).max() ?? 1
        var slo = Runway.Limit(id: "slo", factor: miss?.factor, lowerFactor: met, driver: "traffic", months: within(miss?.factor, trafficPerMonth),
                               detail: miss.map { "meets at ×\(SizingRules.fixed(met, 2)) traffic, misses at ×\(SizingRules.fixed($0.factor, 2)) (\($0.evaluation.missText))" }
                                   ?? "meets at every traffic step studied (up to ×\(SizingRules.fixed(met, 2)))")
        // The earliest the SLO can break is just after the last factor known to meet.
        if let m = slo.months, let lower = Runway.months(factor: met, rate: trafficPerMonth, within: months) {
            let earliest = max(min(m, lower + 1), 0)
            slo.months = earliest
            if earliest < m { slo.detail += "; it breaks between month \(earliest) and month \(m) (counted from the earliest)" }
        }
        if let b = sloBreak {
            let g = { (m: Int) in "×\(SizingRules.fixed(pow(1 + trafficPerMonth, Double(m)), 2)) traffic and ×\(SizingRules.fixed(pow(1 + dataPerMonth, Double(m)), 2)) data" }
            let met = b.lastMeeting.map { "meets in \(Runway.date($0.month, asOf: asOf)) (\(g($0.month)))" } ?? "misses today"
            slo = Runway.Limit(id: "slo", factor: b.firstMissing.map { pow(1 + trafficPerMonth, Double($0.month)) },
                               lowerFactor: b.lastMeeting.map { pow(1 + trafficPerMonth, Double($0.month)) }, driver: "traffic",
                               months: b.firstMissing?.month,
                               detail: "simulated: " + (b.firstMissing.map { miss in
                                   (b.lastMeeting == nil ? "" : met + "; ") + "misses in \(Runway.date(miss.month, asOf: asOf)) (\(g(miss.month))): \(miss.evaluation.missText.dropFirst("misses ".count))"
                               } ?? "meets through \(Runway.date(months, asOf: asOf)) (\(g(months)))"))
        }
        limits.append(slo)
        // Remedies: the operations studied, those that keep the objectives first, then the fastest.
        var remedies: [Runway.Remedy] = []
        if let i = recommendedOperation {
            let o = scaleOut[i]
            remedies.append(.init(name: "add \(o.addedWorkers) worker\(o.addedWorkers == 1 ? "" : "s") and rebalance (\(o.label))", durationSeconds: o.durationSeconds,
                                  meetsSLODuringOperation: true, detail: o.during?.missText ?? ""))
        }
        if let snap = scaleOut.first(where: { $0.method == "snapshot" }), snap.finished {
            remedies.append(.init(name: "snapshot-based addition of \(snap.addedWorkers) worker\(snap.addedWorkers == 1 ? "" : "s")", durationSeconds: snap.durationSeconds,
                                  meetsSLODuringOperation: snap.meetsSLODuringOperation, detail: snap.during?.missText ?? ""))
        }
        for t in isolation where t.deserves {
            remedies.append(.init(name: "isolate tenant \(t.rank) to its own shard", durationSeconds: nil, meetsSLODuringOperation: nil, detail: t.reason))
        }
        remedies += extra
        let larger = spec.catalog.filter { $0.family == c.instance.family && $0.cores > c.instance.cores }.min { $0.cores < $1.cores }
        if let l = larger {
            remedies.append(.init(name: "scale up the workers to \(l.name)", durationSeconds: nil, meetsSLODuringOperation: nil,
                                  detail: "+\(SizingRules.fixed(Double(c.workers) * (l.pricePerHour - c.instance.pricePerHour), 2))/h; not simulated (a failover per worker)"))
        }
        remedies = remedies.enumerated().sorted { a, b in
            let ka = (a.element.meetsSLODuringOperation == true ? 0 : a.element.meetsSLODuringOperation == nil ? 1 : 2, a.element.durationSeconds ?? .infinity, a.offset)
            let kb = (b.element.meetsSLODuringOperation == true ? 0 : b.element.meetsSLODuringOperation == nil ? 1 : 2, b.element.durationSeconds ?? .infinity, b.offset)
            return ka < kb
        }.map(\.element)
        return Runway(trafficPerMonth: trafficPerMonth, dataPerMonth: dataPerMonth, months: months, sloBreak: sloBreak, asOf: asOf, limits: limits, remedies: remedies)
    }

}

#if canImport(Glibc)
import Glibc
#endif
