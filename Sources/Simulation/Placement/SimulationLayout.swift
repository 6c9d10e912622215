import ClusterModel
import SimCore
import Workload

/// Where every tenant's data lives and how well each worker caches it, built with Citus's
/// own placement rules (`ClusterState` DDL): workers `worker-1`...`worker-N` (port 5432)
/// added in order, tables created in scenario order; or, with `cluster.layout`, the imported
/// metadata as it is. With `cluster.coordinator_has_shards`
/// the coordinator is shard node 0 (the "workers" below are then the shard nodes).
///
/// Tenant keys: tenant rank r is the value r of an integer distribution column, or
/// `tenant-r` for text columns. Indices here are dense: worker w is 0-based, tenant t is
/// rank − 1, table i is the scenario's table index.
public struct SimulationLayout: Sendable {
    /// Page size PostgreSQL reads and caches, bytes.
    public static let pageBytes = 8_192.0

    public let state: ClusterState
    /// Node ids of the workers, by worker index.
    public let workerIDs: PerWorker<NodeID>
    /// For each table: the shard index holding each tenant (distributed tables; empty for reference).
    public let tenantShard: [[ShardIndex]]
    /// For each table: the worker of each shard index.
    public let shardWorker: [[WorkerIndex]]
    /// For each table: the shard indices on each worker, in range order.
    public let workerShards: [[[ShardIndex]]]
    /// For each table: bytes of each shard.
    public let shardBytes: [[Double]]
    /// For each table: cache hit ratio (not read from disk) of each tenant's pages on its worker.
    public let tenantHitRatio: [[Double]]
    /// For each table: page-weighted hit ratio of a scan of each shard.
    public let shardScanHitRatio: [[Double]]
    /// Data bytes on each worker.
    public let workerBytes: PerWorker<Double>

    /// The worker holding tenant `t` in distributed table `ti` (`none`: a tenant schema a
    /// timeline's `new_tenants` creates later).
    package func worker(table ti: Int, tenant t: TenantIndex) -> WorkerIndex { shardWorker[ti][tenantShard[ti][t.index].index] }

    public init(scenario: ClusterScenario, meanArrivalRate: Double) throws {
        var state = scenario.cluster.importedLayout ?? ClusterState()
        state.settings = scenario.citus.planning
        let schemaBased = scenario.citus.schemaBasedSharding
        if scenario.cluster.importedLayout == nil { try Self.createTables(&state, scenario: scenario) }
        // Shard nodes: the coordinator first when it holds shards, then the workers.
        if schemaBased { try Self.createTenantSchemas(&state, scenario: scenario) }
        let workers = state.nodes.filter { !$0.isCoordinator || scenario.cluster.coordinatorHasShards }
        workerIDs = PerWorker(workers.map(\.id))
        let workerIndex = Dictionary(uniqueKeysWithValues: workers.enumerated().map { ($1.id, WorkerIndex($0)) })  // lookup only
        let tenants = scenario.workload.tenants
        let placement = schemaBased
            ? Self.schemaPlacement(state: state, scenario: scenario, workerIndex: { workerIndex[$0] ?? WorkerIndex.none }, workerCount: workers.count)
            : try Self.placement(state: state, scenario: scenario, workerIndex: { workerIndex[$0] ?? WorkerIndex.none }, workerCount: workers.count)
        let (tenantShard, shardWorker, workerShards, shardBytes) = (placement.tenantShard, placement.shardWorker, placement.workerShards, placement.shardBytes)
        // Shard sizes in the metadata, so by_disk_size rebalances see the data.
        if schemaBased {
            for (ti, t) in scenario.tables.enumerated() where t.kind == .distributed {
                for r in 1...max(1, tenants.count) {
                    guard let id = state.shards(of: Self.tenantTable(rank: r, table: t.name)).first?.id else { continue }
                    state.setSize(of: id, bytes: Int64(shardBytes[ti][r - 1].rounded()))
                }
            }
        } else {
            for (ti, t) in scenario.tables.enumerated() where t.kind == .distributed {
                for (i, shard) in state.shards(of: t.name).enumerated() { state.setSize(of: shard.id, bytes: Int64(shardBytes[ti][i].rounded())) }
            }
        }
        self.state = state
        self.tenantShard = tenantShard
        self.shardWorker = shardWorker
        self.workerShards = workerShards
        self.shardBytes = shardBytes

        // Cache: one two-level model per worker (`WorkerCache`).
        var tenantHit = scenario.tables.map { t in t.kind == .distributed ? [Double](repeating: 1, count: tenants.count) : [] }
        var scanHit = shardBytes.map { [Double](repeating: 1, count: $0.count) }
        var workerBytes = PerWorker<Double>(repeating: 0, count: workers.count)
        let index = PlacementIndex(tenants: tenants.count, workers: workers.count, tenantShard: tenantShard, shardWorker: shardWorker)
        // Each worker's page cache: what its resident backends leave (`NodeMemory`).
        let memory = NodeMemory.envelope(scenario: scenario, workerShards: workerShards, shardCounts: shardBytes.map(\.count)).workers
        for w in WorkerIndex.all(workers.count) {
            let cache = try WorkerCache(worker: w, scenario: scenario, placement: index, shardBytes: shardBytes,
                                        pageCacheBytes: memory[w.index].pageCacheBytes(scenario, worker: w), meanArrivalRate: meanArrivalRate)
            for h in cache.tenantHits { tenantHit[h.table][h.tenant.index] = h.hit }
            for h in cache.shardScanHits { scanHit[h.table][h.shard.index] = h.hit }
            workerBytes[w] = cache.bytes
        }
        tenantHitRatio = tenantHit
        shardScanHitRatio = scanHit
        self.workerBytes = workerBytes
    }

