import Advisor
import SimCore
import Simulation
import Yams

/// Reads a cluster scenario's `advisor` section (schema in Scenarios/README.md#advisor).
enum AdvisorReader {
    static func read(_ m: YAMLMapping, scenario: ClusterScenario?) -> AdvisorSpec? {
        var spec = AdvisorSpec()
        var ok = true
        func set<T>(_ v: T?, _ apply: (T) -> Void) { if let v { apply(v) } else { ok = false } }
        set(m.string("workload", allowed: AdvisorSpec.WorkloadKind.allCases.map(\.rawValue), default: "multi_tenant")) {
            spec.workloadKind = AdvisorSpec.WorkloadKind(rawValue: $0)!
        }
        if m.value("fan_out_work") != nil {
            set(m.string("fan_out_work", allowed: AdvisorSpec.FanOutWork.allCases.map(\.rawValue))) { spec.fanOutWork = AdvisorSpec.FanOutWork(rawValue: $0) }
        }
        if let node = m.value("catalog") {
            if let catalog = readCatalog(node, m.reader) { spec.catalog = catalog } else { ok = false }
        }
        if let c = m.value("coordinator") {
            if let name = c.string, spec.catalog.contains(where: { $0.name == name }) {
                spec.coordinator = name
            } else {
                m.reader.error(c, "`advisor.coordinator` must name an instance of the catalog: \(spec.catalog.map(\.name).joined(separator: ", "))")
                ok = false
            }
        }
        set(m.integer("max_coordinators", in: 1...8, default: 2)) { spec.maxCoordinators = $0 }
        set(m.integer("min_workers", in: 1...100_000, default: 2)) { spec.minWorkers = $0 }
        set(m.integer("max_workers", in: 1...100_000, default: 16)) { spec.maxWorkers = $0 }
        if spec.minWorkers > spec.maxWorkers {
            m.reader.error(m.value("max_workers") ?? m.value("min_workers"), "`advisor.max_workers` (\(spec.maxWorkers)) is below `advisor.min_workers` (\(spec.minWorkers)): no worker count satisfies both")
            ok = false
        }
        if m.value("budget_per_hour") != nil { set(m.number("budget_per_hour", in: 0...1e12, lowerExclusive: true)) { spec.budgetPerHour = $0 } }
        if let h = m.mapping("horizon", required: false) {
            set(h.number("traffic_growth", in: 1...1_000, default: 1)) { spec.trafficGrowth = $0 }
            set(h.number("tenant_growth", in: 1...1_000, default: 1)) { spec.tenantGrowth = $0 }
            h.finish()
        }
        set(m.number("headroom", in: 0...10, default: 0)) { spec.headroom = $0 }
        if let s = m.mapping("single_node", required: false) {
            let cores = s.integer("cores", in: 1...4_096), memory = s.number("memory_gib", in: 0...1e6, lowerExclusive: true)
            var latency: Double?, target: Double?
            if s.value("latency_ms") != nil { latency = s.number("latency_ms", in: 0...1e9, lowerExclusive: true); if latency == nil { ok = false } }
            if s.value("target_latency_ms") != nil { target = s.number("target_latency_ms", in: 0...1e9, lowerExclusive: true); if target == nil { ok = false } }
            if (latency == nil) != (target == nil) {
                s.reader.error(s.node, "`advisor.single_node` needs both `latency_ms` and `target_latency_ms` (the real-time cores rule compares them), or neither")
                ok = false
            }
            s.finish()
            if let cores, let memory { spec.singleNode = AdvisorSpec.SingleNode(cores: cores, memoryGiB: memory, latencyMs: latency, targetLatencyMs: target) } else { ok = false }
        }
        if let s = m.mapping("search", required: false) {
            if scenario?.citus.schemaBasedSharding == true, let node = s.value("shard_counts") {
                s.reader.error(node, "`advisor.search.shard_counts`: with schema-based sharding each tenant schema is one single-shard group, so the shard count is not a choice; remove this key")
                ok = false
            }
            spec.space.shardCounts = intList(s, "shard_counts", 1...64_000, &ok)
            spec.space.workerCounts = intList(s, "worker_counts", 1...100_000, &ok)
            spec.space.poolSizes = intList(s, "pool_sizes", 1...10_000, &ok)
            spec.space.sharedPoolSizes = intList(s, "shared_pool_sizes", -1...1_000_000, &ok)
            spec.space.maxConnections = intList(s, "max_connections", 10...1_000_000, &ok)
            if let node = s.value("instances") {
                let names = node.array().compactMap(\.string)
                if case .sequence = node, names.count == node.array().count, !names.isEmpty {
                    for (item, name) in zip(node.array(), names) where !spec.catalog.contains(where: { $0.name == name }) {
                        s.reader.error(item, "`advisor.search.instances` names `\(name)`, which is not in the catalog: \(spec.catalog.map(\.name).joined(separator: ", "))")
                        ok = false
                    }
                    spec.space.instances = names
                } else {
                    s.reader.error(node, "`advisor.search.instances` must be a non-empty list of catalog instance names")
                    ok = false
                }
            }
            s.finish()
        }
        set(m.integer("replications", in: 2...1_000, default: 3)) { spec.replications = $0 }
        if m.value("duration") != nil { set(m.duration("duration")) { spec.duration = SimDuration(seconds: $0) } }
        if m.value("warmup") != nil { set(m.duration("warmup", allowZero: true)) { spec.warmup = SimDuration(seconds: $0) } }
        if let w = spec.warmup, let d = spec.duration ?? scenario?.run.duration, w >= d {
            m.reader.error(m.value("warmup"), "`advisor.warmup` (\(w)) must be shorter than the candidates' run duration (\(d))")
            ok = false
        }
        if let node = m.value("growth_steps") {
            let steps = node.array().compactMap { $0.string.flatMap { Double($0) } }
            if case .sequence = node, steps.count == node.array().count, !steps.isEmpty, steps.allSatisfy({ $0 > 1 && $0 <= 1_000 }) {
                spec.growthSteps = steps
            } else {
                m.reader.error(node, "`advisor.growth_steps` must be a non-empty list of traffic multipliers, each > 1 and <= 1000")
                ok = false
            }
        }
        if let node = m.value("scale_out") {
            if let b = node.bool, !b {
                spec.scaleOut = nil
            } else if let s = m.reader.mapping(node, path: "advisor.scale_out") {
                var plan = AdvisorSpec.ScaleOut()
                if s.value("add_workers") != nil { set(s.integer("add_workers", in: 1...10_000)) { plan.addWorkers = $0 } }
                if let e = intList(s, "executors_per_node", 1...1_000, &ok) { plan.executorsPerNode = e }
                for (key, assign) in [("parallel_colocated", { plan.parallelColocated = $0 }), ("parallel_reference", { plan.parallelReference = $0 })] as [(String, ([Bool]) -> Void)] {
                    guard let node = s.value(key) else { continue }
                    let values = node.array().compactMap(\.bool)
                    if case .sequence = node, values.count == node.array().count, !values.isEmpty { assign(values) } else {
                        s.reader.error(node, "`advisor.scale_out.\(key)` must be a list of true/false values to compare")
                        ok = false
                    }
                }
                if let node = s.value("transfer_modes") {
                    let modes = ["auto", "force_logical", "block_writes"]
                    let values = node.array().compactMap(\.string)
                    if case .sequence = node, values.count == node.array().count, !values.isEmpty, values.allSatisfy(modes.contains) {
                        plan.transferModes = modes.filter(values.contains)
                    } else {
                        s.reader.error(node, "`advisor.scale_out.transfer_modes` must be a list of shard_transfer_mode values to compare: auto, force_logical, block_writes")
                        ok = false
                    }
                }
                set(s.bool("snapshot", default: true)) { plan.snapshot = $0 }
                if let w = s.mapping("schedule", required: false) {
                    let from = w.duration("from", allowZero: true), to = w.duration("to", allowZero: true), step = w.duration("step")
                    w.finish()
                    if let from, let to, let step {
                        if to < from || (to - from) / step > 999 {
                            w.reader.error(s.value("schedule")!, "`advisor.scale_out.schedule` must have `to` >= `from` and at most 1000 start instants (`step` \(step.compact) s over \((to - from).compact) s)")
                            ok = false
                        } else {
                            plan.schedule = AdvisorSpec.Schedule(from: SimDuration(seconds: from), to: SimDuration(seconds: to), step: SimDuration(seconds: step))
                        }
                    } else { ok = false }
                }
                if s.value("max_duration") != nil { set(s.duration("max_duration")) { plan.maxDuration = SimDuration(seconds: $0) } }
                set(s.duration("run_for", default: 7_200)) { plan.runFor = SimDuration(seconds: $0) }
                s.finish()
                spec.scaleOut = plan
            } else {
                ok = false
            }
        }
        if let r = m.mapping("runway", required: false) {
            let traffic = r.number("traffic_per_month", in: 0...10, default: 0), data = r.number("data_per_month", in: 0...10, default: 0)
            let months = r.integer("months", in: 1...600, default: 36)
            var asOf: (Int, Int)?
            if let node = r.value("as_of") {
                let parts = (node.string ?? "").split(separator: "-").compactMap { Int($0) }
                if parts.count == 2, (1900...9999).contains(parts[0]), (1...12).contains(parts[1]) { asOf = (parts[0], parts[1]) } else {
                    r.reader.error(node, "`advisor.runway.as_of` must be a month written YYYY-MM, such as 2026-12")
                    ok = false
                }
            }
            var classes: [AdvisorSpec.RunwaySpec.TenantClass] = []
            if let list = r.value("classes") {
                if case .sequence = list {
                    for (i, item) in list.array().enumerated() {
                        guard let c = r.reader.mapping(item, path: "advisor.runway.classes[\(i)]") else { ok = false; continue }
                        let ranks = c.value("tenants")?.array().compactMap { Int($0.string ?? "") } ?? []
                        let t = c.number("traffic_per_month", in: 0...10, default: traffic ?? 0), d = c.number("data_per_month", in: 0...10, default: data ?? 0)
                        let count = scenario?.workload.tenants.count ?? Int.max
                        if ranks.count != 2 || ranks[0] < 1 || ranks[0] > ranks[1] || ranks[1] > count {
                            c.reader.error(c.value("tenants") ?? c.node, "`advisor.runway.classes[\(i)].tenants` must be [first, last], tenant ranks with 1 <= first <= last <= \(count == Int.max ? "the tenant count" : String(count))")
                            ok = false
                        } else if let overlap = classes.first(where: { $0.first <= ranks[1] && ranks[0] <= $0.last }) {
                            c.reader.error(c.value("tenants"), "`advisor.runway.classes[\(i)].tenants` [\(ranks[0]), \(ranks[1])] overlaps [\(overlap.first), \(overlap.last)]: a tenant grows at one rate")
                            ok = false
                        } else if let t, let d {
                            classes.append(.init(first: ranks[0], last: ranks[1], trafficPerMonth: t, dataPerMonth: d))
                        }
                        c.finish()
                    }
                } else {
                    r.reader.error(list, "`advisor.runway.classes` must be a list of {tenants: [first, last], traffic_per_month, data_per_month}")
                    ok = false
                }
            }
            r.finish()
            if let traffic, let data, let months {
                var spec_ = AdvisorSpec.RunwaySpec(trafficPerMonth: traffic, dataPerMonth: data)
                spec_.months = months
                spec_.asOf = asOf
                spec_.classes = classes
                spec.runway = spec_
            } else { ok = false }
        }
        if let node = m.value("ha") {
            if let b = node.bool, !b {
                spec.highAvailability = nil
            } else if let h = m.reader.mapping(node, path: "advisor.ha") {
                var plan = AdvisorSpec.HighAvailability()
                set(h.duration("window", default: 300)) { plan.window = SimDuration(seconds: $0) }
                h.finish()
                spec.highAvailability = plan
            } else {
                ok = false
            }
        }
        set(m.integer("isolation_candidates", in: 0...100, default: 3)) { spec.isolationCandidates = $0 }
        m.finish()
        return ok ? spec : nil
    }

