import Simulation
import TextFormat

/// The scenario format (Scenarios/README.md) as a JSON Schema (draft 2020-12), for editors
/// (`# yaml-language-server: $schema=...`) and validators. It states the shapes, keys, types,
/// enumerations and simple ranges; the loader's checks that span keys (warm-up shorter than
/// the duration, tables named by classes, SQL in the timeline) stay in `citus-sim validate`.
public enum ScenarioSchema {
    /// `citus-sim schema`: the schema as JSON text.
    public static var json: String { document.render() }

    typealias S = JSONValue

    static var document: S {
        .object([
            ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            ("$id", .string("https://citus-sim.invalid/scenario.schema.json")),
            ("title", .string("citus-sim scenario")),
            ("description", .string("A citus-sim scenario file (Scenarios/README.md). `citus-sim validate FILE` checks what a schema cannot.")),
            ("type", .string("object")),
            ("required", .array([.string("version"), .string("kind")])),
            ("properties", .object([
                ("version", .object([("const", .integer(1))])),
                ("kind", enumeration(["cluster", "station"])),
                ("run", object([("seed", integer(0)), ("replications", integer(1, 10_000)), ("confidence", number(0.5, 0.999)),
                                ("duration", duration), ("warmup", duration), ("sample_interval", duration),
                                ("watch_tenants", .object([("type", .string("array")), ("items", integer(1))]))])),
                ("cluster", cluster), ("citus", citus), ("tables", tables), ("tenants", tenants), ("workload", workload),
                ("slo", object([("p99_ms", .object([("type", .string("object")), ("additionalProperties", number(0, exclusiveMin: true))])),
                                ("max_cpu_utilization", number(0, 1, exclusiveMin: true)), ("max_timeout_rate", number(0, 1))])),
                ("advisor", advisor), ("timeline", timeline), ("operations", operations),
                ("station", object([("discipline", enumeration(["fcfs", "ps", "loss"])), ("servers", integer(1, 1_000_000)),
                                    ("arrival_rate_per_second", number(0, exclusiveMin: true)), ("service", distribution),
                                    ("customers", integer(1)), ("warmup_customers", integer(0))],
                                   required: ["discipline", "servers", "arrival_rate_per_second", "service", "customers"])),
            ])),
            ("additionalProperties", .bool(false)),
        ])
    }

    // MARK: sections

    static var node: [(String, S)] {
        [("cores", integer(1)), ("memory_gib", number(0, exclusiveMin: true)), ("shared_buffers_gib", number(0, exclusiveMin: true)),
         ("disk_iops", number(0, exclusiveMin: true)), ("disk_mb_per_second", number(0, exclusiveMin: true)), ("disk_latency", duration),
         ("nic_gbps", number(0, exclusiveMin: true)), ("max_connections", integer(1)), ("disk_gib", number(0, exclusiveMin: true)),
         ("work_mem_mib", number(NodeSpec.workMemMiBRange.lowerBound, NodeSpec.workMemMiBRange.upperBound)),
         ("hash_mem_multiplier", number(NodeSpec.hashMemMultiplierRange.lowerBound, NodeSpec.hashMemMultiplierRange.upperBound))]
    }

    static var cluster: S {
        let group = object(node + [("count", integer(1, 100_000))], required: ["count", "cores", "memory_gib"])
        return object([
            ("coordinator", object(node + [("count", integer(1, 64))], required: ["cores", "memory_gib"])),
            ("workers", .object([("oneOf", .array([group, .object([("type", .string("array")), ("items", group), ("minItems", .integer(1))])]))])),
            ("network_latency", duration), ("tls", boolean), ("connection_setup_cpu", duration), ("tls_handshake_cpu", duration),
            ("connection_setup_coordinator_cpu", duration), ("task_coordinator_cpu", duration), ("subplan_coordinator_cpu", duration), ("cold_task_worker_cpu", duration),
            ("shared_host_cores", integer(1)), ("coordinator_has_shards", boolean),
            ("backend_memory", object([("fresh_mib", number(0)), ("coordinator_first_query_kib", number(0)), ("coordinator_bytes_per_shard", number(0)),
                                       ("worker_first_query_kib", number(0)), ("worker_bytes_per_shard", number(0))])),
            ("layout", object([("nodes", string), ("shards", string)], required: ["nodes", "shards"])),
        ], required: ["coordinator", "workers"])
    }

