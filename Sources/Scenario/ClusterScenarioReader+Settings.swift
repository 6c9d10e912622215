import Advisor
import SimCore
import Simulation
import Workload
import Yams

/// The `citus` and `operations` sections of a cluster scenario (Scenarios/README.md).
extension ClusterScenarioReader {
    static func readCitus(_ m: YAMLMapping?) -> CitusSpec? {
        var c = CitusSpec()
        guard let m else { return c }
        var ok = true
        func set<T>(_ v: T?, _ apply: (T) -> Void) { if let v { apply(v) } else { ok = false } }
        set(m.integer("shard_count", in: 1...64_000, default: 32)) { c.shardCount = $0 }
        set(m.integer("max_adaptive_executor_pool_size", in: 1...1_000_000, default: 16)) { c.maxAdaptiveExecutorPoolSize = $0 }
        set(m.integer("max_shared_pool_size", in: -1...1_000_000, default: 0)) { c.maxSharedPoolSize = $0 }
        set(m.integer("local_shared_pool_size", in: -1...1_000_000, default: 0)) { c.localSharedPoolSize = $0 }
        set(m.bool("enable_local_execution", default: true)) { c.enableLocalExecution = $0 }
        set(m.bool("enable_schema_based_sharding", default: false)) { c.schemaBasedSharding = $0 }
        set(m.integer("max_cached_conns_per_worker", in: 0...1_000_000, default: 1)) { c.maxCachedConnsPerWorker = $0 }
        set(seconds(m, "max_cached_connection_lifetime", default: 600)) { c.maxCachedConnectionLifetime = $0 }
        set(seconds(m, "executor_slow_start_interval", default: 0.01, allowZero: true)) { c.executorSlowStartInterval = $0 }
        set(seconds(m, "statement_timeout", default: 0, allowZero: true)) { c.statementTimeout = $0 > .zero ? $0 : nil }
        set(m.bool("force_max_query_parallelization", default: false)) { c.forceMaxQueryParallelization = $0 }
        set(m.bool("enable_cost_based_connection_establishment", default: true)) { c.costBasedConnectionEstablishment = $0 }
        set(m.string("multi_shard_modify_mode", allowed: ["parallel", "sequential"], default: "parallel")) { c.sequentialModifications = $0 == "sequential" }
        set(m.string("stat_statements_track", allowed: ["none", "all"], default: "none")) { c.statStatementsTrack = $0 == "all" }
        set(m.string("stat_tenants_track", allowed: ["none", "all"], default: "none")) { c.statTenantsTrack = $0 == "all" }
        set(m.string("metadata_sync_mode", allowed: ["transactional", "nontransactional"], default: "transactional")) { c.metadataSyncNontransactional = $0 == "nontransactional" }
        set(m.integer("stat_tenants_limit", in: 1...10_000, default: 100)) { c.statTenantsLimit = $0 }
        set(m.integer("max_worker_processes", in: 3...262_143, default: 8)) { c.maxWorkerProcesses = $0 }
        set(m.number("distributed_deadlock_detection_factor", in: -1...1_000, default: 2)) { factor in
            if factor != -1 && factor <= 1 {
                m.reader.error(m.value("distributed_deadlock_detection_factor"), "`\(m.qualified("distributed_deadlock_detection_factor"))` is \(factor.compact); expected -1 (off) or a number > 1, as Citus accepts")
                ok = false
            }
            c.deadlockDetection = factor != -1
        }
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
        set(m.number("full_identity_scan_mib_per_second", in: 0...1e6, lowerExclusive: true, default: o.fullIdentityScanBytesPerSecond / mib)) {
            o.fullIdentityScanBytesPerSecond = $0 * mib
        }
        set(seconds(m, "logical_replication_timeout", default: o.logicalReplicationTimeout.seconds)) { o.logicalReplicationTimeout = $0 }
        set(m.number("index_build_seconds_per_gib", in: 0...1e6, default: o.indexBuildSecondsPerGiB)) { o.indexBuildSecondsPerGiB = $0 }
        set(seconds(m, "deferred_drop_interval", default: o.deferredDropInterval.seconds, allowZero: true)) { o.deferredDropInterval = $0 }
        set(seconds(m, "metadata_sync_per_placement", default: o.metadataSyncPerPlacement.seconds, allowZero: true)) { o.metadataSyncPerPlacement = $0 }
        set(m.number("metadata_sync_bytes_per_placement", in: 0...1e9, default: o.metadataSyncBytesPerPlacement)) { o.metadataSyncBytesPerPlacement = $0 }
        set(m.number("physical_apply_mib_per_second", in: 0...1e6, lowerExclusive: true, default: o.physicalApplyBytesPerSecond / mib)) { o.physicalApplyBytesPerSecond = $0 * mib }
        set(seconds(m, "promotion_time", default: o.promotionTime.seconds, allowZero: true)) { o.promotionTime = $0 }
        set(m.number("base_backup_cpu_share", in: 0...10, default: o.baseBackupCPUShare)) { o.baseBackupCPUShare = $0 }
        set(m.number("schema_undistribute_cpu_share", in: 0...100, lowerExclusive: true, default: o.schemaUndistributeCPUShare)) { o.schemaUndistributeCPUShare = $0 }
        set(m.number("schema_distribute_cpu_share", in: 0...100, lowerExclusive: true, default: o.schemaDistributeCPUShare)) { o.schemaDistributeCPUShare = $0 }
        set(seconds(m, "failure_detection", default: o.failureDetection.seconds, allowZero: true)) { o.failureDetection = $0 }
        set(seconds(m, "standby_promotion", default: o.standbyPromotion.seconds, allowZero: true)) { o.standbyPromotion = $0 }
        set(m.string("queries_to_failed_nodes", allowed: ["error", "wait"], default: "error")) { o.waitForFailedNodes = $0 == "wait" }
        m.finish()
        return ok ? o : nil
    }
}
