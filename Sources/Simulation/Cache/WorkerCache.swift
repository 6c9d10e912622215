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
///
/// After a move, a worker's characteristic times are solved again only once the pages moved
/// in or out since the last solve exceed `resolveDrift` of the pages it had then (`Solve`); a
/// smaller move gives the moved tenants the hit ratios of the times solved before (`moved`)
/// and leaves the others as they were. Model assumption: the times move by about the share
/// of pages that changed, so this errs by under 1% while a rebalance of many small shard
/// groups (tenant schemas) costs each move its own tenants instead of a solve over every page.
struct WorkerCache {
    /// Hit ratio (not read from disk) of each (table, tenant) on the worker, and the page-weighted scan hit ratio of
    /// each of its shards, as (table, index, ratio) triples in table then tenant/shard order.
    var tenantHits: [(table: Int, tenant: TenantIndex, hit: Double)] = []
    var shardScanHits: [(table: Int, shard: ShardIndex, hit: Double)] = []
    /// Table data on the worker, bytes.
    var bytes: Double = 0
    /// The characteristic times this estimate used.
    var solve = Solve()
    /// For an estimate of moved shards: their pages that are accessed (the drift they add).
    var movedPages = 0.0

    /// Pages that change after a solve before the next: 1% of the pages accessed at the solve.
    static let resolveDrift = 0.01

    /// A worker's solved characteristic times (`TwoLevelCache`), the accessed pages they were
    /// solved over and the pages moved in or out since.
    struct Solve {
        var sweepPeriod = Double.infinity, pageCacheTime = Double.infinity
        var accessedPages = 0.0, drift = 0.0
        /// Whether the pages moved since the solve call for a new one.
        var isStale: Bool { drift > WorkerCache.resolveDrift * accessedPages }
    }

    /// The full estimate, with a page cache of `pageCacheBytes` (`NodeMemory.pageCacheBytes`:
    /// what the worker's resident backends leave). `sizes` and `activity` override the
    /// scenario's tenants (a timeline's `tenant_grows`).
    init(worker w: WorkerIndex, scenario: ClusterScenario, placement: PlacementIndex, shardBytes: [[Double]], pageCacheBytes: Double,
         meanArrivalRate: Double, sizes: [Double]? = nil, activity: [Double]? = nil) throws {
        let pageBytes = SimulationLayout.pageBytes
        let tenants = scenario.workload.tenants
        let rates = PageRates(scenario: scenario, shardBytes: shardBytes, meanArrivalRate: meanArrivalRate, sizes: sizes, activity: activity)
        var pages: [Double] = [], classRates: [Double] = [], owner: [(table: Int, tenant: TenantIndex)] = []
        for (ti, t) in scenario.tables.enumerated() {
            if t.kind == .reference {
                let p = max(1, t.referenceBytes / pageBytes)
                pages.append(p); classRates.append(rates.referenceJoin / p); owner.append((ti, .none))
                bytes += t.referenceBytes
                continue
            }
            guard placement.hasTenants[ti] else { continue }
            for r in TenantIndex.all(tenants.count) where placement.worker(table: ti, shard: placement.shard(table: ti, tenant: r)) == w {
                let c = rates.pageClass(table: ti, tenant: r, shard: placement.shard(table: ti, tenant: r))
                pages.append(c.pages)
                classRates.append(c.rate)
                owner.append((ti, r))
                bytes += rates.sizes[r.index] * t.dataShare
            }
        }
        let node = scenario.cluster.spec(ofShardNode: w)
        let cache = try TwoLevelCache(pages: pages, rates: classRates, bufferPages: node.sharedBuffersBytes / pageBytes,
                                      pageCachePages: pageCacheBytes / pageBytes)
        solve = Solve(sweepPeriod: cache.sweepPeriod, pageCacheTime: cache.pageCacheTime,
                      accessedPages: zip(pages, classRates).reduce(0.0) { $0 + ($1.1 > 0 ? $1.0 : 0) })
        let hitRatio = zip(cache.bufferHit, cache.pageCacheHit).map { $0 + $1 }
        // Scan hit ratio of each shard on this worker: page-weighted mean over its tenants.
        var hitPages = shardBytes.map { [Double](repeating: 0, count: $0.count) }
        var allPages = hitPages
        for (i, o) in owner.enumerated() where o.tenant.isTenant {
            tenantHits.append((o.table, o.tenant, hitRatio[i]))
            let s = placement.shard(table: o.table, tenant: o.tenant).index
            hitPages[o.table][s] += pages[i] * hitRatio[i]
            allPages[o.table][s] += pages[i]
        }
        for ti in scenario.tables.indices {
            for s in ShardIndex.all(shardBytes[ti].count) where placement.worker(table: ti, shard: s) == w {
                shardScanHits.append((ti, s, allPages[ti][s.index] > 0 ? hitPages[ti][s.index] / allPages[ti][s.index] : 1))
            }
        }
    }

