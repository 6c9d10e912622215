import Simulation

/// The sizing rules of the Citus documentation, each a pure function of a candidate and
/// what the advisor knows about the workload. Citations point at the Citus docs' cluster
/// management guide (docs.citusdata.com/en/stable/admin_guide/cluster_management.html).
public enum SizingRules {
    static let guide = "Citus docs, Cluster Management"
    public static let shardCountCitation = "\(guide) › Choosing Cluster Size › Shard Count"
    public static let schemaCitation = "Citus docs, Schema-based sharding (citus.enable_schema_based_sharding)"
    public static let hardwareCitation = "\(guide) › Choosing Cluster Size › Initial Hardware Size"

    /// What the rules need besides the candidate.
    public struct Context: Sendable {
        public var kind: AdvisorSpec.WorkloadKind
        /// Tenants' data today, bytes.
        public var dataBytes: Double
        public var singleNode: AdvisorSpec.SingleNode?
        /// Workers needed at the end of the planning horizon if capacity grows with traffic.
        public var horizonWorkers: Int
        public var coordinator: CoordinatorSetup
        /// Data growth over the planning horizon (`advisor.horizon.tenant_growth`).
        public var dataGrowth: Double
        /// Schema-based sharding: the shard count is the schema count, not a choice.
        public var schemaBased: Bool
        public init(kind: AdvisorSpec.WorkloadKind, dataBytes: Double, singleNode: AdvisorSpec.SingleNode?, horizonWorkers: Int, coordinator: CoordinatorSetup,
                    dataGrowth: Double = 1, schemaBased: Bool = false) {
            self.dataGrowth = dataGrowth
            self.schemaBased = schemaBased
            self.kind = kind
            self.dataBytes = dataBytes
            self.singleNode = singleNode
            self.horizonWorkers = horizonWorkers
            self.coordinator = coordinator
        }
    }

    static let gb = 1e9

    /// Shard counts the docs suggest: multi-tenant 32 below 100 GB, else 64 or 128;
    /// real-time analytics 2x and 4x the workers' total cores.
    public static func suggestedShardCounts(kind: AdvisorSpec.WorkloadKind, dataBytes: Double, workerCores: Int) -> [Int] {
        switch kind {
        case .multiTenant: return dataBytes < 100 * gb ? [32] : [64, 128]
        case .realTimeAnalytics: return [2 * workerCores, 4 * workerCores]
        }
    }

    /// Every rule for `c`, in a fixed order.
    public static func checks(_ c: Candidate, _ ctx: Context, load: AnalyticLoad?) -> [RuleCheck] {
        var out = [shardCount(c, ctx), roomToScale(c, ctx)]
        if let load { out.append(connectionBudget(c, expected: load.expectedMultiShard, bound: load.concurrentMultiShard)) }
        out += [singleNodeMigration(c, ctx), realTimeCores(c, ctx)]
        if let load { out.append(workingSet(c, load)) }
        out.append(coordinatorSize(c, ctx))
        if let load { out.append(diskSpace(c, ctx, load)) }
        return out
    }

    /// Multi-tenant: 32 to 128 shards (32 below 100 GB, 64 or 128 larger). Real-time:
    /// 2x to 4x the workers' total cores.
    public static func shardCount(_ c: Candidate, _ ctx: Context) -> RuleCheck {
        if ctx.schemaBased {
            return RuleCheck(id: "shard-count-schema-based", rule: "Schema-based sharding: each tenant schema is one single-shard colocation group, placed whole on one node",
                             citation: schemaCitation, verdict: .notApplicable,
                             detail: "\(grouped(c.shardCount)) schemas: the shard count follows the schemas and is not a choice", prunes: false)
        }
        switch ctx.kind {
        case .multiTenant:
            // Below 100 GB anything in 32...128 is within the rule (32 suggested); above it the
            // docs ask for 64 or 128, so 32 fails there.
            let large = ctx.dataBytes >= 100 * gb
            let suggestion = large ? "64 or 128 suggested above 100 GB" : "32 suggested below 100 GB"
            return RuleCheck(id: "shard-count-multi-tenant", rule: "Multi-tenant SaaS: choose 32 to 128 shards; 32 for less than 100 GB of data, 64 or 128 for more",
                             citation: shardCountCitation, verdict: (large ? 64...128 : 32...128).contains(c.shardCount) ? .pass : .fail,
                             detail: "\(c.shardCount) shards for \(fixed(ctx.dataBytes / gb, 0)) GB of data (\(suggestion))", prunes: false)
        case .realTimeAnalytics:
            let low = 2 * c.workerCores, high = 4 * c.workerCores
            return RuleCheck(id: "shard-count-real-time", rule: "Real-time analytics: shard count 2x to 4x the workers' total CPU cores (at least one shard per core)",
                             citation: shardCountCitation, verdict: (low...high).contains(c.shardCount) ? .pass : .fail,
                             detail: "\(c.shardCount) shards for \(c.workerCores) worker cores (2x = \(low), 4x = \(high))", prunes: false)
        }
    }

