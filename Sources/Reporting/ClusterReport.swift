import Advisor
import Experiments
import Scenario
import SimCore
import Simulation
import TextFormat
import Workload

/// The files of a `kind: cluster` scenario's results (summary, classes, nodes, tenants, time
/// series, operations and report.html), formatted from its replications.
public struct ClusterReport {
    /// The replications this report formats.
    public var experiment: ClusterExperiment

    public init(_ experiment: ClusterExperiment) { self.experiment = experiment }

    public var scenario: ClusterScenario { experiment.scenario }
    public var intervals: [(name: String, interval: ConfidenceInterval)] { experiment.intervals }
    public var first: ClusterRunResult { experiment.first }
    public var events: UInt64 { experiment.events }
    public var layout: SimulationLayout { experiment.layout }

    func interval(_ name: String) -> ConfidenceInterval? { intervals.first { $0.name == name }?.interval }

    /// Figures named `<prefix>.<metric>`, as (metric, interval), in order.
    func figures(of prefix: String) -> [(String, ConfidenceInterval)] {
        intervals.compactMap { name, ci in name.hasPrefix(prefix + ".") ? (String(name.dropFirst(prefix.count + 1)), ci) : nil }
    }

    /// Nodes in the order of the CPU series: the first coordinator, the workers, the
    /// coordinators the timeline adds. A coordinator with shards is also shard node 0.
    var nodeNames: [String] { ["coordinator"] + first.workerNames.dropFirst(1 - nodeOffset) + first.coordinatorNames.dropFirst() }
    /// Node `i` of `nodeNames` as a shard-node (worker) index, nil for a coordinator without shards.
    func workerIndex(ofNode i: Int) -> Int? { (0..<first.workerNames.count).contains(i - nodeOffset) ? i - nodeOffset : nil }
    /// Node index of shard node 0: 0 when the coordinator holds shards, else 1.
    var nodeOffset: Int { scenario.cluster.coordinatorHasShards ? 0 : 1 }
    func isCoordinator(_ node: String) -> Bool { first.coordinatorNames.contains(node) }

    /// The scenario's objectives against this run (met when the interval's upper end is within the target).
    public var sloResults: [SLOCheck] { scenario.slo.checks(interval, severalCoordinators: first.coordinatorNames.count > 1) }

    // MARK: Files

    /// All output files, in a fixed order.
    public var files: [(name: String, contents: String)] {
        var out = [("summary.json", json), ("summary.csv", summaryCSV), ("classes.csv", classesCSV), ("nodes.csv", nodesCSV),
                   ("tenants.csv", tenantsCSV(limit: 100)), ("timeseries_classes.csv", seriesClassesCSV), ("timeseries_nodes.csv", seriesNodesCSV)]
        if scenario.citus.statTenantsTrack { out.append(("stat_tenants.csv", statTenantsCSV)) }
        if scenario.citus.statStatementsTrack { out.append(("stat_statements.csv", statStatementsCSV)) }
        if !scenario.run.watchTenants.isEmpty { out.append(("timeseries_tenants.csv", seriesTenantsCSV)) }
        out.append(("report.html", ClusterReportPage(report: self).html))
        if operationLog != nil {
            out += [("operations.csv", operationsCSV), ("transfers.csv", transfersCSV), ("tasks.csv", tasksCSV), ("messages.csv", messagesCSV)]
        }
        out += metadataAfterFiles
        return out
    }

    static func cells(_ ci: ConfidenceInterval) -> [CSVWriter.Cell] {
        [.number(ci.mean, digits: 6), .number(ci.lower, digits: 6), .number(ci.upper, digits: 6)]
    }

    var summaryCSV: String {
        var w = CSVWriter(columns: ["metric", "mean", "ci_low", "ci_high", "confidence", "replications"])
        for (name, ci) in intervals {
            w.appendRow([.text(name)] + Self.cells(ci) + [.number(ci.level, digits: 3), .integer(Int64(ci.count))])
        }
        return w.text
    }

