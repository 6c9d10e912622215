import Advisor
import SimCore
import Simulation
import Workload
import Yams

/// The `tables`, `tenants` and `workload` sections of a cluster scenario (Scenarios/README.md).
extension ClusterScenarioReader {
    static func readTables(_ root: YAMLMapping, _ reader: YAMLReader) -> [TableSpec]? {
        guard let node = root.value("tables") else {
            root.missing("tables", "a list of tables")
            return nil
        }
        guard case .sequence = node, !items(node).isEmpty else {
            reader.error(node, "`tables` must be a non-empty list of tables")
            return nil
        }
        var tables: [TableSpec] = []
        var ok = true
        for (i, item) in items(node).enumerated() {
            guard let m = reader.mapping(item, path: "tables[\(i)]") else { ok = false; continue }
            let name = m.string("name")
            let type = m.string("type", allowed: ["distributed", "reference"])
            if type == nil {
                // Unknown type: accept either kind's keys, so only the type is reported.
                for key in ["size_mib", "distribution_column_type", "colocate_with", "shard_count", "data_share"] { _ = m.value(key) }
            }
            // true (a primary key or replica identity index), false (none), or full: REPLICA
            // IDENTITY FULL without a primary key, so logical apply finds rows by scanning.
            var identity: Bool? = true, fullIdentity = false
            if let v = m.value("replica_identity") {
                if v.string == "full" { fullIdentity = true } else if let b = v.bool { identity = b } else {
                    reader.error(v, "`tables[\(i)].replica_identity` must be true, false or full (REPLICA IDENTITY FULL without a primary key)")
                    identity = nil
                }
            }
            let indexes = m.integer("secondary_indexes", in: 0...1_000, default: 0)
            let rowBytes = m.number("row_bytes", in: 1...1e9, default: 200)
            var spec: TableSpec?
            if let name, let type {
                if tables.contains(where: { $0.name == name }) { reader.error(m.value("name"), "duplicate table name `\(name)`") }
                if type == "reference" {
                    if let size = m.number("size_mib", in: 0...1e9, default: 10) { spec = TableSpec(name: name, kind: .reference, referenceBytes: size * mib) }
                } else {
                    let column = m.string("distribution_column_type", allowed: ["smallint", "int", "integer", "bigint", "text", "varchar", "uuid"], default: "bigint")
                    var colocate = m.string("colocate_with", default: "")
                    if let c = colocate, !c.isEmpty, !tables.contains(where: { $0.name == c && $0.kind == .distributed }) {
                        reader.error(m.value("colocate_with"), "`tables[\(i)].colocate_with` must name a distributed table listed before `\(name)`")
                        colocate = nil
                    }
                    let shards = m.value("shard_count") == nil ? Int?.none : m.integer("shard_count", in: 1...64_000)
                    let share = m.number("data_share", in: 0...1, default: 1)
                    if let column, let colocate, let share, m.value("shard_count") == nil || shards != nil {
                        spec = TableSpec(name: name, kind: .distributed, columnType: column, colocateWith: colocate.isEmpty ? nil : colocate, shardCount: shards, dataShare: share)
                    }
                }
            }
            m.finish()
            if var spec, let identity, let indexes, let rowBytes {
                spec.hasReplicaIdentity = identity
                spec.replicaIdentityFull = fullIdentity
                spec.secondaryIndexes = indexes
                spec.rowBytes = rowBytes
                tables.append(spec)
            } else { ok = false }
        }
        return ok ? tables : nil
    }

    static func readTenants(_ m: YAMLMapping) -> TenantPopulation? {
        if let huge = beyond(m, "count", limit: 10_000_000) {
            m.reader.error(m.value("count"), "`tenants.count` is \(huge.text): \(ResourceEstimate.text(bytes: ResourceEstimate.tenantBytes(huge.value))) of memory for the tenants alone (about \(Int(ResourceEstimate.bytesPerTenant)) bytes each per table); this build simulates up to 10,000,000 tenants. Model the largest tenants explicitly (`largest`) and scale the rest down")
            return nil
        }
        let count = m.integer("count", in: 1...10_000_000)
        let total = m.number("total_size_gib", in: 0...1e9)
        let sizeZipf = m.number("size_zipf", in: 0...10, default: 1)
        let activityZipf = m.number("activity_zipf", in: 0...10, default: 1)
        var overrides: [TenantPopulation.Override] = []
        var ok = true
        if let list = m.value("largest") {
            if case .sequence = list {
                for (i, item) in items(list).enumerated() {
                    guard let o = m.reader.mapping(item, path: "tenants.largest[\(i)]") else { ok = false; continue }
                    let rank = o.integer("rank", in: 1...10_000_000)
                    let size = o.value("size_gib") == nil ? nil : o.number("size_gib", in: 0...1e9)
                    let share = o.value("activity_share") == nil ? nil : o.number("activity_share", in: 0...1)
                    o.finish()
                    if let rank { overrides.append(.init(rank: rank, sizeBytes: size.map { $0 * gib }, activityShare: share)) } else { ok = false }
                }
            } else {
                m.reader.error(list, "`tenants.largest` must be a list of {rank, size_gib, activity_share}")
                ok = false
            }
        }
        m.finish()
        guard ok, let count, let total, let sizeZipf, let activityZipf else { return nil }
        do {
            return try TenantPopulation(count: count, totalBytes: total * gib, sizeExponent: sizeZipf, activityExponent: activityZipf, overrides: overrides)
        } catch let e as ParameterError {
            m.reader.error(m.value("largest") ?? m.node, e.description)
            return nil
        } catch {
            m.reader.error(m.node, "\(error)")
            return nil
        }
    }

