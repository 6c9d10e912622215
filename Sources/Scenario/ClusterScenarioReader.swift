import Advisor
import SimCore
import Simulation
import Workload
import Yams

/// Reads a `kind: cluster` scenario (schema in Scenarios/README.md).
enum ClusterScenarioReader {
    static let gib = 1_073_741_824.0
    static let mib = 1_048_576.0
    static let kib = 1_024.0

    /// Reads the scenario; `advisor` receives the `advisor` section when there is one.
    static func read(_ root: YAMLMapping, name: String, advisor: inout AdvisorSpec?) -> ClusterScenario? {
        let scenario = readScenario(root, name: name)
        if let m = root.mapping("advisor", required: false) { advisor = AdvisorReader.read(m, scenario: scenario) }
        return scenario
    }

    static func readScenario(_ root: YAMLMapping, name: String) -> ClusterScenario? {
        let reader = root.reader
        let run = readRun(root.mapping("run", required: false))
        let cluster = root.mapping("cluster").flatMap(readCluster)
        let citus = readCitus(root.mapping("citus", required: false))
        let tables = readTables(root, reader)
        let tenants = root.mapping("tenants").flatMap(readTenants)
        let workloadMap = root.mapping("workload")
        var workload: WorkloadSpec?
        // The workload is read even when the tenants section failed (against a stand-in
        // population), so that all of its errors are listed in the same pass.
        if let w = workloadMap, let population = tenants ?? (try? TenantPopulation(count: 1, totalBytes: 1, sizeExponent: 0, activityExponent: 0)) {
            let read = readWorkload(w, tenants: population, tables: tables)
            if tenants != nil { workload = read }
        }
        var slo: [(className: String, ms: Double)] = []
        var sloSpec = SLOSpec()
        if let s = root.mapping("slo", required: false) {
            if s.value("max_cpu_utilization") != nil { sloSpec.maxCPUUtilization = s.number("max_cpu_utilization", in: 0...1, lowerExclusive: true) }
            if s.value("max_timeout_rate") != nil { sloSpec.maxTimeoutRate = s.number("max_timeout_rate", in: 0...1) }
            if let p99 = s.value("p99_ms") {
                if let m = reader.mapping(p99, path: "slo.p99_ms") {
                    for (key, _, _) in m.entries {
                        if let v = m.number(key, in: 0...1e9, lowerExclusive: true) { slo.append((key, v)) }
                    }
                    if let w = workload {
                        for (key, keyNode, _) in m.entries where !w.classes.contains(where: { $0.name == key }) {
                            reader.error(keyNode, "`slo.p99_ms.\(key)` names no query class; classes: \(w.classes.map(\.name).joined(separator: ", "))")
                        }
                    }
                }
            }
            s.finish()
        }
        let timeline = TimelineReader.read(root, tables: tables, workerCount: cluster?.workerCount, tenantCount: workload?.tenants.count)
        let operations = readOperations(root.mapping("operations", required: false))
        guard let run, let cluster, let citus, let tables, var workload, let timeline, let operations else { return nil }
        QueryClassReader.rescaleMeasuredWork(&workload, tables: tables, citus: citus)
        // Tenants that `new_tenants` events add exist from the start, with no data and no queries.
        let joining = timeline.reduce(0) { n, e in
            if case .newTenants(_, let count, _, _) = e.action { return n + count }
            return n
        }
        if joining > 0 {
            do { workload.tenants = try workload.tenants.appendingDormant(joining) } catch {
                reader.error(root.value("timeline"), "\(error)")
                return nil
            }
        }
        // Cross-checks a DBA would want to hear about.
        if run.warmup >= run.duration {
            reader.error(root.mapping("run", required: false)?.value("warmup"), "`run.warmup` must be shorter than `run.duration`")
            return nil
        }
        let usable = cluster.coordinator.maxConnections - 3
        if workload.sessions > usable {
            reader.error(workloadMap?.value("arrivals") ?? workloadMap?.value("clients"),
                         "\(workload.sessions) client sessions exceed the coordinator's max_connections (\(cluster.coordinator.maxConnections), 3 reserved for superusers)")
            return nil
        }
        let shared = citus.sharedPoolLimit(coordinatorMaxConnections: cluster.coordinator.maxConnections)
        let smallestMaxConnections = (0..<cluster.workerCount).map { cluster.workerSpec($0).maxConnections }.min() ?? cluster.worker.maxConnections
        if shared > smallestMaxConnections - 3 {
            reader.warning(root.mapping("citus", required: false)?.node ?? root.node,
                           "citus.max_shared_pool_size (\(citus.maxSharedPoolSize == 0 ? "0 = coordinator max_connections \(cluster.coordinator.maxConnections)" : String(citus.maxSharedPoolSize))) lets the coordinator open more connections to a worker than its max_connections (\(smallestMaxConnections)) accepts: expect refused connections; the Citus docs advise keeping it below")
        }
        if citus.schemaBasedSharding && !checkSchemaBased(root, tables: tables, workload: workload, timeline: timeline) { return nil }
        let perDatabase = (workload.sessions + workload.databases - 1) / workload.databases
        if citus.maxSharedPoolSize >= 0, citus.statementTimeout == nil, workload.classes.contains(where: { !$0.isSingleTenant }),
           perDatabase * max(1, citus.maxCachedConnsPerWorker) > shared {
            let citusMap = root.mapping("citus", required: false)
            reader.warning(citusMap?.value("max_shared_pool_size") ?? citusMap?.node ?? root.node,
                           "\(perDatabase) client sessions per database can cache \(max(1, citus.maxCachedConnsPerWorker)) connection(s) each to every worker, more than the \(shared) citus.max_shared_pool_size allows: a fan-out then waits for a slot until another session's cached connection closes (up to citus.max_cached_connection_lifetime, \(Int(citus.maxCachedConnectionLifetime.seconds)) s), and Citus does not time these waits out; set statement_timeout, use fewer sessions (pgbouncer) or a larger pool")
        }
        if cluster.coordinatorHasShards {
            let local = citus.localPoolLimit(coordinatorMaxConnections: cluster.coordinator.maxConnections)
            let key = root.mapping("cluster", required: false)?.value("coordinator_has_shards") ?? root.node
            if workload.sessions + 1 > local && citus.enableLocalExecution {
                reader.warning(key, "with \(workload.sessions) client sessions on the coordinator and citus.local_shared_pool_size \(local), Citus opens no connections to the coordinator's own shards (client backends + 1 must stay within it): multi-shard queries run those shards one at a time in the client's backend, after the remote ones")
            } else if !citus.enableLocalExecution {
                reader.warning(key, "citus.enable_local_execution is off: queries on the coordinator's shards need loopback connections (within citus.local_shared_pool_size \(local)) and fail without one")
            }
            if cluster.coordinator.maxConnections - 3 - workload.sessions <= 0 {
                reader.warning(key, "the client sessions take all of the coordinator's max_connections (\(cluster.coordinator.maxConnections), 3 reserved): no loopback connection to its shards can open")
            }
        }
        warnAboutCache(root, cluster: cluster, tenants: workload.tenants)
        let scenario = ClusterScenario(name: name, run: run, cluster: cluster, citus: citus, tables: tables, workload: workload)
        let estimate = ResourceEstimate(scenario)
        if estimate.memoryBytes > 64 * gib {
            reader.error(root.mapping("tenants", required: false)?.node ?? root.node,
                         "this scenario would need about \(ResourceEstimate.text(bytes: estimate.memoryBytes)) of memory per replication (tenants, workers, shards and time series); reduce tenants, workers or the run's duration / sample_interval")
            return nil
        }
        let hours = estimate.seconds(threads: 2, replications: run.replications)
        if hours > 3_600 {
            reader.warning(root.mapping("run", required: false)?.node ?? root.node,
                           "this run would take about \(ResourceEstimate.text(seconds: hours)) on 2 cores (about \(Int(estimate.events / 1e6)) million events at ~3 million a second per core); shorten run.duration, lower the rate or the replications")
        }
        for entry in timeline where entry.at >= run.duration {
            reader.append(Finding(file: reader.file, line: entry.line, column: entry.column, severity: .warning,
                                  message: "this timeline entry is at or after the end of the run (\(run.duration)); it will not happen"))
        }
        if let over = run.watchTenants.first(where: { $0 > workload.tenants.count }) {
            reader.error(root.mapping("run", required: false)?.value("watch_tenants"), "`run.watch_tenants` names rank \(over); there are \(workload.tenants.count) tenants")
            return nil
        }
        return ClusterScenario(name: name, run: run, cluster: cluster, citus: citus, tables: tables, workload: workload, slo: SLOSpec(p99Ms: slo, maxCPUUtilization: sloSpec.maxCPUUtilization, maxTimeoutRate: sloSpec.maxTimeoutRate),
                               timeline: timeline, operations: operations)
    }

