import ClusterModel
import Planner
import Runbook
import SimCore

/// `citus_schema_distribute` and `citus_schema_undistribute` in simulated time
/// (`commands/schema_based_sharding.c`). Both convert the schema's tables one after another,
/// each under an ExclusiveLock: the schema's writes wait for the whole statement, its reads go
/// on against the old copy. Distributing copies each local table from the coordinator into its
/// new single-shard table (`CreateSingleShardTable`, whose `CopyLocalDataIntoShards` streams
/// the rows) on the node Citus's rule gives the schema's new colocation group; undistributing
/// copies each shard's rows into a new local table on the coordinator (`UndistributeTable`:
/// `INSERT INTO new SELECT * FROM old`) and drops the shards. Each copy is costed like a shard
/// copy (CPU on both sides, a disk read and a write, the sender's NIC) at `operations`'
/// `schema_(un)distribute_cpu_share` times a move's CPU per byte (the rows go through the
/// executor one by one; fitted on the lab, family k); the indexes are built on the receiving
/// side; then the metadata switches.
///
/// While a schema is local its queries run on the coordinator in the client's backend (its
/// CPU and disk; `WorkerIndex.none` is the coordinator, which holds no shards here). Model
/// assumptions: the coordinator's cache is not modelled (a local schema keeps the hit ratio it
/// had on its worker); the rows a distributed schema leaves on the coordinator (until
/// `truncate_local_data_after_distributing_table`) are not counted on its disk.
extension ClusterSimulation {
    mutating func startSchemaConversion(schema name: String, distribute: Bool, chain: Int, _ s: inout Scheduler<ClusterEvent>) {
        let function = distribute ? "citus_schema_distribute" : "citus_schema_undistribute"
        guard nodes.localWorker < 0, coordinators == 1 else {
            return finishChain(chain, error: "ERROR:  citus-sim times \(function) with one coordinator that holds no shards (the schema's local tables live on it)", &s)
        }
        var copy = ShardTransfer.SchemaCopy(name: name)
        let kind = { (copy: ShardTransfer.SchemaCopy) -> ShardTransfer.Kind in distribute ? .distributeSchema(copy) : .undistributeSchema(copy) }
        var t = ShardTransfer(kind: kind(copy), log: -1, chain: chain, mode: .blockWrites, source: .none, target: .none, anchors: [], bytes: 0)
        t.copy.limit = 1  // one table after another
        t.copy.cpuShare = distribute ? scenario.operations.schemaDistributeCPUShare : scenario.operations.schemaUndistributeCPUShare
        // A tenant schema's tables are shard rank − 1 of their scenario tables.
        let shard = SimulationLayout.tenantRank(ofSchema: name, tenants: tenantCount).map { ShardIndex($0 - 1) }
        if let shard, let first = scenario.tables.firstIndex(where: { $0.kind == .distributed }) {
            let worker: WorkerIndex
            if distribute {
                let node: NodeID?
                do { node = try ops.runner.nodeForDistributing(schema: name) } catch {
                    return finishChain(chain, error: (error as? CitusError)?.description ?? (error as? ClusterError).map { "ERROR:  \($0.description)" } ?? "ERROR:  \(error)", &s)
                }
                worker = node.map { nodes.worker(ofNode: $0) } ?? WorkerIndex.none
            } else {
                worker = placement.worker(table: first, shard: shard)
            }
            guard worker.isWorker else { return finishChain(chain, error: "ERROR:  no worker nodes are available for placing shards", &s) }
            t.source = distribute ? .none : worker
            t.target = distribute ? worker : .none
            copy.group = placement.group[placement.offset[first] + shard.index]
            for (ti, spec) in scenario.tables.enumerated() where spec.kind == .distributed && ops.sizes.isSized(table: ti) && ops.sizes[table: ti, shard: shard] > 0 {
                let bytes = ops.sizes[table: ti, shard: shard]
                t.copy.add(bytes: bytes)
                t.bytes += bytes
                copy.indexWork += bytes / 1_073_741_824 * Double(spec.secondaryIndexes) * scenario.operations.indexBuildSecondsPerGiB
            }
        }
        t.kind = kind(copy)  // with its group and index work
        let id = addTransfer(t, at: s.now)
        if copy.group.isGroup {
            let g = copy.group
            if writeBlocks.holder(ofGroup: g) != nil {
                return failTransfer(id, error: CitusError("could not acquire the lock required to \(distribute ? "distribute" : "undistribute") schema \(name)",
                                                           detail: "Another operation is moving the same schema.").description, &s)
            }
            writeBlocks.track(group: g, transfer: id)
            writeBlocks.block(group: g)
            ops.transfers[id].blocked = true
            ops.log.transfers[ops.transfers[id].log].blockStart = s.now
        }
        s.schedule(.transferStep, at: s.now + scenario.operations.blockingOverhead, priority: .control, payload: id.payload)
    }

    /// The copies are done: the metadata switches and the placement is rebuilt (the schema's
    /// queries now go to its new home); disk use follows. Returns an error text.
    mutating func commitSchemaConversion(_ id: TransferID) -> String? {
        let t = ops.transfers[id]
        do {
            switch t.kind {
            case .distributeSchema(let copy): try ops.runner.finishDistributing(schema: copy.name)
            case .undistributeSchema(let copy): try ops.runner.finishUndistributing(schema: copy.name)
            default: preconditionFailure("commitSchemaConversion of a \(t.kind.name) transfer")
            }
            try rebuildPlacement()
        } catch {
            return (error as? CitusError)?.description ?? (error as? ClusterError).map { "ERROR:  \($0.description)" } ?? "ERROR:  \(error)"
        }
        if t.target.isWorker { ops.sizes.landed(t.bytes, on: t.target) }
        if t.source.isWorker { ops.sizes.dropped(t.bytes, from: t.source) }
        return nil
    }
}
