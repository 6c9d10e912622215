import SimCore
import Workload

/// One worker's caches under the current placement: the two-level model (`TwoLevelCache`:
/// shared_buffers in front of the page cache) over one page class per (table, tenant) on the
/// worker plus one per reference table (every worker holds a replica). Used for the initial
/// layout and again for the workers a move or split changes. A hit is a page not read from
/// disk (found in shared_buffers or in the page cache).
///
/// Access rates: single-tenant classes read a tenant's pages in proportion to its activity;
/// multi-shard classes scan every shard, spreading over its pages; reference joins read the
/// reference tables. Rates are per page per second at `meanArrivalRate`.
struct WorkerCache {
    /// Hit ratio (not read from disk) of each (table, tenant) on the worker, and the page-weighted scan hit ratio of
    /// each of its shards, as (table, index, ratio) triples in table then tenant/shard order.
    var tenantHits: [(table: Int, tenant: Int, hit: Double)] = []
    var shardScanHits: [(table: Int, shard: Int, hit: Double)] = []
    /// Table data on the worker, bytes.
    var bytes: Double = 0

    /// `sizes` and `activity` override the scenario's tenants (a timeline's `tenant_grows`).
    init(worker w: Int32, scenario: ClusterScenario, tenantShard: [[Int32]], shardWorker: [[Int32]], shardBytes: [[Double]],
         meanArrivalRate: Double, sizes: [Double]? = nil, activity: [Double]? = nil) throws {
        let pageBytes = SimulationLayout.pageBytes
        let classes = scenario.workload.classes
        let tenants = scenario.workload.tenants
        let sizeBytes = sizes ?? tenants.sizeBytes, share = activity ?? tenants.activity
        let totalShare = classes.reduce(0) { $0 + $1.share }
        func rate(_ include: (QueryClass) -> Bool) -> Double {
            classes.filter(include).reduce(0.0) { $0 + meanArrivalRate * $1.share / totalShare * max(1, $1.bytesRead / pageBytes) }
        }
        var pages: [Double] = [], rates: [Double] = [], owner: [(table: Int, tenant: Int)] = []
        for (ti, t) in scenario.tables.enumerated() {
            if t.kind == .reference {
                let p = max(1, t.referenceBytes / pageBytes)
                pages.append(p); rates.append(rate { $0.kind == .referenceJoin } / p); owner.append((ti, -1))
                bytes += t.referenceBytes
                continue
            }
            guard !tenantShard[ti].isEmpty else { continue }
            let pointRate = rate { $0.table == t.name && $0.isSingleTenant }
            let scanRate = rate { $0.table == t.name && !$0.isSingleTenant }
            for r in 0..<tenants.count where shardWorker[ti][Int(tenantShard[ti][r])] == w {
                let s = Int(tenantShard[ti][r])
                let p = max(1, sizeBytes[r] * t.dataShare / pageBytes)
                pages.append(p)
                rates.append(pointRate * share[r] / p + scanRate / max(1, shardBytes[ti][s] / pageBytes))
                owner.append((ti, r))
                bytes += sizeBytes[r] * t.dataShare
            }
        }
        let node = scenario.cluster.spec(ofShardNode: Int(w))
        let cache = try TwoLevelCache(pages: pages, rates: rates, bufferPages: node.sharedBuffersBytes / pageBytes,
                                      pageCachePages: node.pageCacheBytes / pageBytes)
        let hitRatio = zip(cache.bufferHit, cache.pageCacheHit).map { $0 + $1 }
        // Scan hit ratio of each shard on this worker: page-weighted mean over its tenants.
        var hitPages = shardBytes.map { [Double](repeating: 0, count: $0.count) }
        var allPages = hitPages
        for (i, o) in owner.enumerated() where o.tenant >= 0 {
            tenantHits.append((o.table, o.tenant, hitRatio[i]))
            let s = Int(tenantShard[o.table][o.tenant])
            hitPages[o.table][s] += pages[i] * hitRatio[i]
            allPages[o.table][s] += pages[i]
        }
        for ti in scenario.tables.indices {
            for s in shardBytes[ti].indices where shardWorker[ti][s] == w {
                shardScanHits.append((ti, s, allPages[ti][s] > 0 ? hitPages[ti][s] / allPages[ti][s] : 1))
            }
        }
    }
}