    static var citus: S {
        object([
            ("shard_count", integer(1, 64_000)), ("max_adaptive_executor_pool_size", integer(1)), ("max_shared_pool_size", integer(-1)),
            ("local_shared_pool_size", integer(-1)), ("enable_schema_based_sharding", boolean), ("enable_local_execution", boolean),
            ("max_cached_conns_per_worker", integer(0)), ("max_cached_connection_lifetime", duration), ("executor_slow_start_interval", duration),
            ("statement_timeout", duration), ("force_max_query_parallelization", boolean), ("enable_cost_based_connection_establishment", boolean),
            ("multi_shard_modify_mode", enumeration(["parallel", "sequential"])), ("stat_statements_track", enumeration(["none", "all"])),
            ("stat_tenants_track", enumeration(["none", "all"])), ("metadata_sync_mode", enumeration(["transactional", "nontransactional"])),
            ("stat_tenants_limit", integer(1)), ("max_worker_processes", integer(1)), ("distributed_deadlock_detection_factor", number(-1, 1_000)),
        ])
    }

    static var tables: S {
        .object([("type", .string("array")), ("items", object([
            ("name", string), ("type", enumeration(["distributed", "reference"])),
            ("distribution_column_type", enumeration(["bigint", "int", "integer", "smallint", "text", "varchar", "uuid"])),
            ("colocate_with", string), ("shard_count", integer(1, 64_000)), ("data_share", number(0, 1)), ("size_mib", number(0)),
            ("replica_identity", .object([("oneOf", .array([boolean, .object([("const", .string("full"))])]))])), ("secondary_indexes", integer(0)), ("row_bytes", number(0, exclusiveMin: true)),
        ], required: ["name", "type"]))])
    }

    static var tenants: S {
        object([
            ("count", integer(1, 10_000_000)), ("total_size_gib", number(0, exclusiveMin: true)), ("size_zipf", number(0)), ("activity_zipf", number(0)),
            ("largest", .object([("type", .string("array")), ("items", object([("rank", integer(1)), ("size_gib", number(0)), ("activity_share", number(0, 1))],
                                                                               required: ["rank"]))])),
        ], required: ["count", "total_size_gib"])
    }

    static var workload: S {
        let queryClass = object([
            ("name", string), ("kind", enumeration(["router", "multi_shard", "reference_join", "insert_select_pushdown", "insert_select_coordinator", "across_schemas"])),
            ("share", number(0, exclusiveMin: true)), ("table", string), ("worker_cpu", distribution), ("coordinator_cpu", distribution),
            ("bytes_read_kib", number(0)), ("result_bytes_kib", number(0)), ("write_bytes_kib", number(0)),
            ("rows_read", number(0)), ("rows_returned", number(0)), ("rows_written", number(0)),
            ("command", enumeration(["select", "insert", "update", "delete"])), ("fan_out_work", enumeration(["split", "per_shard"])),
            ("measured_at_shard_count", integer(1, 64_000)), ("schemas", integer(2, 100_000)),
            ("sort_nodes", integer(0, 1_000)), ("hash_nodes", integer(0, 1_000)), ("merge_sort_nodes", integer(0, 1_000)), ("merge_hash_nodes", integer(0, 1_000)),
        ], required: ["name", "kind", "share", "worker_cpu"])
        return object([
            ("arrivals", object([
                ("rate_per_second", number(0, exclusiveMin: true)), ("sessions", integer(1)),
                ("step", object([("at", duration), ("rate_per_second", number(0, exclusiveMin: true))], required: ["at", "rate_per_second"])),
                ("ramp", object([("start", duration), ("end", duration), ("to_rate_per_second", number(0, exclusiveMin: true))], required: ["start", "end", "to_rate_per_second"])),
                ("diurnal", object([("amplitude", number(0, 1)), ("period", duration), ("peak_at", duration)], required: ["amplitude"])),
            ], required: ["rate_per_second"])),
            ("clients", object([("count", integer(1)), ("think_time", distribution), ("at_end", enumeration(["stop", "finish"]))], required: ["count", "think_time"])),
            ("classes", .object([("type", .string("array")), ("items", queryClass), ("minItems", .integer(1))])),
            ("databases", integer(1, 1_000)),
        ], required: ["classes"])
    }