    /// The shard count leaves room to scale out to the workers the horizon needs.
    public static func roomToScale(_ c: Candidate, _ ctx: Context) -> RuleCheck {
        let planned = max(c.workers, ctx.horizonWorkers)
        return RuleCheck(id: "room-to-scale", rule: "The shard count is hard to change later: leave room to scale to the planned number of workers",
                         citation: ctx.schemaBased ? schemaCitation : shardCountCitation, verdict: c.shardCount >= planned ? .pass : .fail,
                         detail: "\(ctx.schemaBased ? "\(grouped(c.shardCount)) schemas" : "\(c.shardCount) shards") for up to \(planned) workers planned", prunes: true)
    }

    /// Max concurrent multi-shard queries x shard count <= workers x max_connections per worker.
    /// The docs' "concurrent queries" are multi-shard ones (router queries use one connection):
    /// `expected` is their concurrency at the no-queue latency, `bound` at the latency target.
    /// Only the expected figure rejects a candidate; when only the bound exceeds the budget the
    /// rule passes with that said, and the simulation decides (it models every connection).
    public static func connectionBudget(_ c: Candidate, expected: Double, bound: Double) -> RuleCheck {
        let q = Int(expected.rounded(.up)), b = Int(max(bound, expected).rounded(.up))
        let needed = q * c.shardCount, atBound = b * c.shardCount, available = c.workers * c.maxConnections
        let rule = "Connections needed (max concurrent multi-shard queries x shard count) must not exceed the connections the workers accept (workers x max_connections)"
        guard b > 0 else {
            return RuleCheck(id: "connection-budget", rule: rule, citation: shardCountCitation, verdict: .notApplicable,
                             detail: "no multi-shard queries", prunes: true)
        }
        let figures = "\(c.shardCount) shards x \(grouped(q)) concurrent multi-shard queries (expected: rate x no-queue latency) = \(grouped(needed)) connections"
            + " \(needed <= available ? "<=" : ">") \(c.workers) workers x \(grouped(c.maxConnections)) = \(grouped(available))"
        if needed > available {
            return RuleCheck(id: "connection-budget", rule: rule, citation: shardCountCitation, verdict: .fail, detail: figures, prunes: true)
        }
        let boundText = atBound > available
            ? "; at the latency target's concurrency (\(grouped(b)) queries) it would need \(grouped(atBound)): only a bound, so the simulation decides"
            : ""
        return RuleCheck(id: "connection-budget", rule: rule, citation: shardCountCitation, verdict: .pass, detail: figures + boundText, prunes: true)
    }

    /// Migrating from one node: the workers' cores and RAM together at least the original
    /// instance's; expect 2-3x the performance.
    public static func singleNodeMigration(_ c: Candidate, _ ctx: Context) -> RuleCheck {
        let rule = "Migrating from a single node: workers' total cores and RAM at least the original instance's; expect a 2-3x performance improvement"
        guard let one = ctx.singleNode else {
            return RuleCheck(id: "single-node-migration", rule: rule, citation: hardwareCitation, verdict: .notApplicable, detail: "no single-node starting point given", prunes: true)
        }
        let memory = Double(c.workers) * c.instance.memoryGiB
        let ok = c.workerCores >= one.cores && memory >= one.memoryGiB
        return RuleCheck(id: "single-node-migration", rule: rule, citation: hardwareCitation, verdict: ok ? .pass : .fail,
                         detail: "workers total \(c.workerCores) cores and \(fixed(memory, 0)) GiB vs the single node's \(one.cores) cores and \(fixed(one.memoryGiB, 0)) GiB", prunes: true)
    }

