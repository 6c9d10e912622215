import Foundation

/// Everything the lab measured (Lab/measured/*.json, written by Lab/experiments/), read into
/// typed records (`LabMeasurements+Runs.swift`). Times in seconds unless a name says otherwise;
/// bytes as Citus reports them.
public struct LabMeasurements: Sendable {
    public var files: [String] = []
    public var singleMoves: [SingleMove] = []
    /// psql's own start-up in a single move's wall time.
    public var psqlOverhead = 0.0
    public var rebalances: [RebalanceRun] = []
    public var fanouts: [FanoutRun] = []
    public var fanoutConnections: [FanoutConnectionRun] = []
    public var singleQueries: [SingleQuery] = []
    public var connectionSetups: [ConnectionSetup] = []
    public var pgbench: [PgbenchRun] = []
    public var memory: [MemoryRun] = []
    public var cache: [CacheRun] = []
    public var acrossSchemas: [AcrossSchemasRun] = []
    public var schemaConversions: [SchemaConversionRun] = []
    /// psql's own start-up in family k's wall times.
    public var schemaConversionPsqlOverhead = 0.0

    public init() {}

    /// The experiment names this reader knows, with the families they hold.
    public static let experiments = [
        ("single_shard_moves", "a"), ("background_rebalance_and_drain", "b, c"), ("fanout_latency_against_shard_count", "d"),
        ("fanout_connections_against_shard_count", "d"),
        ("connections", "e, f"), ("backend_memory_against_shards_touched", "g"), ("two_level_cache", "h"),
        ("read_across_schemas_against_schema_count", "j"), ("schema_distribute_and_undistribute", "k"),
    ]