    /// The hit ratios of the tenants of `shards`, just moved onto a worker whose times are
    /// `solve`, under those times.
    init(moved shards: some Sequence<(table: Int, shard: ShardIndex)>, tenantsOfShard: [Buckets<TenantIndex>], solve: Solve, scenario: ClusterScenario,
         shardBytes: [[Double]], meanArrivalRate: Double, sizes: [Double]? = nil, activity: [Double]? = nil) {
        let rates = PageRates(scenario: scenario, shardBytes: shardBytes, meanArrivalRate: meanArrivalRate, sizes: sizes, activity: activity)
        self.solve = solve
        for (ti, s) in shards {
            var hitPages = 0.0, allPages = 0.0
            for r in tenantsOfShard[ti][s.index] {
                let c = rates.pageClass(table: ti, tenant: r, shard: s)
                let h = TwoLevelCache.hits(rate: c.rate, sweepPeriod: solve.sweepPeriod, pageCacheTime: solve.pageCacheTime)
                tenantHits.append((ti, r, h.buffer + h.pageCache))
                hitPages += c.pages * (h.buffer + h.pageCache)
                allPages += c.pages
                if c.rate > 0 { movedPages += c.pages }
            }
            shardScanHits.append((ti, s, allPages > 0 ? hitPages / allPages : 1))
        }
    }

    /// Per-page access rates of a worker's page classes under the scenario's query classes.
    struct PageRates {
        /// Per scenario table: single-tenant and multi-shard page reads per second; reference-join reads.
        let point: [Double], scan: [Double], referenceJoin: Double
        let sizes: [Double], share: [Double], dataShare: [Double], shardBytes: [[Double]]

        init(scenario: ClusterScenario, shardBytes: [[Double]], meanArrivalRate: Double, sizes: [Double]?, activity: [Double]?) {
            let classes = scenario.workload.classes
            let totalShare = classes.reduce(0) { $0 + $1.share }
            // Page reads per second of the classes `include` picks: per tenant read (single-tenant
            // and across-schemas classes, `schemasPerQuery` reads per query) or per shard task.
            func rate(_ include: (QueryClass) -> Bool) -> Double {
                classes.filter(include).reduce(0.0) { $0 + meanArrivalRate * $1.share / totalShare * Double(max(1, $1.tenantReadsPerQuery)) * max(1, $1.bytesRead / SimulationLayout.pageBytes) }
            }
            point = scenario.tables.map { t in rate { $0.table == t.name && !$0.isFanOut } }
            scan = scenario.tables.map { t in rate { $0.table == t.name && $0.isFanOut } }
            referenceJoin = rate { $0.kind == .referenceJoin }
            self.sizes = sizes ?? scenario.workload.tenants.sizeBytes
            share = activity ?? scenario.workload.tenants.activity
            dataShare = scenario.tables.map(\.dataShare)
            self.shardBytes = shardBytes
        }

        /// Pages of tenant `r`'s data in table `ti` (on shard `s`) and each page's reads per second.
        func pageClass(table ti: Int, tenant r: TenantIndex, shard s: ShardIndex) -> (pages: Double, rate: Double) {
            let pageBytes = SimulationLayout.pageBytes
            let p = max(1, sizes[r.index] * dataShare[ti] / pageBytes)
            return (p, point[ti] * share[r.index] / p + scan[ti] / max(1, shardBytes[ti][s.index] / pageBytes))
        }
    }
}