    /// Real-time: cores needed = current cores x current latency / desired latency.
    public static func realTimeCores(_ c: Candidate, _ ctx: Context) -> RuleCheck {
        let rule = "Real-time analytics: total cores = current cores x (current latency / desired latency)"
        guard let one = ctx.singleNode, let l = one.latencyMs, let target = one.targetLatencyMs else {
            return RuleCheck(id: "real-time-cores", rule: rule, citation: hardwareCitation, verdict: .notApplicable, detail: "no single-node latency and target given", prunes: true)
        }
        let needed = Int((Double(one.cores) * l / target).rounded(.up))
        return RuleCheck(id: "real-time-cores", rule: rule, citation: hardwareCitation, verdict: c.workerCores >= needed ? .pass : .fail,
                         detail: "\(c.workerCores) worker cores vs \(one.cores) x \(fixed(l, 1)) ms / \(fixed(target, 1)) ms = \(needed) needed", prunes: true)
    }

    /// Worker RAM so that the working set fits in memory.
    public static func workingSet(_ c: Candidate, _ load: AnalyticLoad) -> RuleCheck {
        let w = load.workingSetBytes.indices.max { load.workingSetBytes[$0] < load.workingSetBytes[$1] } ?? 0
        let ws = load.workingSetBytes.isEmpty ? 0 : load.workingSetBytes[w]
        let gib = 1_073_741_824.0
        return RuleCheck(id: "working-set", rule: "Size worker RAM so that the working set fits in memory",
                         citation: hardwareCitation, verdict: ws <= load.cacheBytes ? .pass : .fail,
                         detail: "tenants making 90% of \(ClusterSpec.workerName(w))'s queries hold \(fixed(ws / gib, 1)) GiB; a \(c.instance.name) caches \(fixed(load.cacheBytes / gib, 1)) GiB",
                         prunes: false)
    }

    /// The coordinator can be smaller than the workers and compute-optimised.
    public static func coordinatorSize(_ c: Candidate, _ ctx: Context) -> RuleCheck {
        let co = ctx.coordinator.instance
        let ok = co.family == .compute && co.memoryGiB <= c.instance.memoryGiB
        return RuleCheck(id: "coordinator-size", rule: "The coordinator needs little memory: it can be smaller than a worker and compute-optimised",
                         citation: hardwareCitation, verdict: ok ? .pass : .fail,
                         detail: "coordinator \(ctx.coordinator.label) (\(co.cores) cores, \(fixed(co.memoryGiB, 0)) GiB, \(co.family.rawValue)) vs worker \(c.instance.name) (\(fixed(c.instance.memoryGiB, 0)) GiB)",
                         prunes: false)
    }

    /// Citus keeps `citus.desired_percent_disk_available_after_move` (10% by default) of the
    /// target's disk free after every shard move and refuses the move otherwise (FACTS D.2).
    public static let desiredPercentDiskAvailableAfterMove = 10.0
    public static let moveCitation = "Citus 13.2 citus_move_shard_placement: disk space check (citus.desired_percent_disk_available_after_move, 10%)"

    /// Disk: every worker must hold its shards at the horizon's data (today's bytes on it ×
    /// `tenant_growth`: the skew of today's placement kept) and still take in the largest shard
    /// group (grown alike), whether moved onto it or split beside itself (a split writes the
    /// children next to the parent until it ends), with
    /// `citus.desired_percent_disk_available_after_move` left free. Data only: WAL, temporary
    /// files and bloat are not counted, so a pass is a lower bound on the disk needed.
    public static func diskSpace(_ c: Candidate, _ ctx: Context, _ load: AnalyticLoad) -> RuleCheck {
        let rule = "Every worker must hold its data at the horizon and still receive or split the largest shard group with 10% of its disk left free, or Citus refuses the move"
        guard !load.workerDataBytes.isEmpty, load.workerDataBytes.count == load.workerDiskBytes.count else {
            return RuleCheck(id: "disk-space", rule: rule, citation: moveCitation, verdict: .notApplicable, detail: "no storage figures", prunes: true)
        }
        let gib = 1_073_741_824.0
        let keep = desiredPercentDiskAvailableAfterMove / 100
        let group = load.largestGroupBytes * ctx.dataGrowth
        let need = load.workerDataBytes.indices.map { load.diskNeeded($0, growth: ctx.dataGrowth) }
        // The tightest worker: the largest need against its usable disk.
        let w = need.indices.max { (need[$0] / load.workerDiskBytes[$0], $1) < (need[$1] / load.workerDiskBytes[$1], $0) }!
        let usable = load.usableDisk(w)
        let growth = ctx.dataGrowth == 1 ? "" : ", \(fixed(load.workerDataBytes[w] * ctx.dataGrowth / gib, 1)) GiB at the horizon (data ×\(fixed(ctx.dataGrowth, 2)))"
        let figures = "\(ClusterSpec.workerName(w)) holds \(fixed(load.workerDataBytes[w] / gib, 1)) GiB today\(growth); + \(fixed(group / gib, 1)) GiB for the largest shard group's move or split = "
            + "\(fixed(need[w] / gib, 1)) GiB \(need[w] <= usable ? "<=" : ">") \(fixed(usable / gib, 1)) GiB usable (\(fixed(load.workerDiskBytes[w] / gib, 0)) GiB disk, \(fixed(keep * 100, 0))% kept free)"
        return RuleCheck(id: "disk-space", rule: rule, citation: moveCitation, verdict: need[w] <= usable ? .pass : .fail, detail: figures, prunes: true)
    }