    /// Plausible but suspicious: data that cannot stay in the workers' caches.
    static func warnAboutCache(_ root: YAMLMapping, cluster: ClusterSpec, tenants: TenantPopulation) {
        let cache = cluster.worker.cacheBytes
        let gibText = { (b: Double) in String(Int((b / gib).rounded())) + " GiB" }
        let node = root.mapping("tenants", required: false)?.node ?? root.node
        if let largest = tenants.sizeBytes.first, largest > cache {
            root.reader.warning(node, "the largest tenant (\(gibText(largest))) is larger than a worker's cache (\(gibText(cache))): its worker will read from disk and every fan-out waits for it; consider isolate_tenant_to_new_shard on a dedicated worker, or larger workers")
        }
        let perWorker = tenants.totalBytes / Double(cluster.workerCount)
        if perWorker > cache {
            root.reader.warning(node, "data per worker (\(gibText(perWorker)) on average) exceeds a worker's cache (\(gibText(cache))): expect disk reads for the less active tenants")
        }
    }

    /// A whole number under `key` larger than `limit` (also written as 1e12), for a message with estimates.
    static func beyond(_ m: YAMLMapping, _ key: String, limit: Double) -> (value: Double, text: String)? {
        guard case .scalar(let s)? = m.value(key), let v = Double(s.string.replacingUnderscores), v.isFinite, v > limit, v == v.rounded() else { return nil }
        return (v, s.string)
    }

