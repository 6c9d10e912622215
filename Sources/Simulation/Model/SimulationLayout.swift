import ClusterModel
import SimCore
import Workload

/// Where every tenant's data lives and how well each worker caches it, built with Citus's
/// own placement rules (`ClusterState` DDL): workers `worker-1`...`worker-N` (port 5432)
/// added in order, tables created in scenario order.
///
/// Tenant keys: tenant rank r is the value r of an integer distribution column, or
/// `tenant-r` for text columns. Indices here are dense: worker w is 0-based, tenant t is
/// rank − 1, table i is the scenario's table index.
public struct SimulationLayout: Sendable {
    /// Page size PostgreSQL reads and caches, bytes.
    public static let pageBytes = 8_192.0

    public let state: ClusterState
    /// Node ids of the workers, by worker index.
    public let workerIDs: [NodeID]
    /// For each table: the shard index holding each tenant (distributed tables; empty for reference).
    public let tenantShard: [[Int32]]
    /// For each table: the worker of each shard index.
    public let shardWorker: [[Int32]]
    /// For each table: the shard indices on each worker, in range order.
    public let workerShards: [[[Int32]]]
    /// For each table: bytes of each shard.
    public let shardBytes: [[Double]]
    /// For each table: cache hit ratio of each tenant's pages on its worker.
    public let tenantHitRatio: [[Double]]
    /// For each table: page-weighted hit ratio of a scan of each shard.
    public let shardScanHitRatio: [[Double]]
    /// Data bytes on each worker.
    public let workerBytes: [Double]