    static let classColumns = ["throughput_per_second", "latency_mean_ms", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_p99_9_ms",
                               "latency_max_ms", "service_mean_ms", "timeouts", "errors", "session_waits"]
    static let nodeColumns = ["cpu_utilization", "cpu_run_queue_mean", "disk_utilization", "nic_in_utilization", "nic_out_utilization", "cache_hit_ratio", "connections_mean", "connections_peak",
                              "max_connections", "shared_pool_waits", "shared_pool_waiters_mean", "shared_pool_wait_seconds",
                              "optional_connections_skipped", "connections_refused", "connections_opened", "memory_peak_gib", "memory_limit_gib",
                              "out_of_memory_refusals", "out_of_memory_errors"]

    /// One row per class: the mean of each figure (intervals are in summary.csv).
    var classesCSV: String {
        var w = CSVWriter(columns: ["class", "kind", "share"] + Self.classColumns)
        for c in scenario.workload.classes {
            let f = figures(of: c.name)
            w.appendRow([.text(c.name), .text(c.kind.rawValue), .number(c.share, digits: 4)]
                        + Self.classColumns.map { col in f.first { $0.0 == col }.map { .number($0.1.mean, digits: 4) } ?? .text("") })
        }
        return w.text
    }

    var nodesCSV: String {
        var w = CSVWriter(columns: ["node", "data_gib"] + Self.nodeColumns)
        for (i, node) in nodeNames.enumerated() {
            let f = figures(of: node)
            let data = workerIndex(ofNode: i).map { $0 < layout.workerBytes.count ? layout.workerBytes[WorkerIndex($0)] / 1_073_741_824 : 0 } ?? 0
            w.appendRow([.text(node), .number(data, digits: 3)] + Self.nodeColumns.map { col in f.first { $0.0 == col }.map { .number($0.1.mean, digits: 4) } ?? .text("") })
        }
        return w.text
    }

    var seriesClassesCSV: String {
        // With a timeline, two columns mark the operation windows.
        let marks = operationLog != nil
        // An interval without a completed query has no percentile: its cells are empty, and the
        // requests still waiting (and the oldest one's age) say what the interval was like.
        var w = CSVWriter(columns: ["time_s", "class", "throughput_per_second", "latency_p50_ms", "latency_p99_ms", "timeouts", "waiting", "oldest_waiting_ms"]
                          + (marks ? ["transfers_running", "write_blocked_groups"] : []))
        for row in first.measurements.series {
            for (c, cls) in scenario.workload.classes.enumerated() {
                let none = row.completed[c] == 0
                w.appendRow([.number(row.timeSeconds, digits: 3), .text(cls.name), .number(row.throughput[c], digits: 3),
                             none ? .text("") : .number(row.p50Ms[c], digits: 3), none ? .text("") : .number(row.p99Ms[c], digits: 3),
                             .integer(Int64(row.timeouts[c])), .integer(Int64(row.waiting[c])), .number(row.oldestWaitingMs[c], digits: 1)]
                            + (marks ? [.integer(Int64(row.transfersRunning)), .integer(Int64(row.writeBlockedGroups))] : []))
            }
        }
        return w.text
    }

    /// Watched tenants and their initial worker neighbours, per sample interval (first replication).
    var seriesTenantsCSV: String {
        var w = CSVWriter(columns: ["time_s", "tenant_rank", "group", "queries_per_second", "latency_p50_ms", "latency_p99_ms"])
        for row in first.measurements.series {
            for (k, rank) in scenario.run.watchTenants.enumerated() where 2 * k + 1 < row.watchP99Ms.count {
                for (g, label) in [(2 * k, "tenant"), (2 * k + 1, "neighbours")] {
                    w.appendRow([.number(row.timeSeconds, digits: 3), .integer(Int64(rank)), .text(label), .number(row.watchThroughput[g], digits: 3),
                                 .number(row.watchP50Ms[g], digits: 3), .number(row.watchP99Ms[g], digits: 3)])
                }
            }
        }
        return w.text
    }

