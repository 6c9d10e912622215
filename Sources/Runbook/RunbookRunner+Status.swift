import Diagnostics
import Planner

/// What a DBA's runbook holds besides the statements that change placement: status calls,
/// clean-up calls and settings, answered with a note rather than refused.
extension RunbookRunner {
    /// Functions that report or clean up and change no placement: passed over with a note.
    public static let statusFunctions: Set<String> = [
        "citus_rebalance_status", "get_rebalance_progress", "citus_cleanup_orphaned_resources", "citus_cleanup_orphaned_shards",
        "citus_get_active_worker_nodes", "citus_version", "citus_check_cluster_node_health", "citus_check_connection_to_node",
        "citus_job_wait", "citus_job_list", "citus_job_status", "citus_stat_tenants_reset", "citus_stat_statements_reset", "pg_sleep",
        "run_command_on_workers", "citus_backend_gpid", "version",
    ]

    /// Citus 13.2's settings by name: those `pg_settings` lists on a Citus 13.2.2 coordinator (the
    /// lab) and the hidden ones `SHOW` answers there. A `SET` of another `citus.` name is almost
    /// always a misspelling, which PostgreSQL accepts silently as a placeholder.
    public static let citusSettings: Set<String> = [
        "citus.shard_count", "citus.shard_replication_factor", "citus.next_shard_id", "citus.next_placement_id",
        "citus.rebalancer_by_disk_size_base_cost", "citus.max_rebalancer_logged_ignored_moves", "citus.max_background_task_executors",
        "citus.max_background_task_executors_per_node", "citus.background_task_queue_interval", "citus.metadata_sync_mode",
        "citus.metadata_sync_interval", "citus.metadata_sync_retry_interval", "citus.max_adaptive_executor_pool_size",
        "citus.max_shared_pool_size", "citus.local_shared_pool_size", "citus.max_cached_conns_per_worker",
        "citus.max_cached_connection_lifetime", "citus.executor_slow_start_interval", "citus.force_max_query_parallelization",
        "citus.enable_cost_based_connection_establishment", "citus.multi_shard_modify_mode",
        "citus.enable_local_execution", "citus.enable_schema_based_sharding", "citus.stat_statements_track", "citus.stat_tenants_track",
        "citus.stat_tenants_limit", "citus.stat_tenants_period", "citus.stat_tenants_log_level", "citus.log_remote_commands",
        "citus.node_conninfo", "citus.node_connection_timeout", "citus.defer_shard_delete_interval", "citus.desired_percent_disk_available_after_move",
        "citus.logical_replication_timeout", "citus.max_intermediate_result_size", "citus.enable_repartition_joins",
        "citus.task_assignment_policy", "citus.propagate_set_commands", "citus.use_citus_managed_tables", "citus.enable_ddl_propagation",
        "citus.allow_nested_distributed_execution", "citus.enable_create_database_propagation", "citus.enable_binary_protocol",
        "citus.distributed_deadlock_detection_factor", "citus.recover_2pc_interval", "citus.max_high_priority_background_processes",
        "citus.enable_change_data_capture", "citus.local_table_join_policy", "citus.max_client_connections", "citus.show_shards_for_app_name_prefixes",
        "citus.skip_constraint_validation", "citus.allow_unsafe_constraints", "citus.enable_statistics_collection", "citus.cpu_priority",
        "citus.cpu_priority_for_logical_replication_senders", "citus.replicate_reference_tables_on_activate", "citus.create_object_propagation",
        "citus.enable_manual_changes_to_shards", "citus.enable_router_execution", "citus.enable_fast_path_router_planner",
        "citus.limit_clause_row_fetch_count", "citus.coordinator_aggregation_strategy", "citus.explain_all_tasks", "citus.explain_analyze_sort_method",
        "citus.max_matview_size_to_auto_recreate", "citus.enable_local_reference_table_foreign_keys", "citus.grep_remote_commands",
        "citus.worker_min_messages", "citus.multi_task_query_log_level", "citus.hide_citus_dependent_objects", "citus.override_table_visibility",
        "citus.all_modifications_commutative", "citus.cluster_name", "citus.count_distinct_error_rate", "citus.defer_drop_after_shard_move",
        "citus.defer_drop_after_shard_split", "citus.enable_create_role_propagation", "citus.enable_deadlock_prevention", "citus.enable_stat_counters",
        "citus.local_hostname", "citus.max_worker_nodes_tracked", "citus.remote_task_check_interval", "citus.skip_jsonb_validation_in_copy",
        "citus.stat_tenants_untracked_sample_rate", "citus.superuser", "citus.task_executor_type", "citus.use_secondary_nodes",
        "citus.values_materialization_threshold", "citus.version", "citus.writable_standby_coordinator", "citus.stat_statements_max",
        "citus.stat_statements_purge_interval", "citus.check_available_space_before_move",
    ]

    /// A WARNING for `SET citus.x` of a name Citus does not have, with the closest one; nil for
    /// a known name or another prefix (PostgreSQL's own settings are not checked).
    public static func unknownSettingWarning(_ name: String) -> CitusMessage? {
        guard name.hasPrefix("citus."), !citusSettings.contains(name) else { return nil }
        let closest = Spelling.closest(to: name, in: citusSettings.sorted())
        return CitusMessage(.warning, "unrecognized configuration parameter \"\(name)\": PostgreSQL keeps it as a placeholder and Citus never reads it, so it changes nothing"
                            + (closest.map { "; did you mean \($0)?" } ?? ""))
    }
}