    public init(scenario: ClusterScenario, meanArrivalRate: Double) throws {
        var state = ClusterState()
        state.settings.shardCount = scenario.citus.shardCount
        try state.addNode(name: "coordinator", port: 5432, groupID: 0)
        for w in 1...scenario.cluster.workerCount { try state.addNode(name: "worker-\(w)", port: 5432) }
        for t in scenario.tables {
            switch t.kind {
            case .reference: try state.createReferenceTable(t.name)
            case .distributed:
                guard let type = DistributionColumnType(sqlName: t.columnType) else {
                    throw ParameterError(parameter: "tables.\(t.name).column_type", value: t.columnType, expected: DistributionColumnType.allCases.map(\.rawValue).joined(separator: ", "))
                }
                try state.createDistributedTable(t.name, columnType: type, shardCount: t.colocateWith == nil ? t.shardCount : nil,
                                                 colocateWith: t.colocateWith.map { .table($0) } ?? .default)
            }
        }
        let workers = state.nodes.filter { !$0.isCoordinator }
        workerIDs = workers.map(\.id)
        let workerIndex = Dictionary(uniqueKeysWithValues: workers.enumerated().map { ($1.id, Int32($0)) })  // lookup only
        let tenants = scenario.workload.tenants
        var tenantShard: [[Int32]] = [], shardWorker: [[Int32]] = [], workerShards: [[[Int32]]] = [], shardBytes: [[Double]] = []
        for t in scenario.tables {
            guard t.kind == .distributed, let table = state.table(t.name), let type = table.columnType else {
                tenantShard.append([]); shardWorker.append([]); workerShards.append(Array(repeating: [], count: workers.count)); shardBytes.append([])
                continue
            }
            let shards = state.shards(of: t.name)
            let index = try ShardIntervalIndex(ranges: shards.map { $0.range! })
            let owner = shards.map { workerIndex[state.placements(of: $0.id)[0].node]! }
            var map = [Int32](repeating: 0, count: tenants.count)
            var bytes = [Double](repeating: 0, count: shards.count)
            for r in 0..<tenants.count {
                let value: DistributionValue = type.hashFamily == "integer" ? .integer(Int64(r + 1)) : .text("tenant-\(r + 1)")
                let s = index.index(of: value.hash(as: type))
                map[r] = Int32(s)
                bytes[s] += tenants.sizeBytes[r] * t.dataShare
            }
            var perWorker = [[Int32]](repeating: [], count: workers.count)
            for (s, w) in owner.enumerated() { perWorker[Int(w)].append(Int32(s)) }
            tenantShard.append(map); shardWorker.append(owner); workerShards.append(perWorker); shardBytes.append(bytes)
        }
        self.state = state
        self.tenantShard = tenantShard
        self.shardWorker = shardWorker
        self.workerShards = workerShards
        self.shardBytes = shardBytes

        // Cache: per worker, one page class per (table, tenant) plus one per reference table.
        let classes = scenario.workload.classes
        let totalShare = classes.reduce(0) { $0 + $1.share }
        var tenantHit = scenario.tables.map { _ in [Double]() }, scanHit = scenario.tables.map { _ in [Double]() }
        var workerBytes = [Double](repeating: 0, count: workers.count)
        for w in 0..<workers.count {
            var pages: [Double] = [], rates: [Double] = [], owner: [(table: Int, tenant: Int)] = []
            for (ti, t) in scenario.tables.enumerated() {
                if t.kind == .reference {
                    let p = max(1, t.referenceBytes / Self.pageBytes)
                    let rate = classes.filter { $0.kind == .referenceJoin }.reduce(0.0) { $0 + meanArrivalRate * $1.share / totalShare * max(1, $1.bytesRead / Self.pageBytes) }
                    pages.append(p); rates.append(rate / p); owner.append((ti, -1))
                    workerBytes[w] += t.referenceBytes
                    continue
                }
                let pointRate = classes.filter { $0.table == t.name && $0.isSingleTenant }.reduce(0.0) { $0 + meanArrivalRate * $1.share / totalShare * max(1, $1.bytesRead / Self.pageBytes) }
                let scanRate = classes.filter { $0.table == t.name && !$0.isSingleTenant }.reduce(0.0) { $0 + meanArrivalRate * $1.share / totalShare * max(1, $1.bytesRead / Self.pageBytes) }
                for r in 0..<tenants.count where shardWorker[ti][Int(tenantShard[ti][r])] == Int32(w) {
                    let s = Int(tenantShard[ti][r])
                    let p = max(1, tenants.sizeBytes[r] * t.dataShare / Self.pageBytes)
                    let shardPages = max(1, shardBytes[ti][s] / Self.pageBytes)
                    pages.append(p)
                    rates.append(pointRate * tenants.activity[r] / p + scanRate / shardPages)
                    owner.append((ti, r))
                    workerBytes[w] += tenants.sizeBytes[r] * t.dataShare
                }
            }
            let che = try CheCache(pages: pages, rates: rates, capacity: scenario.cluster.worker.cacheBytes / Self.pageBytes)
            for (i, o) in owner.enumerated() where o.tenant >= 0 {
                if tenantHit[o.table].isEmpty { tenantHit[o.table] = [Double](repeating: 1, count: tenants.count) }
                tenantHit[o.table][o.tenant] = che.hitRatio[i]
            }
            for (ti, t) in scenario.tables.enumerated() where t.kind == .distributed {
                if scanHit[ti].isEmpty { scanHit[ti] = [Double](repeating: 1, count: shardBytes[ti].count) }
            }
            // Scan hit ratio of each shard on this worker: page-weighted mean over its tenants.
            var hitPages = shardBytes.map { [Double](repeating: 0, count: $0.count) }
            var allPages = hitPages
            for (i, o) in owner.enumerated() where o.tenant >= 0 {
                let s = Int(tenantShard[o.table][o.tenant])
                hitPages[o.table][s] += pages[i] * che.hitRatio[i]
                allPages[o.table][s] += pages[i]
            }
            for ti in scenario.tables.indices {
                for s in shardBytes[ti].indices where allPages[ti][s] > 0 { scanHit[ti][s] = hitPages[ti][s] / allPages[ti][s] }
            }
        }
        tenantHitRatio = tenantHit
        shardScanHitRatio = scanHit
        self.workerBytes = workerBytes
    }
}