    var seriesNodesCSV: String {
        var w = CSVWriter(columns: ["time_s", "node", "cpu_utilization", "disk_utilization", "connections", "shared_pool_in_use", "sessions_in_use", "session_waiters",
                                    "memory_gib"])
        for row in first.measurements.series {
            for (i, node) in nodeNames.enumerated() {
                let worker = workerIndex(ofNode: i)
                w.appendRow([.number(row.timeSeconds, digits: 3), .text(node), .number(row.cpuUtilization[i], digits: 4),
                             worker.map { .number(row.diskUtilization[$0], digits: 4) } ?? .text(""),
                             worker.map { .integer(Int64(row.connections[$0])) } ?? .text(""),
                             worker.map { .integer(Int64(row.sharedPoolInUse[$0])) } ?? .text(""),
                             .integer(Int64(row.sessionsInUse)), .integer(Int64(row.sessionWaiters)),
                             i < row.memoryGiB.count ? .number(row.memoryGiB[i], digits: 4) : .text("")])
            }
        }
        return w.text
    }

    /// The tenant's distribution value as Citus shows it (`tenant_attribute`).
    func tenantAttribute(_ tenant: Int) -> String {
        // citus_stat_tenants names a schema-based tenant by its schema.
        if scenario.citus.schemaBasedSharding { return SimulationLayout.tenantSchema(rank: tenant + 1) }
        let type = scenario.tables.first { $0.kind == .distributed }?.columnType ?? "bigint"
        return ["text", "varchar"].contains(type) ? "tenant-\(tenant + 1)" : String(tenant + 1)
    }

    /// citus_stat_tenants over the measured window: the top `stat_tenants_limit` tenants by queries.
    var statTenantsCSV: String { tenantsCSV(limit: scenario.citus.statTenantsLimit) }

    /// The `limit` tenants with the most queries in the measured window (first replication):
    /// attribute, colocation, node, reads, writes, queries, worker CPU seconds.
    /// Tenants with queries, most queries first (ties by rank), at most `limit`.
    func busiestTenants(limit: Int) -> ArraySlice<Int> {
        let m = first.measurements
        return (0..<m.tenantCounts.count).filter { m.tenantCounts[$0].queries > 0 }
            .sorted { a, b in
                let qa = m.tenantCounts[a].queries, qb = m.tenantCounts[b].queries
                return qa != qb ? qa > qb : a < b
            }.prefix(limit)
    }

    func tenantsCSV(limit: Int) -> String {
        let m = first.measurements
        var w = CSVWriter(columns: ["tenant_attribute", "colocation_id", "nodename", "read_count", "write_count", "query_count", "cpu_usage_seconds"])
        for t in busiestTenants(limit: limit) {
            let (group, node) = tenantPlacement(t)
            w.appendRow([.text(tenantAttribute(t)), .integer(group), .text(node), .integer(Int64(m.tenantCounts[t].reads)),
                         .integer(Int64(m.tenantCounts[t].writes)), .integer(Int64(m.tenantCounts[t].queries)), .number(m.tenantCounts[t].cpuSeconds, digits: 6)])
        }
        return w.text
    }

    /// Tenant `t`'s colocation group and node (by the first distributed table) at the start of
    /// the run; a schema-based tenant that joined during the run: its schema's group and the
    /// node it was placed on (from the metadata at the end). Shown in tenants.csv and the page.
    func tenantPlacement(_ t: Int) -> (colocation: Int64, node: String) {
        let table = scenario.tables.firstIndex { $0.kind == .distributed } ?? 0
        let worker = layout.worker(table: table, tenant: TenantIndex(t)).index
        var node = worker >= 0 ? first.workerNames[worker] : ""
        guard scenario.citus.schemaBasedSharding else {
            return (Int64(layout.state.table(scenario.tables[table].name)?.colocationID.rawValue ?? 0), node)
        }
        let state = worker >= 0 ? layout.state : first.metadataAfter ?? layout.state
        let schema = state.tenantSchema(named: SimulationLayout.tenantSchema(rank: t + 1))
        if worker < 0, let g = schema?.colocationID,
           let placed = state.tables(in: g).first.flatMap({ state.shards(of: $0.name).first }).flatMap({ state.placements(of: $0.id).first }) {
            node = state.node(placed.node)?.name ?? ""
        }
        return (Int64(schema?.colocationID.rawValue ?? 0), node)
    }