    /// The items of a YAML sequence (empty for anything else).
    static func items(_ node: Node) -> [Node] { node.array() }

    static func seconds(_ m: YAMLMapping, _ key: String, default fallback: Double? = nil, allowZero: Bool = false) -> SimDuration? {
        m.duration(key, allowZero: allowZero, default: fallback).map { SimDuration(seconds: $0) }
    }

    static func readRun(_ m: YAMLMapping?) -> RunSpec? {
        guard let m else { return RunSpec(duration: .minutes(5)) }
        let seed = m.unsigned("seed", default: 1)
        let duration = seconds(m, "duration", default: 300)
        let warmup = seconds(m, "warmup", default: 0, allowZero: true)
        let reps = m.integer("replications", in: 1...10_000, default: 3)
        let interval = seconds(m, "sample_interval", default: 10)
        let confidence = m.number("confidence", in: 0.5...0.999, default: 0.95)
        var watch: [Int]? = []
        if let w = m.value("watch_tenants") {
            let ranks = w.array().compactMap { $0.int }
            if case .sequence = w, ranks.count == w.array().count, ranks.allSatisfy({ (1...1_000).contains($0) }), ranks.count <= 16 {
                watch = ranks
            } else {
                m.reader.error(w, "`run.watch_tenants` must be a list of up to 16 tenant ranks (1 is the largest), each 1...1000")
                watch = nil
            }
        }
        m.finish()
        guard let seed, let duration, let warmup, let reps, let interval, let confidence, let watch else { return nil }
        if reps < 3 { m.reader.warning(m.value("replications"), "fewer than 3 replications give very wide confidence intervals") }
        var spec = RunSpec(seed: seed, duration: duration, warmup: warmup, replications: reps, sampleInterval: interval, confidence: confidence)
        spec.watchTenants = watch
        return spec
    }

    static func readNode(_ m: YAMLMapping, defaultMaxConnections: Int) -> NodeSpec? {
        let cores = m.integer("cores", in: 1...4_096)
        let memory = m.number("memory_gib", in: 0...1_000_000, lowerExclusive: true)
        let sharedBuffers = m.number("shared_buffers_gib", in: 0...1_000_000, default: memory.map { $0 / 4 } ?? 1)
        let iops = m.number("disk_iops", in: 0...1e9, lowerExclusive: true, default: 20_000)
        let mbps = m.number("disk_mb_per_second", in: 0...1e6, lowerExclusive: true, default: 500)
        let diskLatency = seconds(m, "disk_latency", default: 0.0005, allowZero: true)
        let nic = m.number("nic_gbps", in: 0...10_000, lowerExclusive: true, default: 10)
        let maxConnections = m.integer("max_connections", in: 10...1_000_000, default: defaultMaxConnections)
        let disk = m.number("disk_gib", in: 0...1e9, lowerExclusive: true, default: 2_048)
        m.finish()
        guard let cores, let memory, let sharedBuffers, let iops, let mbps, let diskLatency, let nic, let maxConnections, let disk else { return nil }
        if sharedBuffers >= memory {
            m.reader.error(m.value("shared_buffers_gib"), "`\(m.qualified("shared_buffers_gib"))` (\(sharedBuffers)) must be less than `memory_gib` (\(memory))")
            return nil
        }
        return NodeSpec(cores: cores, memoryBytes: memory * gib, sharedBuffersBytes: sharedBuffers * gib, diskIOPS: iops,
                        diskBytesPerSecond: mbps * 1e6, diskLatency: diskLatency, nicBytesPerSecond: nic * 1.25e8, maxConnections: maxConnections, diskBytes: disk * gib)
    }