    static var advisor: S {
        let instance = object([("name", string), ("family", enumeration(["compute", "general", "memory"])), ("cores", integer(1)),
                               ("memory_gib", number(2)), ("disk_iops", number(0, exclusiveMin: true)), ("disk_mb_per_second", number(0, exclusiveMin: true)),
                               ("disk_gib", number(0, exclusiveMin: true)), ("nic_gbps", number(0, exclusiveMin: true)), ("price_per_hour", number(0))],
                              required: ["name", "cores", "memory_gib", "price_per_hour"])
        func list(_ item: S) -> S { .object([("type", .string("array")), ("items", item)]) }
        let scaleOut = object([("add_workers", integer(1)), ("executors_per_node", list(integer(1))), ("parallel_colocated", list(boolean)),
                               ("parallel_reference", list(boolean)), ("transfer_modes", list(enumeration(["auto", "force_logical", "block_writes"]))),
                               ("snapshot", boolean), ("max_duration", duration), ("run_for", duration),
                               ("schedule", object([("from", duration), ("to", duration), ("step", duration)], required: ["from", "to", "step"]))])
        return object([
            ("workload", enumeration(["multi_tenant", "real_time_analytics"])), ("fan_out_work", enumeration(["split", "per_shard"])),
            ("catalog", list(instance)), ("coordinator", string), ("max_coordinators", integer(1, 8)), ("min_workers", integer(1)), ("max_workers", integer(1)),
            ("budget_per_hour", number(0, exclusiveMin: true)), ("headroom", number(0)),
            ("horizon", object([("traffic_growth", number(1)), ("tenant_growth", number(1))])),
            ("single_node", object([("cores", integer(1, 4_096)), ("memory_gib", number(0, exclusiveMin: true)),
                                    ("latency_ms", number(0, exclusiveMin: true)), ("target_latency_ms", number(0, exclusiveMin: true))], required: ["cores", "memory_gib"])),
            ("search", object([("shard_counts", list(integer(1, 64_000))), ("worker_counts", list(integer(1, 100_000))), ("instances", list(string)),
                               ("pool_sizes", list(integer(1, 10_000))), ("shared_pool_sizes", list(integer(-1))), ("max_connections", list(integer(10)))])),
            ("replications", integer(2)), ("duration", duration), ("warmup", duration), ("growth_steps", list(number(1, exclusiveMin: true))),
            ("scale_out", .object([("oneOf", .array([scaleOut, .object([("const", .bool(false))])]))])), ("isolation_candidates", integer(0)),
            ("runway", object([("traffic_per_month", number(0)), ("data_per_month", number(0)), ("months", integer(1, 600)),
                               ("as_of", .object([("type", .string("string")), ("pattern", .string("^[0-9]{4}-[0-9]{2}$"))])),
                               ("classes", list(object([("tenants", .object([("type", .string("array")), ("items", integer(1)), ("minItems", .integer(2)), ("maxItems", .integer(2))])),
                                                        ("traffic_per_month", number(0)), ("data_per_month", number(0))], required: ["tenants"])))])),
            ("ha", .object([("oneOf", .array([object([("window", duration)]), .object([("const", .bool(false))])]))])),
        ])
    }