    /// citus_stat_statements: calls per class and executor; single-tenant classes also per
    /// partition key, the 50,000 most called (citus.stat_statements_max).
    var statStatementsCSV: String {
        var w = CSVWriter(columns: ["query", "executor", "partition_key", "calls"])
        for r in statStatementsRows.prefix(50_000) { w.appendRow([.text(r.query), .text(r.executor), .text(r.key), .integer(r.calls)]) }
        return w.text
    }

    /// Like `citus_stat_statements` (first replication): one row per class, executor and partition
    /// key (router classes per tenant), most calls first.
    var statStatementsRows: [(query: String, executor: String, key: String, calls: Int64)] {
        let m = first.measurements
        var rows: [(query: String, executor: String, key: String, calls: Int64, order: (Int, Int))] = []
        for (c, cls) in scenario.workload.classes.enumerated() {
            let executor = cls.kind == .insertSelectCoordinator ? "insert-select" : "adaptive"
            if cls.isSingleTenant && !m.routerCallsByTenant[c].isEmpty {
                for (t, calls) in m.routerCallsByTenant[c].enumerated() where calls > 0 {
                    rows.append((cls.name, executor, tenantAttribute(t), Int64(calls), (c, t)))
                }
            } else {
                rows.append((cls.name, executor, "", Int64(m.completed[c] + m.timeouts[c] + m.errors[c]), (c, -1)))
            }
        }
        rows.sort { $0.calls != $1.calls ? $0.calls > $1.calls : $0.order < $1.order }
        return rows.map { ($0.query, $0.executor, $0.key, $0.calls) }
    }

    /// An interval as summary.json writes it.
    static func ciJSON(_ c: ConfidenceInterval) -> JSONValue {
        .object([("mean", .number(c.mean, digits: 6)), ("ci_low", .number(c.lower, digits: 6)), ("ci_high", .number(c.upper, digits: 6))])
    }

    /// An objective as summary.json and advice.json write it.
    static func sloJSON(_ s: SLOCheck) -> JSONValue {
        .object([("objective", .string(s.objective)), ("metric", .string(s.metric)), ("target", .number(s.target, digits: 6)),
                 ("unit", .string(s.unit == "%" ? "fraction" : s.unit)), ("measured", ciJSON(s.measured)), ("met", .bool(s.met))])
    }

    var json: String {
        let ci = Self.ciJSON
        let run: [(String, JSONValue)] = ["throughput_per_second", "timeout_rate", "error_rate", "single_tenant_share", "sessions_in_use_mean"]
            .compactMap { n in interval(n).map { (n, ci($0)) } }
        let classes: [JSONValue] = scenario.workload.classes.map { c in
            .object([("name", .string(c.name)), ("kind", .string(c.kind.rawValue))] + figures(of: c.name).map { ($0.0, ci($0.1)) })
        }
        let nodes: [JSONValue] = nodeNames.map { n in .object([("name", .string(n))] + figures(of: n).map { ($0.0, ci($0.1)) }) }
        let slo: [JSONValue] = sloResults.map(Self.sloJSON)
        return JSONValue.object([
            ("scenario", .string(scenario.name)), ("kind", .string("cluster")),
            ("seed", .string(String(scenario.run.seed))), ("replications", .integer(Int64(scenario.run.replications))),
            ("confidence", .number(scenario.run.confidence, digits: 3)),
            ("duration_seconds", .number(scenario.run.duration.seconds, digits: 3)), ("warmup_seconds", .number(scenario.run.warmup.seconds, digits: 3)),
            ("cluster", .object([("workers", .integer(Int64(scenario.cluster.workerCount))), ("worker_cores", .integer(Int64(scenario.cluster.worker.cores))),
                                 ("shard_count", .integer(Int64(scenario.citus.shardCount))), ("tenants", .integer(Int64(scenario.workload.tenants.count)))])),
            ("run", .object(run)), ("classes", .array(classes)), ("nodes", .array(nodes)), ("slo", .array(slo)),
            ("events", .integer(Int64(events))),
        ] + (operationLog == nil ? [] : [("operations", operationsJSON)])).render()
    }

