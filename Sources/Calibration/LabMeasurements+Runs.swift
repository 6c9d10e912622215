/// The typed records of `LabMeasurements`, one per kind of lab run (the experiment families).
extension LabMeasurements {
    /// Family a: one `citus_move_shard_placement` from psql.
    public struct SingleMove: Sendable {
        public var mode: String
        public var bytes: Double
        public var seconds: Double
    }

    /// Families b and c: a drain of worker 3 then a background rebalance, from one file's runs.
    public struct RebalanceRun: Sendable {
        /// The file's name without `.json` (e.g. `rebalance_background`), naming the series.
        public var series: String
        public var index: Int
        public var strategy: String
        public var mode: String
        public var executors: Int
        public var executorsPerNode: Int
        public var parallelColocated: Bool
        public var shardCount: Int
        /// Bytes per table at the start (before the drain), by table name in name order.
        public var tableBytes: [(table: String, bytes: Double)]
        /// The drain: statement wall time and the shard-group sizes it moved (the groups on the drained node).
        public var drainSeconds: Double
        public var drainGroupBytes: [Double]
        /// The largest shard of each drained group.
        public var drainLargestShard: [Double]
        /// The job: `started_at` to `finished_at`, and each task's bytes and polled running/done instants.
        public var jobSeconds: Double
        /// Each task's group bytes, its largest shard's bytes (colocated shards copy in parallel
        /// streams), and its polled running and done instants (seconds after `citus_rebalance_start`).
        /// `observed` is false when no poll saw the task running (its start is then estimated).
        public var tasks: [(bytes: Double, largest: Double, running: Double, done: Double, observed: Bool)]
        /// Moves the rebalance planned.
        public var plannedMoves: Int

        /// The most tasks seen running at once: at each instant a poll saw a task start, the tasks
        /// a poll had seen running and not yet done (estimated starts are left out: they would
        /// make serial tasks look concurrent).
        public var maxConcurrentTasks: Int {
            let seen = tasks.filter(\.observed)
            return seen.map { t in seen.filter { $0.running <= t.running && $0.done > t.running }.count }.max() ?? 0
        }
        /// A short name for tables and charts.
        public var label: String {
            "\(strategy) \(mode) \(executors)/\(executorsPerNode)\(parallelColocated ? " parallel" : "") \(shardCount) groups"
        }
    }

    /// Family d: pgbench of one query at one shard count and client count.
    public struct FanoutRun: Sendable {
        public var shardCount: Int
        public var query: String
        public var clients: Int
        public var tps: Double
        public var meanMilliseconds: Double
    }

    /// Family d, repeated with the connections counted: a fan-out run (as `FanoutRun`) and the
    /// connections the workers accepted from the coordinator's executor during it, summed over
    /// the workers (each client's first, kept ones included).
    public struct FanoutConnectionRun: Sendable {
        public var run: FanoutRun
        public var seconds: Double
        /// Transactions pgbench logged.
        public var queries: Int
        public var connectionsOpened: Int
    }

    /// Family j: one client's mean latency of a lookup in `schemasRead` tenant schemas (1: a
    /// router query in one schema; more: one top-level UNION ALL, planned as subplans).
    public struct AcrossSchemasRun: Sendable {
        public var query: String
        public var schemasRead: Int
        public var tps: Double
        public var meanMilliseconds: Double
        public var samples: Int
    }

    /// Family k: one `citus_schema_undistribute` and the `citus_schema_distribute` after it of a
    /// schema with one table of `bytes` (its shard, index included), wall seconds from psql.
    public struct SchemaConversionRun: Sendable {
        public var targetMiB: Int
        public var bytes: Double
        public var undistributeSeconds: Double
        public var distributeSeconds: Double
    }

    /// Family e: connections one query opened on each worker.
    public struct SingleQuery: Sendable {
        public var query: String
        public var poolSize: Int
        public var firstInSession: Bool
        public var seconds: Double
        /// New connections per worker port, in port order.
        public var newConnections: [(port: String, count: Int)]
    }

    /// Family e: connection set-up, from pgbench `-C`.
    public struct ConnectionSetup: Sendable {
        public var what: String
        /// `sslmode` of the client's connection or of `citus.node_conninfo`.
        public var sslmode: String
        public var connectionMilliseconds: Double?
        public var latencyMilliseconds: Double?
    }

    /// Family f: a closed-loop pgbench run.
    public struct PgbenchRun: Sendable {
        public var query: String
        public var clients: Int
        /// `citus.max_shared_pool_size` (`default` or a number).
        public var sharedPool: String
        public var poolSize: Int
        public var seconds: Double
        public var tps: Double
        /// Transactions pgbench counted (nil for a hung run): with `-T`, every client finishes
        /// the query it is running when the time is up, so `tps` is these over the run's
        /// duration including that tail.
        public var transactions: Double?
        public var latencyMilliseconds: Double
        public var failed: Double
        /// The run made no progress and was stopped (a too-small shared pool waiting forever).
        public var hung: Bool
        public var newConnections: [(port: String, count: Int)]
        public var peakBackends: [(port: String, count: Int)]
    }

    /// Family g: a backend's memory growth after touching shards.
    public struct MemoryRun: Sendable {
        public var node: String
        public var shardsTouched: Int
        /// The distributed table's shard count in the run.
        public var shardCount: Int
        public var growthBytes: Double
    }

    /// Family h: point lookups on a table, by cache level.
    public struct CacheRun: Sendable {
        public var table: String
        public var rows: Int
        public var heapBytes: Double
        public var indexBytes: Double
        public var tableBytes: Double { heapBytes + indexBytes }
        /// Lookups before the measured ones (from a cold start) and measured.
        public var warmupLookups: Int
        public var lookups: Int
        public var zipfS: Double
        public var sharedHitBlocks: Double
        public var pageCacheBlocks: Double
        public var diskBlocks: Double
        public var sharedBuffersBytes: Double
        public var ramBytes: Double?
    }
}
