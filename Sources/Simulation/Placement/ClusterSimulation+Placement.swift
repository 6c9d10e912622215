import ClusterModel
import Runbook
import SimCore

/// Placement changes during a run: a committed move changes one shard group's worker; a
/// split or a clone promotion rebuilds the placement from the metadata. Caches of the
/// workers involved are re-estimated (`WorkerCache`) at once: a simplification, since a real cache
/// warms up over minutes. A move too small to shift a worker's cache times takes the moved
/// tenants' hit ratios from the target's last estimate (`WorkerCache.Solve`).
extension ClusterSimulation {
    /// Shards of scenario table `t` (0 for reference tables): flat indices shardOffset[t] ..< + count.
    func shardCount(ofTable t: Int) -> Int {
        (t + 1 < shardOffset.count ? shardOffset[t + 1] : shardWorkerFlat.count) - shardOffset[t]
    }

    /// The CSR index of each worker's shards (range order) and the dense shard-group ids.
    mutating func rebuildShardIndex() {
        rebuildWorkerShardList()
        // Groups: tables of one colocation group share ids (same shard count and ranges).
        var base: [(colocation: ColocationID, base: Int32)] = []
        var next: Int32 = 0
        shardGroupFlat = []
        let schemaBased = scenario.citus.schemaBasedSharding
        for (t, spec) in scenario.tables.enumerated() {
            let count = shardCount(ofTable: t)
            guard count > 0 else { continue }
            // Schema-based: shard r of every distributed table is in tenant r's schema, one group
            // per schema, so the tables share group ids (under a key no real group has).
            // Otherwise the metadata as it is now (a conversion may have moved a table to another group).
            guard let colocation = schemaBased && spec.kind == .distributed ? ColocationID(-1)
                : ops.runner.state.table(spec.name)?.colocationID ?? layout.state.table(spec.name)?.colocationID else { continue }
            let b: Int32
            if let known = base.first(where: { $0.colocation == colocation }) {
                b = known.base
            } else {
                b = next
                base.append((colocation, next))
                next += Int32(count)
            }
            shardGroupFlat += (0..<count).map { b + Int32($0) }
        }
        let groups = Int(next)
        let offsets = shardOffset, groupOf = shardGroupFlat
        groupMembers = Buckets(count: groups, groupOf.indices.lazy.map { f in
            let t = offsets.lastIndex { $0 <= f }!
            return (Int(groupOf[f]), (t, f - offsets[t]))
        })
        groupBlocked = Array(repeating: false, count: groups)
        groupNoReplicaIdentityFails = Array(repeating: false, count: groups)
        if groupWAL.count != groups { groupWAL = Array(repeating: 0, count: groups) }
    }

    /// Rebuilds the worker shard list if a move made it stale.
    mutating func refreshWorkerShardList() {
        if workerShardListStale { rebuildWorkerShardList() }
    }

    /// Each worker's shards per table in range order (CSR), from `shardWorkerFlat`.
    mutating func rebuildWorkerShardList() {
        workerShardListStale = false
        var list: [Int32] = [], start: [Int] = []
        list.reserveCapacity(shardWorkerFlat.count)
        for t in scenario.tables.indices {
            var perWorker = [[Int32]](repeating: [], count: workers)
            for s in 0..<shardCount(ofTable: t) where shardWorkerFlat[shardOffset[t] + s] >= 0 {  // −1: a schema not created yet
                perWorker[Int(shardWorkerFlat[shardOffset[t] + s])].append(Int32(s))
            }
            for w in 0..<workers {
                start.append(list.count)
                list += perWorker[w]
            }
        }
        start.append(list.count)
        workerShardList = list
        workerShardStart = start
    }

    /// Flat shard index of a distributed table's shard id (−1 when unknown).
    func flatShard(_ id: ShardID) -> Int { ops.flatOfShard[id] ?? -1 }

