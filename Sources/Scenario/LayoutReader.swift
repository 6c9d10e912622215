import ClusterModel
import Diagnostics
import Foundation
import Simulation

/// `cluster.layout: {nodes: NODES.csv, shards: SHARDS.csv}`: the run starts from an imported
/// cluster's metadata (pg_dist_node and citus_shards exports, as `plan` reads them, paths
/// relative to the scenario file) instead of creating the tables: split, isolated and moved
/// shards stay where they are.
///
/// The nodes are renamed as the scenario names them: the coordinator (group 0) `coordinator`,
/// the others `worker-1`...`worker-N` in node-id order (port 5432), so a timeline uses the same
/// names. Checks, each an error at the key: the worker count equals `cluster.workers.count`,
/// the coordinator holds shards exactly when `cluster.coordinator_has_shards` says so, every
/// table of `tables` is in the layout with the same kind, and no schema-based sharding. The
/// scenario's `distribution_column_type` sets how tenant keys hash (the export has no types).
enum LayoutReader {
    static func read(_ m: YAMLMapping, cluster: ClusterSpec, tables: [TableSpec], citus: CitusSpec) -> ClusterState? {
        let reader = m.reader
        let nodesPath = m.string("nodes"), shardsPath = m.string("shards")
        m.finish()
        guard let nodesPath, let shardsPath else { return nil }
        if citus.schemaBasedSharding {
            reader.error(m.node, "`cluster.layout` with schema-based sharding is not simulated; remove one of them")
            return nil
        }
        let base = (reader.file as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String { p.hasPrefix("/") || base.isEmpty ? p : (base as NSString).appendingPathComponent(p) }
        var state: ClusterState
        do {
            var notes: [Finding] = []
            state = try ClusterCSV.load(nodesPath: resolve(nodesPath), shardsPath: resolve(shardsPath), notes: &notes)
        } catch let e as InputError {
            for f in e.findings { reader.append(f) }
            reader.error(m.node, "`cluster.layout` could not be read (the errors above)")
            return nil
        } catch {
            reader.error(m.node, "`cluster.layout`: \(error)")
            return nil
        }
        let workers = state.nodes.filter { !$0.isCoordinator }.sorted { $0.id < $1.id }
        guard workers.count == cluster.workerCount else {
            reader.error(m.node, "`cluster.layout` has \(workers.count) workers (\(resolve(nodesPath))); `cluster.workers.count` is \(cluster.workerCount): make them equal")
            return nil
        }
        guard let coordinatorIndex = state.nodes.firstIndex(where: \.isCoordinator) else {
            reader.error(m.node, "`cluster.layout`: \(resolve(nodesPath)) has no coordinator (a node in group 0)")
            return nil
        }
        if state.nodes[coordinatorIndex].shouldHaveShards != cluster.coordinatorHasShards
            && state.placements.contains(where: { $0.node == state.nodes[coordinatorIndex].id }) != cluster.coordinatorHasShards {
            reader.error(m.node, "`cluster.layout`: the coordinator \(cluster.coordinatorHasShards ? "holds no" : "holds") shards in \(resolve(shardsPath)), but `cluster.coordinator_has_shards` is \(cluster.coordinatorHasShards)")
            return nil
        }
        var ok = true
        for t in tables {
            guard let table = state.table(t.name) else {
                reader.error(m.node, "`cluster.layout`: table `\(t.name)` of `tables` is not in \(resolve(shardsPath)); its tables: \(state.tables.map(\.name).joined(separator: ", "))")
                ok = false
                continue
            }
            let isReference = table.isReference
            if isReference != (t.kind == .reference) {
                reader.error(m.node, "`cluster.layout`: table `\(t.name)` is \(isReference ? "a reference" : "a distributed") table in \(resolve(shardsPath)) but `\(t.kind == .reference ? "reference" : "distributed")` in `tables`")
                ok = false
            }
            if state.table(t.name) != nil {
                state.updateTable(t.name) { $0.hasReplicaIdentity = t.hasReplicaIdentity }
                if t.kind == .distributed, case .hashDistributed = table.kind, let type = DistributionColumnType(sqlName: t.columnType) {
                    state.updateTable(t.name) { $0.kind = .hashDistributed(type) }
                    if let g = state.colocationGroups.firstIndex(where: { $0.id == table.colocationID }) { state.colocationGroups[g].columnType = type }
                }
            }
        }
        guard ok else { return nil }
        state.nodes[coordinatorIndex].name = "coordinator"
        state.nodes[coordinatorIndex].port = 5432
        state.nodes[coordinatorIndex].shouldHaveShards = cluster.coordinatorHasShards
        for (k, w) in workers.enumerated() {
            guard let i = state.nodes.firstIndex(where: { $0.id == w.id }) else { continue }
            state.nodes[i].name = ClusterSpec.workerName(k)
            state.nodes[i].port = 5432
        }
        return state
    }
}