    static func readCluster(_ m: YAMLMapping) -> ClusterSpec? {
        let coordinator = m.mapping("coordinator").flatMap { readNode($0, defaultMaxConnections: 500) }
        var count: Int?
        var worker: NodeSpec?
        var sizes: [NodeSpec] = []
        // One group (a mapping), or groups of different sizes (a list of mappings), each with `count`.
        func group(_ w: YAMLMapping) -> (Int, NodeSpec)? {
            var n: Int?
            if let huge = beyond(w, "count", limit: 100_000) {
                w.reader.error(w.value("count"), "`\(w.qualified("count"))` is \(huge.text): \(ResourceEstimate.text(bytes: huge.value * ResourceEstimate.bytesPerWorker)) of memory before any time series, and every fan-out would open tasks on all of them; this build simulates up to 100,000 workers")
                _ = w.value("count")
            } else {
                n = w.integer("count", in: 1...100_000)
            }
            let node = readNode(WorkerView(w).mapping, defaultMaxConnections: 1_000)
            guard let n, let node else { return nil }
            return (n, node)
        }
        if let list = m.value("workers"), case .sequence = list {
            var groups: [(Int, NodeSpec)] = [], ok = true
            for (i, item) in items(list).enumerated() {
                if let g = m.reader.mapping(item, path: "cluster.workers[\(i)]").flatMap(group) { groups.append(g) } else { ok = false }
            }
            if groups.isEmpty && ok { m.reader.error(list, "`cluster.workers` must be a mapping or a non-empty list of worker groups") }
            if ok, let first = groups.first {
                count = groups.reduce(0) { $0 + $1.0 }
                worker = first.1
                if groups.count > 1 { sizes = groups.flatMap { Array(repeating: $0.1, count: $0.0) } }
                if count! > 100_000 { m.reader.error(list, "`cluster.workers` has \(count!) workers in all; this build simulates up to 100,000"); count = nil }
            }
        } else if let w = m.mapping("workers") {
            if let g = group(w) { (count, worker) = (g.0, g.1) }
        }
        let latency = seconds(m, "network_latency", default: 0.00025, allowZero: true)
        let tls = m.value("tls").map { v -> Bool? in
            guard let b = v.bool else { m.reader.error(v, "`cluster.tls` must be true or false"); return nil }
            return b
        } ?? true
        let setup = seconds(m, "connection_setup_cpu", default: 0.002, allowZero: true)
        let handshake = seconds(m, "tls_handshake_cpu", default: 0.003, allowZero: true)
        let hasShards = bool(m, "coordinator_has_shards", false)
        m.finish()
        guard let coordinator, let count, let worker, let latency, let tls, let setup, let handshake, let hasShards else { return nil }
        var spec = ClusterSpec(coordinator: coordinator, worker: worker, workerCount: count, networkLatency: latency, tls: tls,
                               connectionSetupCPU: setup, tlsHandshakeCPU: handshake)
        spec.coordinatorHasShards = hasShards
        spec.workerSizes = sizes
        return spec
    }

    /// Schema-based tenants: what this build simulates of them (each tenant's queries stay in its
    /// schema; no timeline), all problems reported.
    static func checkSchemaBased(_ root: YAMLMapping, tables: [TableSpec], workload: WorkloadSpec, timeline: [TimelineEntry]) -> Bool {
        let reader = root.reader
        let key = root.mapping("citus", required: false)?.value("enable_schema_based_sharding") ?? root.node
        var ok = true
        if workload.tenants.count > 20_000 {
            reader.error(key, "schema-based sharding with \(workload.tenants.count) tenant schemas: this build places up to 20,000 schemas (a single-shard colocation group each); model the largest tenants and scale the rest down")
            ok = false
        }
        if let c = workload.classes.first(where: { !$0.isSingleTenant }) {
            reader.error(key, "schema-based sharding: class `\(c.name)` (\(c.kind.rawValue)) would query every tenant's schema; only router and reference_join classes (one tenant's schema) are simulated")
            ok = false
        }
        if let t = tables.first(where: { $0.kind == .distributed && ($0.shardCount != nil || $0.colocateWith != nil) }) {
            reader.error(key, "schema-based sharding: table `\(t.name)` has one shard in each tenant's schema, colocated within it; remove its `shard_count` and `colocate_with`")
            ok = false
        }
        if !timeline.isEmpty {
            reader.error(root.value("timeline") ?? key, "timelines are not simulated with schema-based sharding yet (moves of schema groups, isolation); remove `timeline` or `citus.enable_schema_based_sharding`")
            ok = false
        }
        return ok
    }