    /// Shard ids of every flat shard, from the metadata (after set-up and rebuilds).
    mutating func indexShardIDs() {
        guard hasOperations else { return }
        let state = ops.runner.state
        var ids: [ShardID] = [], lookup: [ShardID: Int] = [:]
        if scenario.citus.schemaBasedSharding {
            // Tenant r's shard of table t is the one shard of `tenant_r.t`.
            for t in scenario.tables where t.kind == .distributed {
                for r in 1...max(1, tenantCount) {
                    // ShardID(0) stands for a schema a later `new_tenants` creates.
                    let id = state.shards(of: SimulationLayout.tenantTable(rank: r, table: t.name)).first?.id
                    if let id { lookup[id] = ids.count }
                    ids.append(id ?? ShardID(0))
                }
            }
        } else {
            for t in scenario.tables where t.kind == .distributed {
                for s in state.shards(of: t.name).sorted(by: { $0.range!.min < $1.range!.min }) {
                    lookup[s.id] = ids.count
                    ids.append(s.id)
                }
            }
        }
        ops.shardIDFlat = ids
        ops.flatOfShard = lookup
        if ops.parkedWrites.count != groupBlocked.count {
            ops.parkedWrites = Array(repeating: [], count: groupBlocked.count)
            ops.groupTransfer = Array(repeating: -1, count: groupBlocked.count)
            ops.groupApplyScanBytes = Array(repeating: 0, count: groupBlocked.count)
        }
    }

    /// Dense group of the shard group holding `anchor`.
    func group(of anchor: ShardID) -> Int32 {
        let f = flatShard(anchor)
        return f >= 0 ? shardGroupFlat[f] : -1
    }

    /// Bytes of a shard group (all its colocated shards).
    func groupBytes(_ g: Int32) -> [Double] {
        guard hasOperations else { return [] }
        return groupMembers[Int(g)].compactMap { m in ops.shardBytes[m.table].isEmpty ? nil : ops.shardBytes[m.table][m.shard] }
    }

    /// A committed move: the group's shards now live on `target`.
    mutating func commitMove(group g: Int32, from source: Int32, to target: Int32) {
        let moved = groupMembers[Int(g)].filter { !ops.shardBytes[$0.table].isEmpty }
        for m in moved {
            shardWorkerFlat[shardOffset[m.table] + m.shard] = target
            ops.shardWorker[m.table][m.shard] = target
        }
        workerShardListStale = true
        refreshCaches(moved: moved, from: source, to: target)
    }

    /// After a move: a worker whose pages changed by more than `WorkerCache.resolveDrift`
    /// since its last estimate (or that has none yet) is estimated again in full; otherwise the
    /// moved tenants take the target's cache times and the source's other tenants stay as they were.
    mutating func refreshCaches(moved: [(table: Int, shard: Int)], from source: Int32, to target: Int32) {
        if ops.tenantsOfShard.count != scenario.tables.count {
            ops.tenantsOfShard = ops.tenantShard.enumerated().map { ti, shards in
                Buckets(count: ops.shardBytes[ti].count, shards.enumerated().lazy.map { r, s in (Int(s), r) })
            }
        }
        let estimate = WorkerCache(moved: moved, tenantsOfShard: ops.tenantsOfShard, solve: target >= 0 ? ops.cacheSolves[Int(target)] ?? .init() : .init(),
                                   scenario: scenario, shardBytes: ops.shardBytes, meanArrivalRate: ops.meanArrivalRate,
                                   sizes: ops.tenantSizes, activity: ops.tenantActivity)
        var full: [Int32] = []
        for w in [source, target] where w >= 0 {
            ops.cacheSolves[Int(w)]?.drift += estimate.movedPages
            if ops.cacheSolves[Int(w)].map(\.isStale) ?? true {
                full.append(w)
            } else if w == target {
                apply(estimate)
            }
        }
        refreshCaches(workers: full)
    }

