import SimCore

/// How a multi-shard query's per-task work changes with the shard count: `split` keeps the
/// query's total and divides it among the shards (a table scan: twice the shards, half the work
/// each); `perShard` keeps each task's cost (an index lookup in every shard).
public enum FanOutWork: String, Sendable, CaseIterable { case split, perShard = "per_shard" }

/// A kind of query in the workload, with what it costs.
///
/// CPU is in seconds at full core speed (processor sharing on the node that runs it).
/// Data read is in bytes; pages that miss the node's cache become disk reads.
public struct QueryClass: Sendable, Equatable {
    /// How Citus executes the class (FACTS G).
    public enum Kind: String, Sendable, CaseIterable {
        /// One tenant: the coordinator routes it to the tenant's shard over one connection.
        case router
        /// Every shard of the table: the adaptive executor fans out over per-worker pools.
        case multiShard = "multi_shard"
        /// Router query joining a reference table: runs on the tenant's worker with the local replica.
        case referenceJoin = "reference_join"
        /// INSERT ... SELECT pushed down to every shard (colocated): fans out like a multi-shard query.
        case insertSelectPushdown = "insert_select_pushdown"
        /// INSERT ... SELECT that pulls rows to the coordinator and re-routes them.
        case insertSelectCoordinator = "insert_select_coordinator"
        /// Schema-based sharding: a read over the same table in several tenant schemas (a
        /// UNION ALL, a view over schemas). Each schema is its own colocation group, so the
        /// router planner refuses it and Citus plans each schema's part as a subplan
        /// (`ShouldRecursivelyPlanSetOperation`, recursive_planning.c); `ExecuteSubPlans`
        /// (subplan_execution.c) runs the subplans one after another, each a one-task query to
        /// its schema's node whose rows go to the coordinator, then the coordinator runs the
        /// outer query over those intermediate results.
        case acrossSchemas = "across_schemas"
    }

    /// The SQL command the class runs; during a `force_logical` move UPDATE and DELETE fail
    /// on tables without a replica identity (FACTS D.1).
    public enum Command: String, Sendable, CaseIterable { case select, insert, update, delete }

    public var name: String
    public var kind: Kind
    public var command: Command
    /// Share of arrivals (normalised over classes).
    public var share: Double
    /// Distributed table the class reads (for placement).
    public var table: String
    /// CPU per shard task on the worker, seconds.
    public var workerCPU: Distribution
    /// CPU on the coordinator to plan (and for multi-shard queries, merge), seconds.
    public var coordinatorCPU: Distribution
    /// Bytes read per shard task (pages come from cache or disk).
    public var bytesRead: Double
    /// Result bytes per shard task sent to the coordinator.
    public var resultBytes: Double
    /// Bytes written per shard task (WAL on the worker's disk).
    public var writeBytes: Double
    /// Multi-shard classes: how `workerCPU` and `bytesRead` change with the shard count (nil:
    /// not said; the advisor then uses its `fan_out_work` default), and the shard count they
    /// were measured at (the scenario reader rescales them to the table's shard count).
    public var fanOutWork: FanOutWork?
    public var measuredAtShardCount: Int?
    /// `across_schemas` classes: the tenant schemas each query reads (one subplan each), drawn
    /// by the tenants' activity; 1 for the other classes. `workerCPU`, `bytesRead` and
    /// `resultBytes` are per subplan.
    public var schemasPerQuery = 1
    /// Sort nodes and hash nodes (hash joins, hash aggregates) in the plan of each shard task
    /// (or subplan) on its worker, as `EXPLAIN` of the shard query shows them: while the task
    /// runs, each holds up to the worker's `work_mem` (a hash node `work_mem` ×
    /// `hash_mem_multiplier`), at most the bytes the task reads. 0: none worth counting.
    public var sortNodes = 0, hashNodes = 0
    /// Multi-shard classes: sort nodes and hash nodes of the combine query the coordinator runs
    /// over the gathered rows (above `Custom Scan (Citus Adaptive)` in `EXPLAIN`): while the
    /// query runs, each holds up to the coordinator's `work_mem` (a hash node × its
    /// `hash_mem_multiplier`), at most the rows gathered. 0: none worth counting.
    public var mergeSortNodes = 0, mergeHashNodes = 0
    /// True when the class's shard tasks hold work_mem (a sort or hash node).
    public var holdsWorkMem: Bool { sortNodes + hashNodes > 0 }

    public init(name: String, kind: Kind, share: Double, table: String, workerCPU: Distribution, coordinatorCPU: Distribution,
                bytesRead: Double = 0, resultBytes: Double = 0, writeBytes: Double = 0, command: Command? = nil) {
        self.name = name
        let writes = writeBytes > 0 || kind == .insertSelectPushdown || kind == .insertSelectCoordinator
        self.command = command ?? (writes ? .insert : .select)
        self.kind = kind
        self.share = share
        self.table = table
        self.workerCPU = workerCPU
        self.coordinatorCPU = coordinatorCPU
        self.bytesRead = bytesRead
        self.resultBytes = resultBytes
        self.writeBytes = writeBytes
    }

    /// The class with its per-task work moved from `from` shards to `to` shards as `work` says:
    /// `split` multiplies CPU and bytes read per task by from/to; `perShard` leaves them.
    public func rescaled(fromShards from: Int, toShards to: Int, work: FanOutWork) -> QueryClass {
        guard work == .split, isFanOut, from != to, to > 0 else { return self }
        var c = self
        let k = Double(from) / Double(to)
        c.workerCPU = workerCPU.scaled(by: k)
        c.bytesRead *= k
        return c
    }

    /// True for classes that touch one tenant (and so one shard).
    public var isSingleTenant: Bool { kind == .router || kind == .referenceJoin }
    /// True for classes that run one task on every shard of their table.
    public var isFanOut: Bool { !isSingleTenant && kind != .acrossSchemas }
    /// Tenants (schemas or shards of tenants) one query reads point-wise: 1 for single-tenant
    /// classes, `schemasPerQuery` across schemas, 0 for fan-outs (they scan whole shards).
    public var tenantReadsPerQuery: Int { isSingleTenant ? 1 : kind == .acrossSchemas ? schemasPerQuery : 0 }
    /// True for classes that write.
    public var isWrite: Bool { command != .select || writeBytes > 0 || kind == .insertSelectPushdown || kind == .insertSelectCoordinator }
}