    static func readCitus(_ m: YAMLMapping?) -> CitusSpec? {
        var c = CitusSpec()
        guard let m else { return c }
        var ok = true
        func set<T>(_ v: T?, _ apply: (T) -> Void) { if let v { apply(v) } else { ok = false } }
        set(m.integer("shard_count", in: 1...64_000, default: 32)) { c.shardCount = $0 }
        set(m.integer("max_adaptive_executor_pool_size", in: 1...1_000_000, default: 16)) { c.maxAdaptiveExecutorPoolSize = $0 }
        set(m.integer("max_shared_pool_size", in: -1...1_000_000, default: 0)) { c.maxSharedPoolSize = $0 }
        set(m.integer("local_shared_pool_size", in: -1...1_000_000, default: 0)) { c.localSharedPoolSize = $0 }
        set(bool(m, "enable_local_execution", true)) { c.enableLocalExecution = $0 }
        set(bool(m, "enable_schema_based_sharding", false)) { c.schemaBasedSharding = $0 }
        set(m.integer("max_cached_conns_per_worker", in: 0...1_000_000, default: 1)) { c.maxCachedConnsPerWorker = $0 }
        set(seconds(m, "max_cached_connection_lifetime", default: 600)) { c.maxCachedConnectionLifetime = $0 }
        set(seconds(m, "executor_slow_start_interval", default: 0.01, allowZero: true)) { c.executorSlowStartInterval = $0 }
        set(seconds(m, "statement_timeout", default: 0, allowZero: true)) { c.statementTimeout = $0 > .zero ? $0 : nil }
        set(bool(m, "force_max_query_parallelization", false)) { c.forceMaxQueryParallelization = $0 }
        set(bool(m, "enable_cost_based_connection_establishment", true)) { c.costBasedConnectionEstablishment = $0 }
        set(m.string("multi_shard_modify_mode", allowed: ["parallel", "sequential"], default: "parallel")) { c.sequentialModifications = $0 == "sequential" }
        set(m.string("stat_statements_track", allowed: ["none", "all"], default: "none")) { c.statStatementsTrack = $0 == "all" }
        set(m.string("stat_tenants_track", allowed: ["none", "all"], default: "none")) { c.statTenantsTrack = $0 == "all" }
        set(m.string("metadata_sync_mode", allowed: ["transactional", "nontransactional"], default: "transactional")) { c.metadataSyncNontransactional = $0 == "nontransactional" }
        set(m.integer("stat_tenants_limit", in: 1...10_000, default: 100)) { c.statTenantsLimit = $0 }
        set(m.integer("max_worker_processes", in: 3...262_143, default: 8)) { c.maxWorkerProcesses = $0 }
        m.finish()
        return ok ? c : nil
    }

