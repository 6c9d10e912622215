import ClusterModel
import SimCore
import Workload

/// Where every shard and tenant lives during a run: the one copy of the placement that the
/// executor reads on its hot path, operations change (`move` for a committed move, `place` after
/// a split, a promotion or a conversion) and the cache estimates read (`WorkerCache`).
///
/// Numbering: shard s of scenario table t is flat shard `offset[t] + s` (reference tables have
/// none); tenant r (rank − 1) of table t is slot `t × tenants + r`. Workers are shard-node
/// indices (spare ones included); `WorkerIndex.none` means no worker: a schema a later
/// `new_tenants` creates, or an undistributed schema's local table on the coordinator.
package struct PlacementIndex {
    /// Tenants of the workload; workers (shard nodes, spare ones included).
    package let tenants: Int, workers: Int
    /// Per scenario table: whether its tenants map to its shards (distributed tables).
    package private(set) var hasTenants: [Bool] = []
    /// First flat shard of each scenario table.
    package private(set) var offset: [Int] = []
    /// Worker of each flat shard.
    package private(set) var worker: [WorkerIndex] = []
    /// Per tenant and table (slot index): the tenant's shard, and beside it the cache hit ratio
    /// of its pages on that shard's worker, so a query's one look at its tenant reads both.
    /// Only `place` changes a shard; the cache estimates set the hit ratios (`setHit`).
    private(set) var tenantSlots: [TenantSlot]
    /// Dense shard-group id of each flat shard (colocated shards of one range share it), and
    /// each group's shards; set by `regroup`.
    package private(set) var group: [ShardGroupIndex] = []
    private(set) var members = Buckets<(table: Int, shard: ShardIndex)>()
    package private(set) var groupCount = 0
    /// Citus's shard id of each flat shard (ShardID(0): a schema not created yet), set by
    /// `identify`, and the flat shard of each id.
    package private(set) var shardIDs: [ShardID] = []
    private var flatOfID: [ShardID: Int] = [:]  // lookup only
    /// Shards on each worker in range order, CSR: shards of (table, worker) are
    /// `workerShards[workerShardStart[table × workers + worker] ..< workerShardStart[... + 1]]`;
    /// stale after a move until a multi-shard query next reads it (`refreshWorkerShards`).
    private var workerShards: [ShardIndex] = [], workerShardStart: [Int] = [], workerShardsStale = false
    /// Per table, the tenants of each shard in rank order: built when a move first needs it,
    /// dropped by `place`.
    private var tenantsOfShardCache: [Buckets<TenantIndex>] = []

    /// Per table (`SimulationLayout` form): each tenant's shard (empty for reference tables),
    /// each shard's worker, and each tenant's hit ratio (empty: 1).
    package init(tenants: Int, workers: Int, tenantShard: [[ShardIndex]], shardWorker: [[WorkerIndex]], tenantHit: [[Double]]? = nil) {
        self.tenants = tenants
        self.workers = workers
        let hits = (tenantHit ?? tenantShard.map { _ in [] }).flatMap { $0.isEmpty ? [Double](repeating: 1, count: tenants) : $0 }
        tenantSlots = hits.map { TenantSlot(shard: 0, hit: $0) }
        place(tenantShard: tenantShard, shardWorker: shardWorker)
    }

    /// A new placement of every table (a split, a promotion, a conversion). Tenants keep their
    /// hit ratios until the caches are estimated again; groups (`regroup`) and shard ids
    /// (`identify`) must be set again.
    package mutating func place(tenantShard: [[ShardIndex]], shardWorker: [[WorkerIndex]]) {
        hasTenants = tenantShard.map { !$0.isEmpty }
        let shards = tenantShard.flatMap { $0.isEmpty ? [ShardIndex](repeating: 0, count: tenants) : $0 }
        precondition(shards.count == tenantSlots.count, "tenant shards and hit ratios differ in length")
        for i in tenantSlots.indices { tenantSlots[i].shard = shards[i] }
        var offsets: [Int] = [], total = 0
        for table in shardWorker { offsets.append(total); total += table.count }
        offset = offsets
        worker = shardWorker.flatMap { $0 }
        group = []
        members = .init()
        groupCount = 0
        shardIDs = []
        flatOfID = [:]
        tenantsOfShardCache = []
        rebuildWorkerShards()
    }

    // MARK: Reading

    /// Shards of scenario table `t` (0 for reference tables).
    package func shardCount(ofTable t: Int) -> Int {
        (t + 1 < offset.count ? offset[t + 1] : worker.count) - offset[t]
    }

    /// Slot of tenant `r` (rank − 1) in table `t`.
    func slot(table t: Int, tenant r: TenantIndex) -> Int { t * tenants + r.index }

    /// The cache hit ratio of tenant `r`'s pages in table `t`.
    func hit(table t: Int, tenant r: TenantIndex) -> Double { tenantSlots[t * tenants + r.index].hit }

    /// The shard of table `t` holding tenant `r` (0 for reference tables).
    package func shard(table t: Int, tenant r: TenantIndex) -> ShardIndex { tenantSlots[t * tenants + r.index].shard }

    /// The worker of shard `s` of table `t`.
    package func worker(table t: Int, shard s: ShardIndex) -> WorkerIndex { worker[offset[t] + s.index] }

    /// The worker of each shard of table `t`, by shard index.
    package func workers(ofTable t: Int) -> [WorkerIndex] { Array(worker[offset[t]..<(offset[t] + shardCount(ofTable: t))]) }

    /// Flat shard of a distributed table's shard id (−1 when unknown).
    package func flat(of id: ShardID) -> Int { flatOfID[id] ?? -1 }

    /// Shards of table `t` on worker `w` (call `refreshWorkerShards` first).
    package func shardCount(table t: Int, worker w: WorkerIndex) -> Int32 {
        Int32(workerShardStart[t * workers + w.index + 1] - workerShardStart[t * workers + w.index])
    }

    /// The `index`-th shard, in range order, of table `t` on worker `w`.
    package func shard(table t: Int, worker w: WorkerIndex, index: Int32) -> ShardIndex {
        workerShards[workerShardStart[t * workers + w.index] + Int(index)]
    }

    /// The shard groups with a shard on worker `w`, each once with its first flat shard, in flat order.
    package func groups(onWorker w: WorkerIndex) -> [(group: ShardGroupIndex, flat: Int)] {
        var seen = [Bool](repeating: false, count: groupCount), found: [(group: ShardGroupIndex, flat: Int)] = []
        for f in worker.indices where worker[f] == w && !seen[group[f].index] {
            seen[group[f].index] = true
            found.append((group[f], f))
        }
        return found
    }

    // MARK: Changing

    /// Groups the flat shards: tables of one colocation group share ids (same shard count and
    /// ranges). `colocation` holds each table's group; a table with none is left out.
    package mutating func regroup(colocation: [ColocationID?]) {
        var base: [(colocation: ColocationID, base: Int32)] = []
        var next: Int32 = 0
        group = []
        for t in offset.indices {
            let count = shardCount(ofTable: t)
            guard count > 0, let colocation = colocation[t] else { continue }
            let b: Int32
            if let known = base.first(where: { $0.colocation == colocation }) {
                b = known.base
            } else {
                b = next
                base.append((colocation, next))
                next += Int32(count)
            }
            group += (0..<count).map { ShardGroupIndex(b + Int32($0)) }
        }
        groupCount = Int(next)
        let offsets = offset, groupOf = group
        members = Buckets(count: groupCount, groupOf.indices.lazy.map { f in
            let t = offsets.lastIndex { $0 <= f }!
            return (groupOf[f].index, (t, ShardIndex(f - offsets[t])))
        })
    }

    /// Sets the shard id of each flat shard, in flat order (nil: a schema not created yet).
    package mutating func identify(_ ids: [ShardID?]) {
        flatOfID = [:]
        shardIDs = ids.enumerated().map { f, id in
            if let id { flatOfID[id] = f }
            return id ?? ShardID(0)
        }
    }

    /// A committed move: `shards` now live on `target`.
    package mutating func move(_ shards: some Sequence<(table: Int, shard: ShardIndex)>, to target: WorkerIndex) {
        for m in shards { worker[offset[m.table] + m.shard.index] = target }
        workerShardsStale = true
    }

    /// The cache estimate's hit ratio of tenant `r`'s pages in table `t`.
    mutating func setHit(_ hit: Double, table t: Int, tenant r: TenantIndex) {
        tenantSlots[t * tenants + r.index].hit = hit
    }

    /// Rebuilds the per-worker shard lists if a move made them stale.
    package mutating func refreshWorkerShards() {
        if workerShardsStale { rebuildWorkerShards() }
    }

    /// Per table, the tenants of each shard in rank order.
    mutating func tenantsOfShards() -> [Buckets<TenantIndex>] {
        if tenantsOfShardCache.count != offset.count {
            let slots = tenantSlots, tenants = tenants
            tenantsOfShardCache = offset.indices.map { t in
                Buckets(count: shardCount(ofTable: t), (hasTenants[t] ? 0..<tenants : 0..<0).lazy.map { r in (slots[t * tenants + r].shard.index, TenantIndex(r)) })
            }
        }
        return tenantsOfShardCache
    }

    private mutating func rebuildWorkerShards() {
        workerShardsStale = false
        var list: [ShardIndex] = [], start: [Int] = []
        list.reserveCapacity(worker.count)
        for t in offset.indices {
            var perWorker = [[ShardIndex]](repeating: [], count: workers)
            for s in ShardIndex.all(shardCount(ofTable: t)) where worker[offset[t] + s.index].isWorker {
                perWorker[worker[offset[t] + s.index].index].append(s)
            }
            for w in 0..<workers {
                start.append(list.count)
                list += perWorker[w]
            }
        }
        start.append(list.count)
        workerShards = list
        workerShardStart = start
    }
}