    /// A short table for the terminal; with `color`, SLO verdicts in green or red (ANSI).
    public func terminalSummary(color: Bool = false) -> String {
        let sizes = scenario.cluster.workerGroups.map { "\($0.count) workers x \($0.node.cores) cores" }.joined(separator: " + ")
        let data = scenario.citus.schemaBasedSharding
            ? "\(scenario.workload.tenants.count) tenant schemas (one shard per table each)"
            : "\(scenario.citus.shardCount) shards, \(scenario.workload.tenants.count) tenants"
        var lines = ["\(scenario.name): \(sizes), \(data), \(scenario.run.replications) replications"]
        if let t = interval("throughput_per_second") { lines.append("throughput  \(NumberFormat.fixed(t.mean, 1)) ± \(NumberFormat.fixed(t.halfWidth, 1)) queries/s") }
        let rows = scenario.workload.classes.map { c -> [String] in
            let v = { (n: String) in self.interval("\(c.name).\(n)").map { NumberFormat.fixed($0.mean, 2) } ?? "" }
            return [c.name, v("throughput_per_second"), v("latency_p50_ms"), v("latency_p99_ms"), v("timeouts"), v("errors")]
        }
        lines.append(TextTable.render(header: ["class", "per_s", "p50_ms", "p99_ms", "timeouts", "errors"], rows: rows).trimmingTrailingNewline)
        let nodeRows = nodeNames.map { n -> [String] in
            let v = { (m: String) in self.interval("\(n).\(m)").map { NumberFormat.fixed($0.mean, 3) } ?? "" }
            return [n, v("cpu_utilization"), v("disk_utilization"), v("cache_hit_ratio"), v("connections_mean"), v("shared_pool_waiters_mean")]
        }
        lines.append(TextTable.render(header: ["node", "cpu", "disk", "cache_hit", "conns", "pool_waiters"], rows: nodeRows).trimmingTrailingNewline)
        for n in nodeNames {
            guard let refused = interval("\(n).out_of_memory_refusals"), refused.mean > 0 else { continue }
            let v = { (m: String, digits: Int) in self.interval("\(n).\(m)").map { NumberFormat.fixed($0.mean, digits) } ?? "?" }
            lines.append("\(n): \(NumberFormat.fixed(refused.mean, 0)) connections refused: out of memory (shared_buffers and \(v("connections_peak", 0)) backends at the peak take \(v("memory_peak_gib", 2)) of the \(v("memory_limit_gib", 2)) GiB its RAM leaves after the OS)")
        }
        for n in nodeNames {
            guard let failed = interval("\(n).out_of_memory_errors"), failed.mean > 0 else { continue }
            let held = isCoordinator(n) ? "result tuplestores and combine nodes" : "sort and hash nodes' work_mem"
            lines.append("\(n): \(NumberFormat.fixed(failed.mean, 0)) queries failed: out of memory (their \(held) would not fit beside the \(interval("\(n).memory_limit_gib").map { NumberFormat.fixed($0.mean, 2) } ?? "?") GiB its RAM leaves after the OS)")
        }
        for s in sloResults {
            let verdict = s.met ? "met" : "NOT met"
            lines.append("SLO \(s.objective) <= \(s.targetText): \(color ? "\u{1B}[\(s.met ? "32" : "1;31")m\(verdict)\u{1B}[0m" : verdict) (\(s.measuredText))")
        }
        lines += operationsSummary
        return lines.joined(separator: "\n")
    }
}

extension String {
    var trimmingTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