    /// The cluster as the scenario describes it: the coordinator and `worker-1`...`worker-N`
    /// (port 5432) added in order, then the tables created in the listed order.
    static func createTables(_ state: inout ClusterState, scenario: ClusterScenario) throws {
        try state.addNode(name: "coordinator", port: 5432, groupID: 0)
        for name in scenario.cluster.workerNames { try state.addNode(name: name, port: 5432) }
        if scenario.cluster.coordinatorHasShards { try state.setShouldHaveShards(name: "coordinator", port: 5432, true) }
        let schemaBased = scenario.citus.schemaBasedSharding
        for t in scenario.tables where !schemaBased || t.kind == .reference {
            switch t.kind {
            case .reference: try state.createReferenceTable(t.name, hasReplicaIdentity: t.hasReplicaIdentity)
            case .distributed:
                guard let type = DistributionColumnType(sqlName: t.columnType) else {
                    throw ParameterError(parameter: "tables.\(t.name).column_type", value: t.columnType, expected: DistributionColumnType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                try state.createDistributedTable(t.name, columnType: type, shardCount: t.colocateWith == nil ? t.shardCount : nil,
                                                 colocateWith: t.colocateWith.map { .table($0) } ?? .default, hasReplicaIdentity: t.hasReplicaIdentity)
            }
        }
    }

    /// Schema-based sharding: tenant r (1-based) is schema `tenant_r`, created in rank order
    /// after the reference tables (tenants that join later, when they join); its first distributed table starts a new single-shard
    /// colocation group (placed on sorted shard node colocationId mod W, FACTS A.5) and the
    /// others join it (`tenant_r.<table>`).
    static func createTenantSchemas(_ state: inout ClusterState, scenario: ClusterScenario) throws {
        let distributed = scenario.tables.filter { $0.kind == .distributed }.map { (name: $0.name, hasReplicaIdentity: $0.hasReplicaIdentity) }
        // Tenants a timeline's `new_tenants` adds get their schemas when they join (placed by the
        // workers of that instant), not now.
        try state.createSchemaTables(schemas: (1...max(1, scenario.workload.tenants.baseCount)).map(tenantSchema(rank:)), tables: distributed)
    }

    /// Schema-based sharding: the schema of tenant rank r (1-based), `tenant_r`.
    public static func tenantSchema(rank r: Int) -> String { "tenant_\(r)" }

    /// Schema-based sharding: tenant rank r's table `table`, `tenant_r.table`.
    public static func tenantTable(rank r: Int, table: String) -> String { "\(tenantSchema(rank: r)).\(table)" }
    /// The rank of the scenario tenant whose schema is `name` (`tenant_r`, 1 ≤ r ≤ `tenants`), or nil.
    public static func tenantRank(ofSchema name: String, tenants: Int) -> Int? {
        guard name.hasPrefix("tenant_"), let r = Int(name.dropFirst("tenant_".count)), (1...max(1, tenants)).contains(r),
              tenantSchema(rank: r) == name else { return nil }
        return r
    }

    /// As `placement`, for schema-based tenants: per distributed table, tenant t's shard is
    /// index t (its schema's single shard), on the node Citus placed it; `WorkerIndex.none` for a tenant
    /// whose schema does not exist yet (it joins later in the timeline).
    static func schemaPlacement(state: ClusterState, scenario: ClusterScenario, workerIndex: (NodeID) -> WorkerIndex, workerCount: Int, sizes: [Double]? = nil)
        -> (tenantShard: [[ShardIndex]], shardWorker: [[WorkerIndex]], workerShards: [[[ShardIndex]]], shardBytes: [[Double]]) {
        let tenants = scenario.workload.tenants
        var nodeOfShard: [ShardID: NodeID] = [:]  // lookup only
        for p in state.placements { nodeOfShard[p.shard] = p.node }
        var tenantShard: [[ShardIndex]] = [], shardWorker: [[WorkerIndex]] = [], workerShards: [[[ShardIndex]]] = [], shardBytes: [[Double]] = []
        for t in scenario.tables {
            guard t.kind == .distributed else {
                tenantShard.append([]); shardWorker.append([]); workerShards.append(Array(repeating: [], count: workerCount)); shardBytes.append([])
                continue
            }
            let owner = (1...tenants.count).map { r in state.shards(of: tenantTable(rank: r, table: t.name)).first.flatMap { nodeOfShard[$0.id] }.map(workerIndex) ?? WorkerIndex.none }
            var perWorker = [[ShardIndex]](repeating: [], count: workerCount)
            for (s, w) in owner.enumerated() where w.isWorker { perWorker[w.index].append(ShardIndex(s)) }
            tenantShard.append(Array(ShardIndex.all(tenants.count)))
            shardWorker.append(owner)
            workerShards.append(perWorker)
            shardBytes.append((sizes ?? tenants.sizeBytes).map { $0 * t.dataShare })
        }
        return (tenantShard, shardWorker, workerShards, shardBytes)
    }

    /// Where tenants and shards live under `state`: per scenario table, each tenant's shard
    /// index (shards in range order), each shard's worker index, each worker's shards and each
    /// shard's bytes (tenants' data, split by `dataShare`). Tenant r (0-based) has key r + 1
    /// (integer columns) or `tenant-(r + 1)` (text).
    static func placement(state: ClusterState, scenario: ClusterScenario, workerIndex: (NodeID) -> WorkerIndex, workerCount: Int, sizes: [Double]? = nil) throws
        -> (tenantShard: [[ShardIndex]], shardWorker: [[WorkerIndex]], workerShards: [[[ShardIndex]]], shardBytes: [[Double]]) {
        let tenants = scenario.workload.tenants
        var tenantShard: [[ShardIndex]] = [], shardWorker: [[WorkerIndex]] = [], workerShards: [[[ShardIndex]]] = [], shardBytes: [[Double]] = []
        for t in scenario.tables {
            guard t.kind == .distributed, let table = state.table(t.name), let type = table.columnType else {
                tenantShard.append([]); shardWorker.append([]); workerShards.append(Array(repeating: [], count: workerCount)); shardBytes.append([])
                continue
            }
            let shards = state.shards(of: t.name).sorted { $0.range!.min < $1.range!.min }
            let index = try ShardIntervalIndex(ranges: shards.map { $0.range! })
            let owner = shards.map { workerIndex(state.placements(of: $0.id)[0].node) }
            var map = [ShardIndex](repeating: 0, count: tenants.count)
            var bytes = [Double](repeating: 0, count: shards.count)
            for r in 0..<tenants.count {
                let value: DistributionValue = type.hashFamily == "integer" ? .integer(Int64(r + 1)) : .text("tenant-\(r + 1)")
                let s = index.index(of: value.hash(as: type))
                map[r] = ShardIndex(s)
                bytes[s] += (sizes ?? tenants.sizeBytes)[r] * t.dataShare
            }
            var perWorker = [[ShardIndex]](repeating: [], count: workerCount)
            for (s, w) in owner.enumerated() where w.isWorker { perWorker[w.index].append(ShardIndex(s)) }
            tenantShard.append(map); shardWorker.append(owner); workerShards.append(perWorker); shardBytes.append(bytes)
        }
        return (tenantShard, shardWorker, workerShards, shardBytes)
    }
}