    /// Re-estimates the caches of `workers` under the current placement.
    mutating func refreshCaches(workers changed: [Int32]) {
        for w in changed where w >= 0 {
            guard let cache = try? WorkerCache(worker: w, scenario: scenario, tenantShard: ops.tenantShard, shardWorker: ops.shardWorker,
                                               shardBytes: ops.shardBytes, meanArrivalRate: ops.meanArrivalRate,
                                               sizes: ops.tenantSizes, activity: ops.tenantActivity) else { continue }
            apply(cache)
            ops.cacheSolves[Int(w)] = cache.solve
        }
    }

    private mutating func apply(_ cache: WorkerCache) {
        for h in cache.tenantHits { tenantFlat[h.table * tenantCount + h.tenant].hit = h.hit }
        for h in cache.shardScanHits { shardScanHitFlat[shardOffset[h.table] + h.shard] = h.hit }
    }

    /// After a split or a promotion: placement rebuilt from the metadata, every cache
    /// re-estimated. Group ids change; the state of groups that still exist (blocked, WAL,
    /// parked writes, tracking transfer) follows them by shard id. The caller takes the
    /// parked writes of groups that disappear before calling this.
    mutating func rebuildPlacement() throws {
        var carried: [(anchor: ShardID, blocked: Bool, noRI: Bool, wal: Double, scan: Double, parked: [(request: RequestID, since: SimTime)], transfer: Int32)] = []
        var seen = [Bool](repeating: false, count: groupBlocked.count)
        for f in shardGroupFlat.indices {
            let g = Int(shardGroupFlat[f])
            guard !seen[g] else { continue }
            seen[g] = true
            if groupBlocked[g] || groupNoReplicaIdentityFails[g] || groupWAL[g] > 0 || !ops.parkedWrites[g].isEmpty || ops.groupTransfer[g] >= 0 {
                carried.append((ops.shardIDFlat[f], groupBlocked[g], groupNoReplicaIdentityFails[g], groupWAL[g], ops.groupApplyScanBytes[g], ops.parkedWrites[g],
                                ops.groupTransfer[g]))
            }
        }
        let state = ops.runner.state
        let map = ops.workerOfNode
        let workerIndex = { (id: NodeID) -> Int32 in Int(id.rawValue) < map.count ? map[Int(id.rawValue)] : -1 }
        let placement = scenario.citus.schemaBasedSharding
            ? SimulationLayout.schemaPlacement(state: state, scenario: scenario, workerIndex: workerIndex, workerCount: workers, sizes: ops.tenantSizes)
            : try SimulationLayout.placement(state: state, scenario: scenario, workerIndex: workerIndex, workerCount: workers, sizes: ops.tenantSizes)
        ops.tenantShard = placement.tenantShard
        ops.tenantsOfShard = []
        ops.shardWorker = placement.shardWorker
        ops.shardBytes = placement.shardBytes
        let shards = placement.tenantShard.flatMap { $0.isEmpty ? [Int32](repeating: 0, count: tenantCount) : $0 }
        for i in tenantFlat.indices { tenantFlat[i].shard = shards[i] }
        var offsets: [Int] = [], total = 0
        for t in scenario.tables.indices { offsets.append(total); total += placement.shardWorker[t].count }
        shardOffset = offsets
        shardWorkerFlat = placement.shardWorker.flatMap { $0 }
        shardScanHitFlat = Array(repeating: 1, count: total)
        groupWAL = []
        rebuildShardIndex()
        ops.parkedWrites = []
        indexShardIDs()
        for c in carried {
            let g = Int(group(of: c.anchor))
            guard g >= 0 else { continue }
            groupBlocked[g] = c.blocked
            groupNoReplicaIdentityFails[g] = c.noRI
            groupWAL[g] = c.wal
            ops.groupApplyScanBytes[g] = c.scan
            ops.parkedWrites[g] = c.parked
            ops.groupTransfer[g] = c.transfer
        }
        refreshCaches(workers: (0..<Int32(workers)).filter { inMetadata(worker: Int($0)) })
    }
}