    /// A non-empty list of integers in `range` under `key` (nil when absent; errors set `ok`).
    static func intList(_ m: YAMLMapping, _ key: String, _ range: ClosedRange<Int>, _ ok: inout Bool) -> [Int]? {
        guard let node = m.value(key) else { return nil }
        let values = node.array().compactMap { $0.string.flatMap { Int($0.replacingUnderscores) } }
        guard case .sequence = node, values.count == node.array().count, !values.isEmpty, values.allSatisfy(range.contains) else {
            m.reader.error(node, "`\(m.qualified(key))` must be a non-empty list of integers in \(range.lowerBound)...\(range.upperBound)")
            ok = false
            return nil
        }
        return values
    }

    /// `advisor.catalog`: a non-empty list of instance types with distinct names.
    static func readCatalog(_ node: Node, _ reader: YAMLReader) -> [InstanceType]? {
        guard case .sequence = node, !node.array().isEmpty else {
            reader.error(node, "`advisor.catalog` must be a non-empty list of instance types ({name, cores, memory_gib, price_per_hour, ...}); omit it to use the default catalog")
            return nil
        }
        var out: [InstanceType] = []
        var ok = true
        for (i, item) in node.array().enumerated() {
            guard let m = reader.mapping(item, path: "advisor.catalog[\(i)]") else { ok = false; continue }
            let name = m.string("name")
            let family = m.string("family", allowed: InstanceType.Family.allCases.map(\.rawValue), default: "general")
            let cores = m.integer("cores", in: 1...4_096)
            let memory = m.number("memory_gib", in: 0...1e6, lowerExclusive: true)
            let iops = m.number("disk_iops", in: 0...1e9, lowerExclusive: true, default: 20_000)
            let mbps = m.number("disk_mb_per_second", in: 0...1e6, lowerExclusive: true, default: 500)
            let disk = m.number("disk_gib", in: 0...1e9, lowerExclusive: true, default: 2_048)
            let nic = m.number("nic_gbps", in: 0...10_000, lowerExclusive: true, default: 10)
            let price = m.number("price_per_hour", in: 0...1e9, lowerExclusive: true)
            m.finish()
            guard let name, let family, let cores, let memory, let iops, let mbps, let disk, let nic, let price else { ok = false; continue }
            if out.contains(where: { $0.name == name }) {
                reader.error(m.value("name"), "`advisor.catalog` lists `\(name)` twice; instance names must be distinct")
                ok = false
                continue
            }
            if memory < 2 {
                reader.error(m.value("memory_gib"), "`\(m.qualified("memory_gib"))` is \(memory); a PostgreSQL server needs at least 2 GiB (1 GiB is reserved for the OS)")
                ok = false
                continue
            }
            out.append(InstanceType(name: name, family: InstanceType.Family(rawValue: family)!, cores: cores, memoryGiB: memory, diskIOPS: iops,
                                    diskMBPerSecond: mbps, diskGiB: disk, nicGbps: nic, pricePerHour: price))
        }
        return ok ? out : nil
    }
}