    static var timeline: S {
        let events = ["node_fails", "node_returns", "rate_multiplier", "tenant_grows", "new_tenants", "add_coordinator"]
        return .object([("type", .string("array")), ("items", object([
            ("at", duration), ("sql", string), ("event", enumeration(events)), ("node", string), ("standby", boolean),
            ("factor", number(0, exclusiveMin: true)), ("rank", integer(1)), ("size_factor", number(0, exclusiveMin: true)),
            ("activity_factor", number(0)), ("count", integer(1)), ("size_mib", number(0)),
        ], required: ["at"]))])
    }

    static var operations: S {
        object([
            ("copy_mib_per_core_second", number(0, exclusiveMin: true)), ("blocking_move_overhead", duration), ("logical_move_overhead", duration),
            ("separate_transaction_move_overhead", duration), ("separate_transaction_logical_move_overhead", duration),
            ("background_task_overhead", duration), ("background_task_logical_overhead", duration),
            ("logical_apply_mib_per_second", number(0, exclusiveMin: true)), ("full_identity_scan_mib_per_second", number(0, exclusiveMin: true)), ("logical_replication_timeout", duration),
            ("index_build_seconds_per_gib", number(0)), ("deferred_drop_interval", duration), ("metadata_sync_per_placement", duration),
            ("metadata_sync_bytes_per_placement", number(0)), ("physical_apply_mib_per_second", number(0, exclusiveMin: true)),
            ("base_backup_cpu_share", number(0)), ("schema_undistribute_cpu_share", number(0, exclusiveMin: true)), ("schema_distribute_cpu_share", number(0, exclusiveMin: true)), ("promotion_time", duration), ("failure_detection", duration), ("standby_promotion", duration),
            ("queries_to_failed_nodes", enumeration(["error", "wait"])),
        ])
    }

    static var distribution: S {
        object([("distribution", enumeration(["constant", "exponential", "lognormal", "gamma", "pareto", "weibull", "uniform"])),
                ("value", duration), ("mean", duration), ("cv", number(0, exclusiveMin: true)), ("shape", number(0, exclusiveMin: true)),
                ("scale", duration), ("low", duration), ("high", duration)], required: ["distribution"])
    }

    // MARK: building blocks

    /// A duration with its unit, as the loader reads it (`250ms`, `1.5s`, `200_000us`).
    static var duration: S { .object([("type", .string("string")), ("pattern", .string("^[0-9][0-9_]*(\\.[0-9]+)?(us|ms|s|m|h)$"))]) }
    static var string: S { .object([("type", .string("string"))]) }
    static var boolean: S { .object([("type", .string("boolean"))]) }

    static func object(_ properties: [(String, S)], required: [String] = []) -> S {
        var fields: [(String, S)] = [("type", .string("object")), ("properties", .object(properties))]
        if !required.isEmpty { fields.append(("required", .array(required.map { .string($0) }))) }
        fields.append(("additionalProperties", .bool(false)))
        return .object(fields)
    }

    static func enumeration(_ values: [String]) -> S { .object([("enum", .array(values.map { .string($0) }))]) }

    static func integer(_ min: Int64, _ max: Int64? = nil) -> S {
        var f: [(String, S)] = [("type", .string("integer")), ("minimum", .integer(min))]
        if let max { f.append(("maximum", .integer(max))) }
        return .object(f)
    }

    static func number(_ min: Double, _ max: Double? = nil, exclusiveMin: Bool = false) -> S {
        var f: [(String, S)] = [("type", .string("number")), (exclusiveMin ? "exclusiveMinimum" : "minimum", .number(min, digits: 3))]
        if let max { f.append(("maximum", .number(max, digits: 3))) }
        return .object(f)
    }
}