    /// Reads `paths`: measurement files, or directories whose `*.json` files are read in name order.
    public static func load(_ paths: [String]) throws -> LabMeasurements {
        var files: [String] = []
        for p in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDirectory) else {
                throw MeasurementError(file: p, field: "", problem: "no such file or directory")
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: p)) ?? []
                files += names.filter { $0.hasSuffix(".json") }.sorted().map { (p as NSString).appendingPathComponent($0) }
            } else {
                files.append(p)
            }
        }
        guard !files.isEmpty else { throw MeasurementError(file: paths.joined(separator: " "), field: "", problem: "no measurement files (*.json)") }
        var m = LabMeasurements()
        for f in files { try m.read(file: f) }
        m.files = files
        return m
    }

    mutating func read(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw MeasurementError(file: file, field: "", problem: "cannot be read") }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw MeasurementError(file: file, field: "", problem: "is not valid JSON")
        }
        let root = JSONField(file: file, path: "", value: json)
        let experiment = try root.field("experiment").string()
        let series = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        switch experiment {
        case "single_shard_moves": try readMoves(root)
        case "background_rebalance_and_drain": try readRebalances(root, series: series)
        case "fanout_latency_against_shard_count": try readFanouts(root)
        case "fanout_connections_against_shard_count": try readFanoutConnections(root)
        case "connections": try readConnections(root)
        case "backend_memory_against_shards_touched": try readMemory(root)
        case "two_level_cache": try readCache(root)
        case "read_across_schemas_against_schema_count": try readAcrossSchemas(root)
        case "schema_distribute_and_undistribute": try readSchemaConversions(root)
        default:
            throw MeasurementError(file: file, field: "experiment", problem: "\"\(experiment)\" is not one of \(Self.experiments.map(\.0).joined(separator: ", "))")
        }
    }

    mutating func readMoves(_ root: JSONField) throws {
        psqlOverhead = try root.field("psql_overhead_s").nonNegative()
        for m in try root.field("moves").nonEmptyArray() {
            let mode = try m.field("mode").string()
            guard ["block_writes", "force_logical", "auto"].contains(mode) else {
                throw try m.field("mode").fail("\"\(mode)\" is not block_writes, force_logical or auto")
            }
            singleMoves.append(SingleMove(mode: mode, bytes: try m.field("shard_bytes").nonNegative(), seconds: try m.field("wall_s").nonNegative()))
        }
    }

    mutating func readRebalances(_ root: JSONField, series: String) throws {
        for (i, r) in try root.field("runs").nonEmptyArray().enumerated() {
            let cfg = try r.field("config")
            let drain = try r.field("drain")
            let before = try drain.field("layout_before").nonEmptyArray()
            let rebalanceLayout = try r.field("layout_before_rebalance").nonEmptyArray()
            let groups = try Self.groups(before)
            let tasksJSON = try r.field("tasks").array()
            let groupsBefore = try Self.groups(rebalanceLayout)
            // The drained node: it held shards before the drain and none after it.
            let emptied = Set(groups.map(\.port)).subtracting(groupsBefore.map(\.port)).sorted()
            guard emptied.count == 1, let drainedPort = emptied.first else {
                throw try r.field("layout_before_rebalance").fail("shows \(emptied.count) nodes emptied by the drain; expected exactly one")
            }
            var tasks: [(bytes: Double, largest: Double, running: Double, done: Double, observed: Bool)] = []
            // Every instant a poll saw a change: a task that started and ended between two polls
            // (seen blocked or runnable, then done) started after the poll before its done.
            var instants: [Double] = []
            for t in tasksJSON { for (_, v) in try t.field("first_seen").members() { instants.append(try v.nonNegative()) } }
            instants.sort()
            for t in tasksJSON {
                let command = try t.field("command").string()
                guard let shard = Self.firstShardID(in: command) else { throw try t.field("command").fail("names no shard id") }
                guard let group = groupsBefore.first(where: { $0.shards.contains(shard) }) else {
                    throw try t.field("command").fail("moves shard \(shard), which layout_before_rebalance does not hold")
                }
                let seen = try t.field("first_seen")
                // The poll loop stops when the job is finished, which may be just after a last task's
                // status poll: such a task ended by the loop's end (`wall_s`).
                let done: Double
                if let d = seen.optional("done") { done = try d.nonNegative() } else if try r.field("job_state").string() == "finished" {
                    done = try r.field("wall_s").nonNegative()
                } else {
                    throw seen.fail("has no done instant and the job did not finish")
                }
                let observed = try seen.optional("running")?.nonNegative()
                tasks.append((group.bytes, group.largest, observed ?? (instants.last { $0 < done } ?? 0), done, observed != nil))
            }
            var tables: [String: Double] = [:]
            for row in before { tables[try row.field("table_name").string(), default: 0] += try row.field("shard_size").nonNegative() }
            rebalances.append(RebalanceRun(
                series: series, index: i, strategy: try cfg.field("strategy").string(), mode: try cfg.field("mode").string(),
                executors: try cfg.field("executors").int(), executorsPerNode: try cfg.field("per_node").int(),
                parallelColocated: try cfg.field("parallel_colocated").bool(), shardCount: try r.field("shard_count").int(),
                tableBytes: tables.keys.sorted().map { ($0, tables[$0]!) },
                drainSeconds: try drain.field("wall_s").nonNegative(),
                drainGroupBytes: groups.filter { $0.port == drainedPort }.map(\.bytes),
                drainLargestShard: groups.filter { $0.port == drainedPort }.map(\.largest),
                jobSeconds: try r.field("job_started_to_finished_s").nonNegative(), tasks: tasks,
                plannedMoves: try r.field("plan").array().count))
        }
    }

    /// Shard groups of a `citus_shards` listing: the shards with the same index in each table's
    /// id order (colocated tables have equal shard counts), their node port and bytes.
    static func groups(_ rows: [JSONField]) throws -> [(port: String, bytes: Double, largest: Double, shards: Set<Int>)] {
        var byTable: [String: [(id: Int, port: String, bytes: Double)]] = [:]
        for row in rows {
            byTable[try row.field("table_name").string(), default: []].append(
                (try row.field("shardid").int(), try row.field("nodeport").string(), try row.field("shard_size").nonNegative()))
        }
        let tables = byTable.keys.sorted().map { byTable[$0]!.sorted { $0.id < $1.id } }
        guard let first = tables.first else { return [] }
        return first.indices.map { i in
            let members = tables.compactMap { $0.indices.contains(i) ? $0[i] : nil }
            return (first[i].port, members.reduce(0) { $0 + $1.bytes }, members.map(\.bytes).max() ?? 0, Set(members.map(\.id)))
        }
    }

    static func firstShardID(in command: String) -> Int? {
        guard let open = command.firstIndex(of: "(") else { return nil }
        return Int(command[command.index(after: open)...].prefix { $0.isNumber })
    }

    mutating func readFanouts(_ root: JSONField) throws {
        for r in try root.field("runs").nonEmptyArray() {
            fanouts.append(FanoutRun(shardCount: try r.field("shard_count").int(), query: try r.field("query").string(), clients: try r.field("clients").int(),
                                     tps: try r.field("tps").nonNegative(), meanMilliseconds: try r.field("summary").field("mean_ms").nonNegative()))
        }
    }

    mutating func readFanoutConnections(_ root: JSONField) throws {
        let seconds = try root.field("seconds_per_run").nonNegative()
        for r in try root.field("runs").nonEmptyArray() {
            let run = FanoutRun(shardCount: try r.field("shard_count").int(), query: try r.field("query").string(), clients: try r.field("clients").int(),
                                tps: try r.field("tps").nonNegative(), meanMilliseconds: try r.field("summary").field("mean_ms").nonNegative())
            let opened = try Self.perPort(r.field("connections_opened")).reduce(0) { $0 + $1.count }
            fanoutConnections.append(FanoutConnectionRun(run: run, seconds: seconds, queries: try r.field("summary").field("n").int(),
                                                         connectionsOpened: opened))
        }
    }

    mutating func readAcrossSchemas(_ root: JSONField) throws {
        for r in try root.field("runs").nonEmptyArray() {
            let k = try r.field("schemas_read").int()
            guard k >= 1 else { throw try r.field("schemas_read").fail("\(k) is not a number of schemas (1 or more)") }
            acrossSchemas.append(AcrossSchemasRun(query: try r.field("query").string(), schemasRead: k, tps: try r.field("tps").nonNegative(),
                                                  meanMilliseconds: try r.field("summary").field("mean_ms").nonNegative(),
                                                  samples: try r.field("summary").field("n").int()))
        }
    }

    mutating func readSchemaConversions(_ root: JSONField) throws {
        schemaConversionPsqlOverhead = try root.field("psql_overhead_s").nonNegative()
        for r in try root.field("runs").nonEmptyArray() {
            schemaConversions.append(SchemaConversionRun(targetMiB: try r.field("target_mib").int(), bytes: try r.field("shard_bytes").nonNegative(),
                                                         undistributeSeconds: try r.field("undistribute_wall_s").nonNegative(),
                                                         distributeSeconds: try r.field("distribute_wall_s").nonNegative()))
        }
    }

    static func perPort(_ f: JSONField) throws -> [(port: String, count: Int)] {
        try f.members().map { ($0.0, try $0.1.int()) }
    }

    mutating func readConnections(_ root: JSONField) throws {
        for q in try root.field("single_query").nonEmptyArray() {
            singleQueries.append(SingleQuery(query: try q.field("query").string(), poolSize: try q.field("pool_size").int(),
                                             firstInSession: try q.field("nth").string() == "first_query_in_session",
                                             seconds: try q.field("wall_s").nonNegative(), newConnections: try Self.perPort(q.field("new_connections"))))
        }
        for s in try root.field("connection_setup").array() {
            let mode = try (s.optional("sslmode") ?? s.field("node_sslmode")).string()
            connectionSetups.append(ConnectionSetup(what: try s.field("what").string(), sslmode: mode,
                                                    connectionMilliseconds: try s.optional("connection_time_ms")?.nonNegative(),
                                                    latencyMilliseconds: try s.optional("latency_average_ms")?.nonNegative()))
        }
        for p in try root.field("pgbench").array() {
            let sharedField = try p.field("max_shared_pool_size")
            let shared: String
            if let text = try? sharedField.string() { shared = text } else { shared = String(try sharedField.int()) }
            pgbench.append(PgbenchRun(query: try p.field("query").string(), clients: try p.field("clients").int(),
                                      sharedPool: shared, poolSize: try p.field("pool_size").int(),
                                      seconds: try p.field("seconds").nonNegative(), tps: try p.optional("tps")?.nonNegative() ?? 0,
                                      transactions: try p.optional("transactions")?.nonNegative(),
                                      latencyMilliseconds: try p.optional("latency_average_ms")?.nonNegative() ?? 0,
                                      failed: try p.optional("failed")?.nonNegative() ?? 0, hung: try p.optional("hung")?.bool() ?? false,
                                      newConnections: try Self.perPort(p.field("new_connections")), peakBackends: try Self.perPort(p.field("peak_backends"))))
        }
    }

    mutating func readMemory(_ root: JSONField) throws {
        for r in try root.field("runs").nonEmptyArray() {
            for node in ["coordinator", "worker"] {
                let n = try r.field(node)
                let growth = try n.field("after").field("contexts_bytes").double() - n.field("before").field("contexts_bytes").double()
                memory.append(MemoryRun(node: node, shardsTouched: try n.field("shards_touched").int(), shardCount: try r.field("shard_count").int(),
                                        growthBytes: growth))
            }
        }
    }

    mutating func readCache(_ root: JSONField) throws {
        let settings = try root.field("settings")
        let shared = try Self.bytes(settings.field("shared_buffers"))
        let ram = try settings.optional("emulated_ram_mib")?.nonNegative()
        let tables = try root.field("tables")
        for r in try root.field("runs").nonEmptyArray() {
            let name = try r.field("table").string()
            let t = try tables.field(name)
            cache.append(CacheRun(table: name, rows: try t.field("rows").int(), heapBytes: try t.field("heap_bytes").nonNegative(),
                                  indexBytes: try t.field("index_bytes").nonNegative(), warmupLookups: try root.field("warmup_lookups").int(),
                                  lookups: try root.field("lookups").int(),
                                  zipfS: try r.field("zipf_s").nonNegative(), sharedHitBlocks: try r.field("shared_hit_blocks").nonNegative(),
                                  pageCacheBlocks: try r.field("page_cache_blocks").nonNegative(), diskBlocks: try r.field("disk_blocks").nonNegative(),
                                  sharedBuffersBytes: shared, ramBytes: ram.map { $0 * 1_048_576 }))
        }
    }

    /// A PostgreSQL memory setting as `SHOW` prints it (`64MB`, `1GB`, `8kB`), in bytes.
    static func bytes(_ f: JSONField) throws -> Double {
        let s = try f.string()
        let units: [(String, Double)] = [("kB", 1024), ("MB", 1_048_576), ("GB", 1_073_741_824), ("TB", 1_099_511_627_776)]
        for (u, k) in units where s.hasSuffix(u) {
            if let v = Double(s.dropLast(u.count)) { return v * k }
        }
        throw f.fail("\"\(s)\" is not a PostgreSQL size such as 128MB")
    }
}
