import ClusterModel
import Planner
import Runbook
import SimCore
import Workload

/// `alter_distributed_table(table, shard_count := n[, cascade_to_colocated := true])` in
/// simulated time, as Citus's `ConvertTable` runs it: the table is opened with an
/// ExclusiveLock (writes wait, reads go on against the old shards), a new table with n shards
/// is created, `INSERT INTO new SELECT * FROM old` repartitions every row (each old shard's
/// rows stream to the workers of the new shards they hash to, up to
/// max_adaptive_executor_pool_size streams per source worker, costed like a shard copy:
/// CPU on both sides, a disk read, the network, a disk write), the indexes are built on the
/// new shards, the old table is dropped and the new one renamed. With cascade, the colocated
/// tables follow in the same statement. Simplification: all tables' writes wait from the
/// start (Citus locks a cascaded table when its turn comes).
extension ClusterSimulation {
    mutating func startConversion(tables names: [String], shardCount: Int, chain: Int, _ s: inout Scheduler<ClusterEvent>) {
        var trial = ops.runner.state
        let nodes = nodes
        let after: (tenantShard: [[ShardIndex]], shardWorker: [[WorkerIndex]], workerShards: [[[ShardIndex]]], shardBytes: [[Double]])
        do {
            try trial.convertShardCount(of: names, to: shardCount)
            after = try SimulationLayout.placement(state: trial, scenario: scenario, workerIndex: { nodes.worker(ofNode: $0) },
                                                   workerCount: workers, sizes: ops.tenantSizes)
        } catch {
            return finishChain(chain, error: (error as? CitusError)?.description ?? "ERROR:  \(error)", &s)
        }
        let indices = names.compactMap { n in scenario.tables.firstIndex { $0.name == n } }
        var conversion = ShardTransfer.Conversion(tables: indices, names: names, shardCount: shardCount,
                                                   groups: indices.first.map { placement.shardCount(ofTable: $0) } ?? 0,
                                                   indexWork: Array(repeating: 0, count: workers))
        var t = ShardTransfer(kind: .convert(conversion), log: -1, chain: chain, mode: .blockWrites, source: .none, target: .none, anchors: [], bytes: 0)
        var sources = Set<WorkerIndex>()  // membership only
        for ti in indices {
            let spec = scenario.tables[ti]
            let old = placement.workers(ofTable: ti)
            // Bytes from each old shard to each worker of the new shards.
            var flow = [Double](repeating: 0, count: old.count * workers)
            for tenant in TenantIndex.all(tenantCount) {
                let w = after.shardWorker[ti][after.tenantShard[ti][tenant.index].index]
                guard w.isWorker else { continue }
                flow[placement.shard(table: ti, tenant: tenant).index * workers + w.index] += ops.tenantSizes[tenant.index] * spec.dataShare
            }
            for shard in old.indices where old[shard].isWorker {
                for w in 0..<workers where flow[shard * workers + w] > 0 {
                    t.copy.add(bytes: flow[shard * workers + w], ends: .init(source: old[shard], target: WorkerIndex(w)))
                    t.bytes += flow[shard * workers + w]
                    sources.insert(old[shard])
                }
            }
            for (shard, bytes) in after.shardBytes[ti].enumerated() where after.shardWorker[ti][shard].isWorker {
                conversion.indexWork[after.shardWorker[ti][shard].index] += bytes / 1_073_741_824 * Double(spec.secondaryIndexes) * scenario.operations.indexBuildSecondsPerGiB
            }
        }
        t.copy.limit = max(1, Int(poolSize)) * max(1, sources.count)
        t.kind = .convert(conversion)  // with its index work
        let id = addTransfer(t, at: s.now)
        ops.transfers[id].blocked = true
        ops.log.transfers[ops.transfers[id].log].blockStart = s.now
        writeBlocks.block(tables: indices)
        s.schedule(.transferStep, at: s.now + scenario.operations.blockingOverhead, priority: .control, payload: id.payload)
    }

    /// The data is in the new shards: the metadata switches (old table dropped, new one
    /// renamed), the placement is rebuilt, shard sizes and disk use follow. Returns an error text.
    mutating func commitConversion(_ id: TransferID, at now: SimTime) -> String? {
        guard case .convert(let c) = ops.transfers[id].kind else { preconditionFailure("commitConversion of a \(ops.transfers[id].kind.name) transfer") }
        func bytesPerWorker() -> PerWorker<Double> {
            var bytes = PerWorker<Double>(repeating: 0, count: workers)
            for ti in c.tables {
                for (shard, w) in placement.workers(ofTable: ti).enumerated() where w.isWorker { bytes[w] += ops.sizes.ofTable[ti][shard] }
            }
            return bytes
        }
        let before = bytesPerWorker()
        do {
            try ops.runner.state.convertShardCount(of: c.names, to: c.shardCount)
            try rebuildPlacement()
        } catch {
            return (error as? CitusError)?.description ?? "ERROR:  \(error)"
        }
        for ti in c.tables {
            let name = scenario.tables[ti].name
            for notice in RunbookRunner.conversionNotices(name, start: false) { note(notice.description, at: now) }
            for (i, shard) in ops.runner.state.shards(of: name).enumerated() where i < ops.sizes.ofTable[ti].count {
                ops.runner.state.setSize(of: shard.id, bytes: Int64(ops.sizes.ofTable[ti][i].rounded()))
            }
        }
        let afterBytes = bytesPerWorker()
        for w in nodes.allWorkers { ops.sizes.rewrote(on: w, before: before[w], after: afterBytes[w]) }
        return nil
    }

    /// The tables' lock is released: the writes that waited go on (against the new shards).
    mutating func unblockTables(transfer id: TransferID, _ s: inout Scheduler<ClusterEvent>) {
        var resumed: [RequestID] = []
        for ti in ops.transfers[id].kind.conversion?.tables ?? [] {
            resumed += charge(writeBlocks.unblock(table: ti), to: id, at: s.now)
        }
        ops.transfers[id].blocked = false
        for rid in resumed { resume(request: rid, &s) }
    }
}