    /// The `operations` section: costs of moves, splits, clones and failures (OperationsSpec).
    static func readOperations(_ m: YAMLMapping?) -> OperationsSpec? {
        var o = OperationsSpec()
        guard let m else { return o }
        var ok = true
        func set<T>(_ v: T?, _ apply: (T) -> Void) { if let v { apply(v) } else { ok = false } }
        set(m.number("copy_mib_per_core_second", in: 0...1e6, lowerExclusive: true, default: o.copyBytesPerCoreSecond / mib)) { o.copyBytesPerCoreSecond = $0 * mib }
        set(seconds(m, "blocking_move_overhead", default: o.blockingOverhead.seconds, allowZero: true)) { o.blockingOverhead = $0 }
        set(seconds(m, "logical_move_overhead", default: o.logicalOverhead.seconds, allowZero: true)) { o.logicalOverhead = $0 }
        set(seconds(m, "separate_transaction_move_overhead", default: o.separateTransactionMoveOverhead.blockWrites.seconds, allowZero: true)) {
            o.separateTransactionMoveOverhead.blockWrites = $0
        }
        set(seconds(m, "separate_transaction_logical_move_overhead", default: o.separateTransactionMoveOverhead.logical.seconds, allowZero: true)) {
            o.separateTransactionMoveOverhead.logical = $0
        }
        set(seconds(m, "background_task_overhead", default: o.backgroundTaskOverhead.blockWrites.seconds, allowZero: true)) { o.backgroundTaskOverhead.blockWrites = $0 }
        set(seconds(m, "background_task_logical_overhead", default: o.backgroundTaskOverhead.logical.seconds, allowZero: true)) { o.backgroundTaskOverhead.logical = $0 }
        set(m.number("logical_apply_mib_per_second", in: 0...1e6, lowerExclusive: true, default: o.logicalApplyBytesPerSecond / mib)) { o.logicalApplyBytesPerSecond = $0 * mib }
        set(seconds(m, "logical_replication_timeout", default: o.logicalReplicationTimeout.seconds)) { o.logicalReplicationTimeout = $0 }
        set(m.number("index_build_seconds_per_gib", in: 0...1e6, default: o.indexBuildSecondsPerGiB)) { o.indexBuildSecondsPerGiB = $0 }
        set(seconds(m, "deferred_drop_interval", default: o.deferredDropInterval.seconds, allowZero: true)) { o.deferredDropInterval = $0 }
        set(seconds(m, "metadata_sync_per_placement", default: o.metadataSyncPerPlacement.seconds, allowZero: true)) { o.metadataSyncPerPlacement = $0 }
        set(m.number("metadata_sync_bytes_per_placement", in: 0...1e9, default: o.metadataSyncBytesPerPlacement)) { o.metadataSyncBytesPerPlacement = $0 }
        set(m.number("physical_apply_mib_per_second", in: 0...1e6, lowerExclusive: true, default: o.physicalApplyBytesPerSecond / mib)) { o.physicalApplyBytesPerSecond = $0 * mib }
        set(seconds(m, "promotion_time", default: o.promotionTime.seconds, allowZero: true)) { o.promotionTime = $0 }
        set(m.number("base_backup_cpu_share", in: 0...10, default: o.baseBackupCPUShare)) { o.baseBackupCPUShare = $0 }
        set(seconds(m, "failure_detection", default: o.failureDetection.seconds, allowZero: true)) { o.failureDetection = $0 }
        set(seconds(m, "standby_promotion", default: o.standbyPromotion.seconds, allowZero: true)) { o.standbyPromotion = $0 }
        set(m.string("queries_to_failed_nodes", allowed: ["error", "wait"], default: "error")) { o.waitForFailedNodes = $0 == "wait" }
        m.finish()
        return ok ? o : nil
    }

    static func bool(_ m: YAMLMapping, _ key: String, _ fallback: Bool) -> Bool? {
        guard let v = m.value(key) else { return fallback }
        guard let b = v.bool else {
            m.reader.error(v, "`\(m.qualified(key))` must be true or false")
            return nil
        }
        return b
    }

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
            let identity = bool(m, "replica_identity", true)
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

    /// `tables` is nil when the tables section had errors (then class tables are not checked).
    static func readWorkload(_ m: YAMLMapping, tenants: TenantPopulation, tables: [TableSpec]?) -> WorkloadSpec? {
        let reader = m.reader
        var arrivals: WorkloadSpec.Arrivals?
        let open = m.mapping("arrivals", required: false), closed = m.mapping("clients", required: false)
        switch (open, closed) {
        case (let a?, nil): arrivals = readOpen(a)
        case (nil, let c?):
            let count = c.integer("count", in: 1...1_000_000)
            let think = c.mapping("think_time").flatMap(DistributionReader.read)
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
                    classes.append(q)
                } else { ok = false }
            }
        } else {
            reader.error(m.value("classes") ?? m.node, "`workload.classes` must be a non-empty list of query classes")
            ok = false
        }
        m.finish()
        guard ok, let arrivals, let databases else { return nil }
        let workload = WorkloadSpec(tenants: tenants, classes: classes, arrivals: arrivals, databases: databases)
        if workload.sessions < databases {
            reader.error(m.value("databases"), "`workload.databases` (\(databases)) needs at least one client session per database; there are \(workload.sessions)")
            return nil
        }
        return workload
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

/// The `workers` mapping holds `count` plus the node keys; this view reads the node keys
/// from it (marking `count` as known so `finish` does not report it).
struct WorkerView {
    let mapping: YAMLMapping
    init(_ m: YAMLMapping) {
        _ = m.value("count")
        mapping = m
    }
}
