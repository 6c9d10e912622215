import ClusterModel
import Simulation
import Workload

/// The schema-based sharding study: where the schemas sit on the recommended cluster and how
/// uneven that leaves the workers (Citus places a new schema by its colocation id, not its
/// size, so a few large schemas can crowd one worker; the rebalancer then moves whole schemas).
extension Advisor {
    /// How many of the largest schemas the study lists.
    static let listedSchemas = 10

    func schemaPlacement(of c: Candidate) throws -> Advice.SchemaPlacement? {
        guard schemaBased else { return nil }
        let s = try scenario(for: c, traffic: searchTraffic)
        let layout = try ClusterRun.layout(for: s)
        guard let ti = s.tables.firstIndex(where: { $0.kind == .distributed }) else { return nil }
        let tenants = s.workload.tenants
        var workerBytes = [Double](repeating: 0, count: c.workers)
        var worker = [Int](repeating: -1, count: tenants.count)
        for r in 0..<tenants.count {
            let w = layout.worker(table: ti, tenant: TenantIndex(r)).index
            worker[r] = w
            if w >= 0 && w < workerBytes.count { workerBytes[w] += tenants.sizeBytes[r] }
        }
        let total = tenants.activity.reduce(0, +)
        // Largest first (ties: lower rank); explicit tenant sizes may break the rank order.
        let bySize = tenants.sizeBytes.indices.sorted { (tenants.sizeBytes[$0], -$0) > (tenants.sizeBytes[$1], -$1) }
        let largest = bySize.prefix(Self.listedSchemas).map { r in
            let name = SimulationLayout.tenantSchema(rank: r + 1)
            return Advice.SchemaPlacement.Schema(rank: r + 1, name: name, colocationID: Int(layout.state.tenantSchema(named: name)?.colocationID.rawValue ?? 0),
                                                 dataBytes: tenants.sizeBytes[r], activityShare: total > 0 ? tenants.activity[r] / total : 0, worker: worker[r] + 1)
        }
        let sorted = tenants.sizeBytes.sorted()
        return Advice.SchemaPlacement(schemas: tenants.count, largestBytes: sorted.last ?? 0, medianBytes: sorted.isEmpty ? 0 : sorted[sorted.count / 2],
                                      workerBytes: workerBytes, largest: largest)
    }
}
