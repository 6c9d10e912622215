import ClusterModel
import Runbook
import SimCore

/// Placement changes during a run: a committed move changes one shard group's worker; a
/// split or a clone promotion rebuilds the placement from the metadata. Caches of the
/// workers involved are re-estimated (`WorkerCache`) at once: a simplification, since a real cache
/// warms up over minutes. A move too small to shift a worker's cache times takes the moved
/// tenants' hit ratios from the target's last estimate (`WorkerCache.Solve`).
extension ClusterSimulation {
    /// Groups the placement's shards by colocation and sizes the per-group state to match.
    mutating func regroupShards() {
        let schemaBased = scenario.citus.schemaBasedSharding
        placement.regroup(colocation: scenario.tables.map { spec in
            // Schema-based: shard r of every distributed table is in tenant r's schema, one group
            // per schema, so the tables share group ids (under a key no real group has).
            // Otherwise the metadata as it is now (a conversion may have moved a table to another group).
            schemaBased && spec.kind == .distributed ? ColocationID(-1)
                : ops.runner.state.table(spec.name)?.colocationID ?? layout.state.table(spec.name)?.colocationID
        })
        let groups = placement.groupCount
        writeBlocks.regroup(groups: groups)
        replication.regroup(groups: groups)
    }

    /// Shard ids of every flat shard, from the metadata (after set-up and rebuilds).
    mutating func indexShardIDs() {
        guard hasOperations else { return }
        let state = ops.runner.state
        var ids: [ShardID?] = []
        if scenario.citus.schemaBasedSharding {
            // Tenant r's shard of table t is the one shard of `tenant_r.t` (none yet: a schema a later `new_tenants` creates).
            for t in scenario.tables where t.kind == .distributed {
                for r in 1...max(1, tenantCount) {
                    ids.append(state.shards(of: SimulationLayout.tenantTable(rank: r, table: t.name)).first?.id)
                }
            }
        } else {
            for t in scenario.tables where t.kind == .distributed {
                ids += state.shards(of: t.name).sorted(by: { $0.range!.min < $1.range!.min }).map { Optional($0.id) }
            }
        }
        placement.identify(ids)
    }

    /// Dense group of the shard group holding `anchor`.
    func group(of anchor: ShardID) -> ShardGroupIndex {
        let f = placement.flat(of: anchor)
        return f >= 0 ? placement.group[f] : ShardGroupIndex.none
    }

    /// Bytes of a shard group (all its colocated shards).
    func groupBytes(_ g: ShardGroupIndex) -> [Double] {
        guard hasOperations else { return [] }
        return placement.members[g.index].compactMap { m in ops.sizes.isSized(table: m.table) ? ops.sizes[table: m.table, shard: m.shard] : nil }
    }

    /// A committed move: the group's shards now live on `target`.
    mutating func commitMove(group g: ShardGroupIndex, from source: WorkerIndex, to target: WorkerIndex) {
        let moved = Array(placement.members[g.index].filter { ops.sizes.isSized(table: $0.table) })
        placement.move(moved, to: target)
        refreshCaches(moved: moved, from: source, to: target)
    }

    /// After a move: a worker whose pages changed by more than `WorkerCache.resolveDrift`
    /// since its last estimate (or that has none yet) is estimated again in full; otherwise the
    /// moved tenants take the target's cache times and the source's other tenants stay as they were.
    mutating func refreshCaches(moved: [(table: Int, shard: ShardIndex)], from source: WorkerIndex, to target: WorkerIndex) {
        let estimate = WorkerCache(moved: moved, tenantsOfShard: placement.tenantsOfShards(), solve: target.isWorker ? ops.cacheSolves[target] ?? .init() : .init(),
                                   scenario: scenario, shardBytes: ops.sizes.ofTable, meanArrivalRate: ops.meanArrivalRate,
                                   sizes: ops.tenantSizes, activity: ops.tenantActivity)
        var full: [WorkerIndex] = []
        for w in [source, target] where w.isWorker {
            ops.cacheSolves[w]?.drift += estimate.movedPages
            if ops.cacheSolves[w].map(\.isStale) ?? true {
                full.append(w)
            } else if w == target {
                apply(estimate)
            }
        }
        refreshCaches(workers: full)
    }

    /// Re-estimates the caches of `workers` under the current placement.
    mutating func refreshCaches(workers changed: [WorkerIndex]) {
        for w in changed where w.isWorker {
            guard let cache = try? WorkerCache(worker: w, scenario: scenario, placement: placement, shardBytes: ops.sizes.ofTable,
                                               pageCacheBytes: workerMemory[w].pageCacheBytes(scenario, worker: w), meanArrivalRate: ops.meanArrivalRate,
                                               sizes: ops.tenantSizes, activity: ops.tenantActivity) else { continue }
            apply(cache)
            ops.cacheSolves[w] = cache.solve
        }
    }

    private mutating func apply(_ cache: WorkerCache) {
        for h in cache.tenantHits { placement.setHit(h.hit, table: h.table, tenant: h.tenant) }
        for h in cache.shardScanHits { shardScanHitFlat[placement.offset[h.table] + h.shard.index] = h.hit }
    }

    /// After a split or a promotion: placement rebuilt from the metadata, every cache
    /// re-estimated. Group ids change; the state of groups that still exist (blocked, WAL,
    /// parked writes, tracking transfer) follows them by shard id. The caller takes the
    /// parked writes of groups that disappear before calling this.
    mutating func rebuildPlacement() throws {
        var carried: [(anchor: ShardID, locks: WriteBlocks.GroupState, stream: LogicalReplication.Position)] = []
        var seen = [Bool](repeating: false, count: placement.groupCount)
        for f in placement.group.indices {
            let g = placement.group[f]
            guard !seen[g.index] else { continue }
            seen[g.index] = true
            let locks = writeBlocks.state(ofGroup: g)
            if !locks.isIdle || replication.wal[g.index] > 0 {
                carried.append((placement.shardIDs[f], locks, replication.position(ofGroup: g)))
            }
        }
        let state = ops.runner.state
        let nodes = nodes
        let workerIndex = { (id: NodeID) -> WorkerIndex in nodes.worker(ofNode: id) }
        let rebuilt = scenario.citus.schemaBasedSharding
            ? SimulationLayout.schemaPlacement(state: state, scenario: scenario, workerIndex: workerIndex, workerCount: workers, sizes: ops.tenantSizes)
            : try SimulationLayout.placement(state: state, scenario: scenario, workerIndex: workerIndex, workerCount: workers, sizes: ops.tenantSizes)
        placement.place(tenantShard: rebuilt.tenantShard, shardWorker: rebuilt.shardWorker)
        ops.sizes.replaceShards(rebuilt.shardBytes)
        shardScanHitFlat = Array(repeating: 1, count: placement.worker.count)
        regroupShards()
        indexShardIDs()
        for c in carried {
            let g = group(of: c.anchor)
            guard g.isGroup else { continue }
            writeBlocks.restore(c.locks, group: g)
            replication.restore(c.stream, group: g)
        }
        refreshCaches(workers: nodes.allWorkers.filter { inMetadata(worker: $0) })
    }
}
