import Advisor
import Mustache
import Scenario
import SimCore
import Simulation
import TextFormat
import Workload

/// `report.html`: one self-contained page for a capacity review (no network requests, inline
/// SVG charts, print styles). Text from the scenario goes through Mustache's `{{ }}` escaping;
/// charts are built as SVG strings with `HTMLText.escape` on every label and inserted with
/// `{{{ }}}`.
struct ClusterReportPage {
    let report: ClusterReport
    /// An HTML fragment (already escaped) placed after the verdict: the advisor's section.
    var advice: String? = nil

    var html: String {
        do {
            let template = try MustacheTemplate(string: Self.template)
            // The page says how many charts it holds, so the render check can count them drawn.
            let page = template.render(context)
            let charts = page.components(separatedBy: "<svg ").count - 1
            return page.replacingOccurrences(of: "<!--charts-->", with: "<meta name=\"citus-sim-charts\" content=\"\(charts)\">")
        } catch {
            preconditionFailure("report template does not parse: \(error)")
        }
    }

    // MARK: Context

    func f(_ v: Double, _ d: Int) -> String { NumberFormat.fixed(v, d) }

    func ci(_ name: String, _ digits: Int = 2) -> String {
        guard let c = report.interval(name) else { return "" }
        return c.count > 1 ? "\(f(c.mean, digits)) ± \(f(c.halfWidth, digits))" : f(c.mean, digits)
    }

