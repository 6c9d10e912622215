import Advisor
import Diagnostics
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
        var cluster = root.mapping("cluster").flatMap(readCluster)
        let citus = readCitus(root.mapping("citus", required: false))
        let tables = readTables(root, reader)
        if let layout = root.mapping("cluster", required: false)?.mapping("layout", required: false), var c = cluster, let tables, let citus {
            c.importedLayout = LayoutReader.read(layout, cluster: c, tables: tables, citus: citus)
            cluster = c.importedLayout == nil ? nil : c
        }
        let tenants = root.mapping("tenants").flatMap(readTenants)
        let workloadMap = root.mapping("workload")
        var workload: WorkloadSpec?
        // The workload is read even when the tenants section failed (against a stand-in
        // population), so that all of its errors are listed in the same pass.
        if let w = workloadMap, let population = tenants ?? (try? TenantPopulation(count: 1, totalBytes: 1, sizeExponent: 0, activityExponent: 0)) {
            let read = readWorkload(w, tenants: population, tables: tables, schemaBased: citus?.schemaBasedSharding ?? false)
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
        let timeline = TimelineReader.read(root, tables: tables, cluster: cluster, tenantCount: workload?.tenants.count)
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
        if citus.schemaBasedSharding && !checkSchemaBased(root, tables: tables, workload: workload) { return nil }
        let perDatabase = (workload.sessions + workload.databases - 1) / workload.databases
        // The maintenance daemon of each database keeps one slot towards every worker.
        let daemon = citus.deadlockDetection ? 1 : 0
        if citus.maxSharedPoolSize >= 0, citus.statementTimeout == nil, workload.classes.contains(where: \.isFanOut),
           perDatabase * max(1, citus.maxCachedConnsPerWorker) > shared - daemon {
            let citusMap = root.mapping("citus", required: false)
            reader.warning(citusMap?.value("max_shared_pool_size") ?? citusMap?.node ?? root.node,
                           "\(perDatabase) client sessions per database can cache \(max(1, citus.maxCachedConnsPerWorker)) connection(s) each to every worker, more than the \(shared) citus.max_shared_pool_size allows\(daemon > 0 ? " (less the maintenance daemon's)" : ""): a fan-out then waits for a slot until another session's cached connection closes (up to citus.max_cached_connection_lifetime, \(Int(citus.maxCachedConnectionLifetime.seconds)) s), and Citus does not time these waits out; set statement_timeout, use fewer sessions (pgbouncer) or a larger pool")
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
        let scenario = ClusterScenario(name: name, run: run, cluster: cluster, citus: citus, tables: tables, workload: workload)
        warnAboutCache(root, scenario: scenario)
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
    static func warnAboutCache(_ root: YAMLMapping, scenario: ClusterScenario) {
        let (cluster, tenants) = (scenario.cluster, scenario.workload.tenants)
        let cache = NodeMemory.cacheBytes(scenario, node: cluster.worker)
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
        let workMem = m.number("work_mem_mib", in: NodeSpec.workMemMiBRange, default: 4)
        let hashMultiplier = m.number("hash_mem_multiplier", in: NodeSpec.hashMemMultiplierRange, default: 2)
        m.finish()
        guard let cores, let memory, let sharedBuffers, let iops, let mbps, let diskLatency, let nic, let maxConnections, let disk,
              let workMem, let hashMultiplier else { return nil }
        if sharedBuffers >= memory {
            m.reader.error(m.value("shared_buffers_gib"), "`\(m.qualified("shared_buffers_gib"))` (\(sharedBuffers)) must be less than `memory_gib` (\(memory))")
            return nil
        }
        var node = NodeSpec(cores: cores, memoryBytes: memory * gib, sharedBuffersBytes: sharedBuffers * gib, diskIOPS: iops,
                            diskBytesPerSecond: mbps * 1e6, diskLatency: diskLatency, nicBytesPerSecond: nic * 1.25e8, maxConnections: maxConnections, diskBytes: disk * gib)
        node.workMemBytes = workMem * 1_048_576
        node.hashMemMultiplier = hashMultiplier
        return node
    }

    static func readCluster(_ m: YAMLMapping) -> ClusterSpec? {
        let coordinatorMapping = m.mapping("coordinator")
        let coordinatorCount = coordinatorMapping.map { $0.integer("count", in: 1...64, default: 1) } ?? 1
        let coordinator = coordinatorMapping.flatMap { readNode($0, defaultMaxConnections: 500) }
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
        // The executor's costs default to the lab's fit (`ClusterSpec.fitted…`).
        let setup = seconds(m, "connection_setup_cpu", default: ClusterSpec.fittedConnectionSetupCPU.seconds, allowZero: true)
        let handshake = seconds(m, "tls_handshake_cpu", default: ClusterSpec.fittedTLSHandshakeCPU.seconds, allowZero: true)
        let clientSetup = seconds(m, "connection_setup_coordinator_cpu", default: 0, allowZero: true)
        let perTask = seconds(m, "task_coordinator_cpu", default: ClusterSpec.fittedTaskCoordinatorCPU.seconds, allowZero: true)
        let perSubplan = seconds(m, "subplan_coordinator_cpu", default: ClusterSpec.fittedSubplanCoordinatorCPU.seconds, allowZero: true)
        let cold = seconds(m, "cold_task_worker_cpu", default: ClusterSpec.fittedColdTaskWorkerCPU.seconds, allowZero: true)
        var memory: BackendMemory? = BackendMemory()
        if let b = m.mapping("backend_memory", required: false) {
            let d = BackendMemory()
            let fresh = b.number("fresh_mib", in: 0...65_536, default: d.freshBytes / 1_048_576)
            let coordinatorFirst = b.number("coordinator_first_query_kib", in: 0...1e9, default: d.coordinatorFirstQueryBytes / 1024)
            let coordinatorPerShard = b.number("coordinator_bytes_per_shard", in: 0...1e9, default: d.coordinatorBytesPerShard)
            let workerFirst = b.number("worker_first_query_kib", in: 0...1e9, default: d.workerFirstQueryBytes / 1024)
            let workerPerShard = b.number("worker_bytes_per_shard", in: 0...1e9, default: d.workerBytesPerShard)
            b.finish()
            if let fresh, let coordinatorFirst, let coordinatorPerShard, let workerFirst, let workerPerShard {
                memory = BackendMemory(freshBytes: fresh * 1_048_576, coordinatorFirstQueryBytes: coordinatorFirst * 1024,
                                       coordinatorBytesPerShard: coordinatorPerShard, workerFirstQueryBytes: workerFirst * 1024,
                                       workerBytesPerShard: workerPerShard)
            } else {
                memory = nil
            }
        }
        let hasShards = m.bool("coordinator_has_shards", default: false)
        let sharedHost = m.value("shared_host_cores") == nil ? Int?.some(0) : m.integer("shared_host_cores", in: 1...4096)
        _ = m.value("layout")  // read with the tables (LayoutReader)
        m.finish()
        guard let coordinator, let coordinatorCount, let count, let worker, let latency, let tls, let setup, let handshake, let hasShards else { return nil }
        var spec = ClusterSpec(coordinator: coordinator, worker: worker, workerCount: count, networkLatency: latency, tls: tls,
                               connectionSetupCPU: setup, tlsHandshakeCPU: handshake)
        spec.coordinatorHasShards = hasShards
        spec.coordinatorCount = coordinatorCount
        guard let clientSetup, let perTask, let perSubplan, let cold else { return nil }
        spec.subplanCoordinatorCPU = perSubplan
        spec.coldTaskWorkerCPU = cold
        spec.connectionSetupCoordinatorCPU = clientSetup
        spec.taskCoordinatorCPU = perTask
        guard let sharedHost, let memory else { return nil }
        spec.backendMemory = memory
        spec.sharedHostCores = sharedHost == 0 ? nil : sharedHost
        spec.workerSizes = sizes
        return spec
    }

    /// Schema-based tenants: what this build simulates of them (each tenant's queries stay in its
    /// schema), all problems reported.
    static func checkSchemaBased(_ root: YAMLMapping, tables: [TableSpec], workload: WorkloadSpec) -> Bool {
        let reader = root.reader
        let key = root.mapping("citus", required: false)?.value("enable_schema_based_sharding") ?? root.node
        var ok = true
        if workload.tenants.count > 1_000_000 {
            reader.error(key, "schema-based sharding with \(workload.tenants.count) tenant schemas: this build places up to 1,000,000 schemas (a single-shard colocation group each, about 3 KiB of memory per schema); model the largest tenants and scale the rest down")
            ok = false
        }
        if let c = workload.classes.first(where: \.isFanOut) {
            reader.error(key, "schema-based sharding: class `\(c.name)` (\(c.kind.rawValue)) would query every tenant's schema; simulated are router and reference_join classes (one tenant's schema) and across_schemas classes (a read over a given number of schemas, one subplan each)")
            ok = false
        }
        if let t = tables.first(where: { $0.kind == .distributed && ($0.shardCount != nil || $0.colocateWith != nil) }) {
            reader.error(key, "schema-based sharding: table `\(t.name)` has one shard in each tenant's schema, colocated within it; remove its `shard_count` and `colocate_with`")
            ok = false
        }
        return ok
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