    public static let memoryCitation = "citus-sim's memory envelope (NodeMemory), backend memory measured in the lab (family g)"

    /// Every node holds shared_buffers and the backends its sessions keep in the RAM the OS
    /// leaves: on each worker the connections that stay open (`NodeMemory.residentBackends`: one
    /// cached connection per client session and the maintenance daemon's, up to max_connections
    /// − 3), on the coordinator a backend per session. Each backend is warm (`NodeMemory`);
    /// fan-outs' extra connections and work_mem are not counted (the simulation counts both), so
    /// a pass is a lower bound on the memory needed.
    public static func memory(workers: [NodeMemory], backends: [Int], coordinator: NodeMemory?, sessions: Int) -> RuleCheck {
        let rule = "Every node must hold shared_buffers and the backends its client sessions keep in the RAM the OS leaves, or PostgreSQL fails with out of memory"
        let gib = { (v: Double) in fixed(v / 1_073_741_824, 1) + " GiB" }
        let mib = { (v: Double) in fixed(v / 1_048_576, 1) + " MiB" }
        // The tightest worker: the largest need against its limit.
        let need = workers.indices.map { workers[$0].bytes(backends: Double(backends[$0])) }
        guard let w = workers.indices.max(by: { (need[$0] / workers[$0].limitBytes, $1) < (need[$1] / workers[$1].limitBytes, $0) }) else {
            return RuleCheck(id: "memory", rule: rule, citation: memoryCitation, verdict: .notApplicable, detail: "no workers", prunes: true)
        }
        var fits = need[w] <= workers[w].limitBytes
        var detail = "\(ClusterSpec.workerName(w)): shared_buffers + \(backends[w]) backends of \(mib(workers[w].backendBytes)) = \(gib(need[w])) \(fits ? "<=" : ">") \(gib(workers[w].limitBytes)) (RAM less 1 GiB for the OS)"
        if let c = coordinator {
            let ok = c.fixedBytes <= c.limitBytes
            fits = fits && ok
            detail += "; coordinator: shared_buffers + \(sessions) sessions of \(mib(c.backendBytes)) = \(gib(c.fixedBytes)) \(ok ? "<=" : ">") \(gib(c.limitBytes))"
        }
        return RuleCheck(id: "memory", rule: rule, citation: memoryCitation, verdict: fits ? .pass : .fail, detail: detail, prunes: true)
    }

    // MARK: Formatting (no Foundation in this target)

    /// 25600 -> "25,600".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return n < 0 ? "-" + out : out
    }

    /// Fixed-point text with `digits` decimals (0...3), deterministic.
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return v > 0 ? "inf" : v < 0 ? "-inf" : "nan" }
        let scale = [1.0, 10, 100, 1000][max(0, min(digits, 3))]
        let scaled = (abs(v) * scale).rounded()
        let whole = Int(scaled / scale)
        let frac = Int(scaled - Double(whole) * scale)
        var text = String(whole)
        if digits > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: max(0, min(digits, 3) - f.count)) + f
        }
        return (v < 0 && scaled > 0 ? "-" : "") + text
    }
}