    var context: [String: Any] {
        let s = report.scenario
        let gib = 1_073_741_824.0
        var arrivals = ""
        switch s.workload.arrivals {
        case .open(let curve, let sessions):
            // The peak with the timeline's rate changes, not only the scheduled curve's.
            let peak = report.peakOfferedRate, start = report.offeredRate(at: .zero)
            arrivals = "open loop, " + (peak > start * (1 + 1e-9) ? "\(f(start, 0)) queries/s at the start, \(f(peak, 0)) at most" : "\(f(curve.maximum, 0)) queries/s at most") + ", \(sessions) sessions"
        case .closed(let clients, let think): arrivals = "closed loop, \(clients) clients, mean think time \(f(think.mean * 1e3, 1)) ms"
        }
        let slo = report.sloResults
        let verdict = slo.isEmpty ? "No SLO given." : slo.allSatisfy(\.met) ? "Every objective is met." : "Not every objective is met: " + slo.filter { !$0.met }.map(\.missText).joined(separator: "; ") + "."
        var ctx: [String: Any] = [
            "name": s.name,
            "advice": advice ?? "",
            "hasAdvice": advice != nil,
            "hasLocalExecution": s.cluster.coordinatorHasShards,
            "workMem": Self.workMemSentence(s.workload.classes),
            "localExecution": s.cluster.coordinatorHasShards
                ? "The coordinator holds shards: its backends ran \(ci("coordinator.local_executions_per_second", 1)) shard tasks per second in-process (local execution, no connection); \(ci("coordinator.local_failovers", 0)) multi-shard pools found no loopback connection and failed over to running the coordinator's shards one at a time."
                : "",
            "style": Self.style,
            "verdict": verdict,
            "verdictClass": slo.isEmpty || slo.allSatisfy(\.met) ? "ok" : "bad",
            "glance": [
                ["key": s.cluster.coordinatorCount > 1 ? "Coordinators" : "Coordinator",
                 "value": (s.cluster.coordinatorCount > 1 ? "\(s.cluster.coordinatorCount) × " : "") + "\(s.cluster.coordinator.cores) cores, \(f(s.cluster.coordinator.memoryBytes / gib, 0)) GiB, max_connections \(s.cluster.coordinator.maxConnections)"
                    + (s.cluster.coordinatorHasShards ? "; holds shards (local execution, citus.local_shared_pool_size \(s.citus.localPoolLimit(coordinatorMaxConnections: s.cluster.coordinator.maxConnections)))" : "")
                    + (report.first.coordinatorNames.count > 1 ? "; the timeline adds \(report.first.coordinatorNames.dropFirst().joined(separator: ", ")) of the same size" : "")],
                ["key": "Workers", "value": s.cluster.workerGroups.map { g in
                    "\(g.count) × \(g.node.cores) cores, \(f(g.node.memoryBytes / gib, 0)) GiB (cache \(f(NodeMemory.cacheBytes(s, node: g.node) / gib, 0)) GiB), disk \(f(g.node.diskBytesPerSecond / 1e6, 0)) MB/s, \(f(g.node.diskIOPS, 0)) IOPS"
                }.joined(separator: "; then ") + workersAdded],
                ["key": "Network", "value": "\(f(s.cluster.networkLatency.seconds * 1e6, 0)) µs one way, TLS \(s.cluster.tls ? "on" : "off")"],
                ["key": "Tables", "value": s.tables.map { "\($0.name) (\($0.kind == .reference ? "reference" : s.citus.schemaBasedSharding ? "single-shard, in every tenant's schema" : "distributed"))" }.joined(separator: ", ")],
                ["key": "Tenants", "value": "\(s.workload.tenants.baseCount), \(f(s.workload.tenants.totalBytes / gib, 1)) GiB"
                    + (s.workload.tenants.count > s.workload.tenants.baseCount ? "; \(s.workload.tenants.count - s.workload.tenants.baseCount) more join during the run (timeline)" : "")],
                ["key": "Workload", "value": arrivals],
                ["key": "Changes during the run", "value": changesText],
                ["key": "Run", "value": "\(f(s.run.duration.seconds, 0)) s simulated, warm-up \(f(s.run.warmup.seconds, 0)) s, \(s.run.replications) replications, seed \(s.run.seed), \(Int(s.run.confidence * 100))% intervals"],
            ] as [[String: String]],
            "settings": settingsRows,
            "slo": slo.map { ["class": $0.objective, "target": $0.targetText, "p99": $0.measuredText, "met": $0.met ? "met" : "NOT met", "cls": $0.met ? "ok" : "bad"] },
            "classes": s.workload.classes.map { c in
                ["name": c.name, "kind": c.kind.rawValue, "throughput": ci("\(c.name).throughput_per_second", 1), "p50": ci("\(c.name).latency_p50_ms"),
                 "p99": ci("\(c.name).latency_p99_ms"), "p999": ci("\(c.name).latency_p99_9_ms"), "timeouts": ci("\(c.name).timeouts", 0), "errors": ci("\(c.name).errors", 0)]
            },
            "nodes": report.nodeNames.map { n in
                ["name": n, "cpu": ci("\(n).cpu_utilization", 3), "disk": ci("\(n).disk_utilization", 3), "hit": ci("\(n).cache_hit_ratio", 4),
                 "conns": ci("\(n).connections_mean", 1), "peak": ci("\(n).connections_peak", 0), "limit": ci("\(n).max_connections", 0),
                 "waits": ci("\(n).shared_pool_waits", 0), "refused": ci("\(n).connections_refused", 0),
                 "memory": ci("\(n).memory_peak_gib", 2), "memoryLimit": ci("\(n).memory_limit_gib", 2), "oom": ci("\(n).out_of_memory_refusals", 0), "oomErrors": ci("\(n).out_of_memory_errors", 0),
                 "nic": ci(report.isCoordinator(n) ? "\(n).nic_in_utilization" : "\(n).nic_out_utilization", 3)]
            },
            "latencyChart": latencyChart,
            "throughputChart": throughputChart,
            "cpuChart": cpuChart,
            "nodeHeatmaps": nodeHeatmaps,
            "connectionsChart": connectionsChart,
            "memoryChart": memoryChart,
            "tenantChart": tenantChart,
            "topTenants": topTenants,
            "tenantsTitle": report.scenario.citus.statTenantsTrack ? "citus_stat_tenants: the busiest tenants" : "The busiest tenants",
            "statStatements": report.scenario.citus.statStatementsTrack ? report.statStatementsRows.prefix(20).map { r in
                ["query": r.query, "executor": r.executor, "key": r.key, "calls": String(r.calls)]
            } : [],
        ]
        if let log = report.operationLog {
            ctx["hasOperations"] = true
            ctx["operations"] = log.operations.enumerated().map { i, op in
                ["n": String(i + 1), "line": String(op.line), "statement": op.label, "start": f(op.start.seconds, 1), "end": op.end.map { f($0.seconds, 1) } ?? "",
                 "duration": op.end.map { f(($0 - op.start).seconds, 1) } ?? "≥ \(f((SimTime.zero + s.run.duration - op.start).seconds, 1))",
                 "status": op.end == nil ? "\(op.status): did not finish within the run" : op.status, "gib": f(op.bytesCopied / gib, 2),
                 "blocked": f(op.writeBlockedGroupSeconds, 1), "error": op.error ?? "", "cls": op.status == "error" || op.end == nil ? "bad" : ""]
            }
            ctx["ganttChart"] = gantt(log)
            ctx["messages"] = log.messages.prefix(200).map { ["time": f($0.time.seconds, 1), "text": $0.text] }
        }
        return ctx
    }

    /// The run's changes in one line ("none" for a steady run).
    var changesText: String {
        let changes = report.runChanges
        guard !changes.isEmpty else { return "none: the figures describe one steady phase" }
        let list = changes.map { "at \(f($0.seconds, 0)) s: \($0.text)" }.joined(separator: "; ")
        return list + (changes.contains(where: \.changesRate) ? ". The figures below average these phases; the charts show each interval." : ".")
    }

    /// "; the timeline adds worker-5, worker-6 (7 workers from 120 s)" when it adds workers.
    var workersAdded: String {
        let ops = (report.operationLog?.operations ?? []).filter { $0.workerChange > 0 }
        guard let last = ops.last?.end else { return "" }
        let n = report.workerCount(at: last)
        return "; the timeline adds \(ops.count) worker\(ops.count == 1 ? "" : "s") of the first group's size (\(n) workers from \(f(last.seconds, 0)) s)"
    }

    /// Citus settings that differ from Citus's defaults.
    var settingsRows: [[String: String]] {
        let c = report.scenario.citus, d = CitusSpec()
        var rows: [[String: String]] = []
        func add(_ name: String, _ value: String, _ fallback: String) { if value != fallback { rows.append(["key": name, "value": value, "default": fallback]) } }
        add("citus.shard_count", String(c.shardCount), String(d.shardCount))
        add("citus.max_adaptive_executor_pool_size", String(c.maxAdaptiveExecutorPoolSize), String(d.maxAdaptiveExecutorPoolSize))
        add("citus.max_shared_pool_size", String(c.maxSharedPoolSize), String(d.maxSharedPoolSize))
        add("citus.max_cached_conns_per_worker", String(c.maxCachedConnsPerWorker), String(d.maxCachedConnsPerWorker))
        add("citus.executor_slow_start_interval", "\(f(c.executorSlowStartInterval.seconds * 1e3, 0)) ms", "\(f(d.executorSlowStartInterval.seconds * 1e3, 0)) ms")
        add("statement_timeout", c.statementTimeout.map { "\(f($0.seconds * 1e3, 0)) ms" } ?? "off", "off")
        add("citus.force_max_query_parallelization", String(c.forceMaxQueryParallelization), String(d.forceMaxQueryParallelization))
        add("citus.multi_shard_modify_mode", c.sequentialModifications ? "sequential" : "parallel", "parallel")
        add("max_worker_processes", String(c.maxWorkerProcesses), String(d.maxWorkerProcesses))
        add("citus.distributed_deadlock_detection_factor", c.deadlockDetection ? "on" : "-1 (off)", "on")
        return rows
    }

    // MARK: Charts

    var series: [SeriesRow] { report.first.measurements.series }

    /// Operation windows: each transfer from start to end.
    var bands: [(from: Double, to: Double, label: String)] {
        (report.operationLog?.transfers ?? []).compactMap { t in
            t.end.map { (t.start.seconds, $0.seconds, "\(t.kind) \(t.source) → \(t.target)") }
        }
    }

    var latencyChart: String {
        let classes = report.scenario.workload.classes
        // No completed query in an interval: no p99, a gap in the line. Where a class had such an
        // interval while its requests waited (blocked writes), the oldest waiting request's age
        // is drawn dashed, so the gap does not read as "fast".
        let p99 = classes.indices.map { c in
            SVGLineChart.Series(name: classes[c].name, points: series.map { ($0.timeSeconds, $0.completed[c] > 0 ? $0.p99Ms[c] : .nan) })
        }
        let stalled = classes.indices.filter { c in series.contains { $0.completed[c] == 0 && $0.waiting[c] > 0 } }
        let waiting = stalled.map { c in
            SVGLineChart.Series(name: "\(classes[c].name): oldest waiting", points: series.map { ($0.timeSeconds, $0.waiting[c] > 0 ? $0.oldestWaitingMs[c] : .nan) }, dashed: true)
        }
        return SVGLineChart(title: "Latency p99 per sample interval (shaded: operations running; gaps: no query completed)", xLabel: "simulated time (s)",
                            yLabel: "p99 latency (ms)", series: p99 + waiting, bands: bands, logY: true).svg
    }

    var throughputChart: String {
        let classes = report.scenario.workload.classes
        let interval = report.scenario.run.sampleInterval.seconds
        // Timeouts per second for the classes that had any (statement_timeout cancellations).
        let timeouts = classes.indices.filter { c in series.contains { $0.timeouts[c] > 0 } }.map { c in
            SVGLineChart.Series(name: "\(classes[c].name) timeouts", points: series.map { ($0.timeSeconds, Double($0.timeouts[c]) / interval) })
        }
        return SVGLineChart(title: timeouts.isEmpty ? "Throughput per class" : "Throughput and timeouts per class", xLabel: "simulated time (s)",
                            yLabel: "queries per second",
                            series: classes.indices.map { c in .init(name: classes[c].name, points: series.map { ($0.timeSeconds, $0.throughput[c]) }) } + timeouts,
                            bands: bands).svg
    }

    var cpuChart: String {
        SVGLineChart(title: "CPU utilisation per node", xLabel: "simulated time (s)", yLabel: "CPU busy (%)",
                     series: report.nodeNames.indices.map { i in .init(name: report.nodeNames[i], points: series.map { ($0.timeSeconds, $0.cpuUtilization[i] * 100) }) },
                     bands: bands).svg
    }

    /// CPU and disk busy per node and interval as heatmaps (coordinator first; disk for workers).
    var nodeHeatmaps: String {
        let times = series.map(\.timeSeconds)
        let cpu = SVGHeatmap(title: "CPU busy per node and interval", rows: report.nodeNames.indices.map { i in
            (report.nodeNames[i], series.map { $0.cpuUtilization[i] })
        }, times: times, fullScale: "100% busy")
        let workers = report.first.workerNames
        let disk = SVGHeatmap(title: "Disk busy per worker and interval", rows: workers.indices.map { w in
            (workers[w], series.map { w < $0.diskUtilization.count ? $0.diskUtilization[w] : 0 })
        }, times: times, fullScale: "100% busy")
        return cpu.svg + disk.svg
    }

    var connectionsChart: String {
        let workers = report.first.workerNames
        let c = report.scenario.cluster
        let limits = c.coordinatorHasShards ? "workers' max_connections \(c.worker.maxConnections), the coordinator's loopback connections within its \(c.coordinator.maxConnections)"
            : "max_connections \(c.worker.maxConnections)"
        return SVGLineChart(title: "Connections in use per worker (\(limits))", xLabel: "simulated time (s)",
                            yLabel: "backends", series: workers.indices.map { w in .init(name: workers[w], points: series.map { ($0.timeSeconds, Double($0.connections[w])) }) },
                            bands: bands).svg
    }

    /// Each node's memory envelope per interval (shared_buffers and its backends at the
    /// interval's peak), beside the RAM each may use (dashed: one line per distinct limit).
    var memoryChart: String {
        let names = report.nodeNames
        let limits = names.map { report.interval("\($0).memory_limit_gib")?.mean }
        var dashed: [SVGLineChart.Series] = []
        for (i, limit) in limits.enumerated() {
            guard let limit, !limits[..<i].contains(limit) else { continue }
            let who = names.indices.filter { limits[$0] == limit }
            let label = who.count == names.count ? "all" : who.allSatisfy { report.workerIndex(ofNode: $0) != nil } && who.count > 1 ? "workers"
                : who.count > 2 ? "\(names[who[0]]) +\(who.count - 1)" : who.map { names[$0] }.joined(separator: ", ")
            dashed.append(.init(name: "limit: \(label)", points: series.map { ($0.timeSeconds, limit) }, dashed: true))
        }
        return SVGLineChart(title: "Memory per node at each interval's peak (dashed: RAM less the OS's 1 GiB)", xLabel: "simulated time (s)",
                            yLabel: "GiB", series: names.indices.map { i in
                                .init(name: names[i], points: series.map { ($0.timeSeconds, i < $0.memoryGiB.count ? $0.memoryGiB[i] : .nan) })
                            } + dashed, bands: bands).svg
    }

    /// Zipf: tenant size and query share against rank, log-log (about 200 log-spaced ranks).
    var tenantChart: String {
        let t = report.scenario.workload.tenants
        var ranks: [Int] = []
        var r = 1.0
        // The tenants at the start (ones a timeline adds have no data yet).
        while Int(r) <= t.baseCount { if ranks.last != Int(r) { ranks.append(Int(r)) }; r *= 1.05 }
        if ranks.last != t.baseCount { ranks.append(t.baseCount) }
        let total = t.activity.reduce(0, +)
        return SVGLineChart(title: "Tenants by rank: data size (MiB) and share of queries (%)", xLabel: "tenant rank (1 = largest)", yLabel: "MiB / % (log)",
                            series: [.init(name: "size (MiB)", points: ranks.map { (Double($0), t.sizeBytes[$0 - 1] / 1_048_576) }),
                                     .init(name: "query share (%)", points: ranks.map { (Double($0), t.activity[$0 - 1] / total * 100) })],
                            logX: true, logY: true).svg
    }

    var topTenants: [[String: String]] {
        let m = report.first.measurements
        return report.busiestTenants(limit: 15).map { t in
            ["rank": String(t + 1), "key": report.tenantAttribute(t), "node": report.tenantPlacement(t).node,
                    "size": f(report.scenario.workload.tenants.sizeBytes[t] / 1_073_741_824, 2), "queries": String(m.tenantCounts[t].queries),
                    "cpu": f(m.tenantCounts[t].cpuSeconds, 1)]
        }
    }

    func gantt(_ log: OperationLog) -> String {
        let kinds = ["move", "split", "reference_tables", "clone"]
        let bars = log.transfers.compactMap { t -> SVGGantt.Bar? in
            guard let end = t.end else { return nil }
            // A schema's (un)distribution copies whole tables: no anchor shard to name.
            let what = t.kind.hasPrefix("schema_") ? t.kind : "\(t.kind) shard \(t.anchorShard)"
            let label = "\(what) \(t.source) → \(t.target), \(f(t.bytes / 1_073_741_824, 2)) GiB, \(f(t.start.seconds, 1))–\(f(end.seconds, 1)) s, \(t.status)"
            return SVGGantt.Bar(lane: t.target, start: t.start.seconds, end: end.seconds, label: label, kind: kinds.firstIndex(of: t.kind) ?? 0)
        }
        return SVGGantt(title: "Transfers over time, by target node (hover for details)", xLabel: "simulated time (s)", bars: bars, kinds: kinds).svg
    }

    // MARK: Template

    static let template = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <!--charts--><title>citus-sim: {{name}}</title>
    <style>{{{style}}}</style></head><body>
    <h1>{{name}}</h1>
    <p class="muted">citus-sim capacity report. Figures are means with confidence half-widths over independent replications; time series come from the first replication.</p>
    {{{advice}}}
    <p class="verdict {{verdictClass}}">{{#hasAdvice}}The recommended cluster, simulated again in full: {{/hasAdvice}}{{verdict}}</p>
    <h2>Scenario at a glance</h2>
    <table>{{#glance}}<tr><th>{{key}}</th><td>{{value}}</td></tr>{{/glance}}</table>
    {{#settings.0}}<p>Settings that differ from Citus's defaults:</p>{{/settings.0}}
    <table>{{#settings}}<tr><th>{{key}}</th><td>{{value}}</td><td class="muted">default {{default}}</td></tr>{{/settings}}</table>
    <h2>Service levels</h2>
    <table><tr><th>objective</th><th>target</th><th>measured (mean, upper end of the interval)</th><th>verdict</th></tr>
    {{#slo}}<tr><td>{{class}}</td><td class="num">{{target}}</td><td class="num">{{p99}}</td><td class="{{cls}}">{{met}}</td></tr>{{/slo}}</table>
    <h2>Query classes</h2>
    <table><tr><th>class</th><th>kind</th><th>queries/s</th><th>p50 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>timeouts</th><th>errors</th></tr>
    {{#classes}}<tr><td>{{name}}</td><td>{{kind}}</td><td class="num">{{throughput}}</td><td class="num">{{p50}}</td><td class="num">{{p99}}</td><td class="num">{{p999}}</td><td class="num">{{timeouts}}</td><td class="num">{{errors}}</td></tr>{{/classes}}</table>
    {{{latencyChart}}}
    {{{throughputChart}}}
    <h2>Nodes</h2>
    <table><tr><th>node</th><th>CPU busy</th><th>disk busy</th><th>cache hit ratio</th><th>NIC busy (coordinator in, workers out)</th><th>connections mean</th><th>peak</th><th>max_connections</th><th>shared-pool waits</th><th>refused</th><th>memory peak GiB</th><th>RAM − OS GiB</th><th>refused: out of memory</th><th>queries failed: out of memory</th></tr>
    {{#nodes}}<tr><td>{{name}}</td><td class="num">{{cpu}}</td><td class="num">{{disk}}</td><td class="num">{{hit}}</td><td class="num">{{nic}}</td><td class="num">{{conns}}</td><td class="num">{{peak}}</td><td class="num">{{limit}}</td><td class="num">{{waits}}</td><td class="num">{{refused}}</td><td class="num">{{memory}}</td><td class="num">{{memoryLimit}}</td><td class="num">{{oom}}</td><td class="num">{{oomErrors}}</td></tr>{{/nodes}}</table><p>Memory peak: shared_buffers plus the backends at the peak connection count (on a coordinator, its client sessions and, for each running fan-out, its result tuplestore and the sort and hash nodes of the combine query above it, each up to work_mem), each with its private memory: a fresh backend and the caches of every shard it has read (cluster.backend_memory, fitted on the lab). A worker refuses a connection that would take it past its RAM less 1 GiB for the OS (out of memory), and a coordinator fails a fan-out whose tuplestore would; {{workMem}} The page cache has what is left beside the backends that stay open (each session's cached connections and the maintenance daemon's).</p>{{#hasLocalExecution}}<p>{{localExecution}}</p>{{/hasLocalExecution}}
    {{{cpuChart}}}
    {{{nodeHeatmaps}}}
    {{{connectionsChart}}}
    {{{memoryChart}}}
    {{#hasOperations}}
    <h2>Operations</h2>
    <table><tr><th>#</th><th>line</th><th>statement or event</th><th>start s</th><th>end s</th><th>duration s</th><th>status</th><th>GiB copied</th><th>write-blocked group·s</th><th>error</th></tr>
    {{#operations}}<tr><td class="num">{{n}}</td><td class="num">{{line}}</td><td><code>{{statement}}</code></td><td class="num">{{start}}</td><td class="num">{{end}}</td><td class="num">{{duration}}</td><td class="{{cls}}">{{status}}</td><td class="num">{{gib}}</td><td class="num">{{blocked}}</td><td>{{error}}</td></tr>{{/operations}}</table>
    <p class="muted">Write-blocked group·s (shard-group seconds): for each shard group whose writes the statement blocked, how long, summed over the groups (8 groups blocked for 10 s = 80). A duration starting with ≥ is a lower bound: the operation was still running when the run ended.</p>
    {{{ganttChart}}}
    <details><summary>Citus messages</summary><table>{{#messages}}<tr><td class="num">{{time}}</td><td><code>{{text}}</code></td></tr>{{/messages}}</table></details>
    {{/hasOperations}}
    <h2>Tenants</h2>
    {{{tenantChart}}}
    <h3>{{tenantsTitle}}</h3>
    <table><tr><th>rank</th><th>tenant</th><th>node</th><th>data GiB</th><th>queries</th><th>worker CPU s</th></tr>
    {{#topTenants}}<tr><td class="num">{{rank}}</td><td>{{key}}</td><td>{{node}}</td><td class="num">{{size}}</td><td class="num">{{queries}}</td><td class="num">{{cpu}}</td></tr>{{/topTenants}}</table>
    {{#statStatements.0}}<h3>citus_stat_statements: the 20 most called (query, executor, partition key)</h3>
    <table><tr><th>query</th><th>executor</th><th>partition_key</th><th>calls</th></tr>
    {{#statStatements}}<tr><td>{{query}}</td><td>{{executor}}</td><td>{{key}}</td><td class="num">{{calls}}</td></tr>{{/statStatements}}</table>{{/statStatements.0}}
    </body></html>

    """

    /// The page's CSS (shared by the advice page).
    static let style = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:1000px;margin:24px auto;padding:0 16px}
    h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
    table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
    th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
    .ok{color:#166c1c;font-weight:600}.bad{color:#b00020;font-weight:600}.verdict{font-size:16px;margin:8px 0}
    .chart{display:block;margin:10px 0;max-width:100%;height:auto}.chart-title{font-weight:600;font-size:13px}
    .tick{font-size:11px;fill:#555}.axis-label{font-size:12px;fill:#333}.legend{font-size:11px}
    .axis{stroke:#444}.grid{stroke:#eee}.line{stroke-width:1.6}.band{fill:#f5b041;fill-opacity:0.18}
    .muted{color:#666}
    @media print{body{margin:0;max-width:none}h2{page-break-after:avoid}.chart{page-break-inside:avoid}}
    """
}

extension ClusterReportPage {
    /// What the memory figures say about work_mem, for `classes`: counted when a class has sort or
    /// hash nodes (`WorkMem`).
    static func workMemSentence(_ classes: [QueryClass]) -> String {
        classes.contains(where: \.holdsWorkMem)
            ? "the work_mem of running shard tasks is counted (query classes' sort_nodes and hash_nodes; a task that does not fit fails its query, out of memory)."
            : "work_mem is not counted."
    }
}