    /// `tables` is nil when the tables section had errors (then class tables are not checked);
    /// `across_schemas` classes need `schemaBased` (citus.enable_schema_based_sharding).
    static func readWorkload(_ m: YAMLMapping, tenants: TenantPopulation, tables: [TableSpec]?, schemaBased: Bool) -> WorkloadSpec? {
        let reader = m.reader
        var arrivals: WorkloadSpec.Arrivals?
        var finish: Bool? = false
        let open = m.mapping("arrivals", required: false), closed = m.mapping("clients", required: false)
        switch (open, closed) {
        case (let a?, nil): arrivals = readOpen(a)
        case (nil, let c?):
            let count = c.integer("count", in: 1...1_000_000)
            let think = c.mapping("think_time").flatMap(DistributionReader.read)
            finish = c.string("at_end", allowed: ["stop", "finish"], default: "stop").map { $0 == "finish" }
            c.finish()
            if let count, let think { arrivals = .closed(clients: count, think: think) }
        case (_?, _?):
            reader.error(m.value("clients"), "give either `workload.arrivals` (open loop) or `workload.clients` (closed loop), not both")
        case (nil, nil):
            reader.error(m.node, "missing `workload.arrivals` (open loop: rate_per_second, sessions) or `workload.clients` (closed loop: count, think_time)")
        }
        let databases = m.integer("databases", in: 1...1_000, default: 1)
        var classes: [QueryClass] = []
        var ok = true
        if let node = m.value("classes"), case .sequence = node, !items(node).isEmpty {
            for (i, item) in items(node).enumerated() {
                guard let c = reader.mapping(item, path: "workload.classes[\(i)]") else { ok = false; continue }
                if let q = QueryClassReader.read(c, tables: tables) {
                    if classes.contains(where: { $0.name == q.name }) { reader.error(c.value("name"), "duplicate class name `\(q.name)`"); ok = false }
                    if q.kind == .acrossSchemas && !checkAcrossSchemas(q, c, tenants: tenants, schemaBased: schemaBased, databases: databases ?? 1, databasesNode: m.value("databases")) { ok = false }
                    classes.append(q)
                } else { ok = false }
            }
        } else {
            reader.error(m.value("classes") ?? m.node, "`workload.classes` must be a non-empty list of query classes")
            ok = false
        }
        m.finish()
        guard ok, let arrivals, let databases, let finish else { return nil }
        var workload = WorkloadSpec(tenants: tenants, classes: classes, arrivals: arrivals, databases: databases)
        workload.clientsFinishAtEnd = finish
        if workload.sessions < databases {
            reader.error(m.value("databases"), "`workload.databases` (\(databases)) needs at least one client session per database; there are \(workload.sessions)")
            return nil
        }
        return workload
    }

    /// An `across_schemas` class reads tenant schemas: it needs schema-based sharding, at most
    /// as many schemas as there are tenants, and one database (schemas of one database).
    static func checkAcrossSchemas(_ q: QueryClass, _ c: YAMLMapping, tenants: TenantPopulation, schemaBased: Bool, databases: Int, databasesNode: Node?) -> Bool {
        if !schemaBased {
            c.reader.error(c.value("kind"), "class `\(q.name)` is across_schemas, which reads tenant schemas: set `citus.enable_schema_based_sharding: true` (with row-based sharding, a query over many tenants is `multi_shard`)")
            return false
        }
        if q.schemasPerQuery > tenants.count {
            c.reader.error(c.value("schemas"), "`\(c.qualified("schemas"))` is \(q.schemasPerQuery); there are \(tenants.count) tenant schemas")
            return false
        }
        if databases > 1 {
            c.reader.error(databasesNode, "across_schemas class `\(q.name)` reads schemas of one database; `workload.databases` must be 1 with it")
            return false
        }
        return true
    }

    static func readOpen(_ a: YAMLMapping) -> WorkloadSpec.Arrivals? {
        let rate = a.number("rate_per_second", in: 0...1e9, lowerExclusive: true)
        let sessions = a.integer("sessions", in: 1...1_000_000, default: 100)
        var curve: RateCurve?
        let step = a.mapping("step", required: false), ramp = a.mapping("ramp", required: false), diurnal = a.mapping("diurnal", required: false)
        if [step, ramp, diurnal].compactMap({ $0 }).count > 1 {
            a.reader.error(a.node, "give at most one of `step`, `ramp`, `diurnal` in `workload.arrivals`")
        } else if let rate {
            if let s = step {
                let at = seconds(s, "at"), to = s.number("rate_per_second", in: 0...1e9)
                s.finish()
                if let at, let to { curve = .step(before: rate, after: to, at: at) }
            } else if let r = ramp {
                let start = seconds(r, "start", allowZero: true), end = seconds(r, "end"), to = r.number("to_rate_per_second", in: 0...1e9)
                r.finish()
                if let start, let end, let to {
                    if end <= start { r.reader.error(r.value("end"), "`workload.arrivals.ramp.end` must be after `start`") } else { curve = .ramp(from: rate, to: to, start: start, end: end) }
                }
            } else if let d = diurnal {
                let amplitude = d.number("amplitude", in: 0...1), period = seconds(d, "period", default: 86_400), peak = seconds(d, "peak_at", default: 14 * 3_600, allowZero: true)
                d.finish()
                if let amplitude, let period, let peak { curve = .diurnal(mean: rate, amplitude: amplitude, period: period, peakAt: peak) }
            } else {
                curve = .constant(rate)
            }
        }
        a.finish()
        guard let curve, let sessions else { return nil }
        return .open(curve, sessions: sessions)
    }
}
