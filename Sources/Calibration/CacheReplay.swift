import Simulation

/// Family h through the two-level cache model (`TwoLevelCache`): the experiment's point lookups
/// as page popularities, and the model's shares of block accesses served by shared_buffers, the
/// page cache and the disk, against the measured shares.
///
/// The experiment (Lab/experiments/cache.py) draws rank r from a Zipf(s) law by inverting its
/// continuous approximation, P(r) = ((r+1)^(1−s) − r^(1−s)) / (n^(1−s) − 1), and looks up
/// id = (r · 1000003) mod n + 1 through the primary key: the B-tree's upper pages, one leaf
/// (ids in key order) and one heap page (rows in id order, as they were inserted).
/// Assumptions: the B-tree's upper levels are a few pages that never leave the buffer; the
/// page cache is the RAM left after shared_buffers and PostgreSQL's processes
/// (`processBytes`); the model is the steady state, while the lab measures after a finite
/// warm-up from a cold start (pages first touched in the measured window come from disk).
public enum CacheReplay {
    static let pageBytes = SimulationLayout.pageBytes
    /// PostgreSQL's own processes inside the lab's memory limit: the postmaster, its five
    /// auxiliary processes and the session, each with a fresh backend's private memory
    /// (`BackendMemory.freshBytes`, fitted on family g). The experiment's server is a single
    /// PostgreSQL: no client session or maintenance daemon keeps a connection open beside the
    /// measuring session, as they do on a Citus worker (`NodeMemory.residentBackends`).
    static let processBytes = 7 * BackendMemory().freshBytes
    /// A share is judged by its absolute error (a relative error of a share near 0 means
    /// nothing): twice the model's bound against the brute-force reference, for the kernel's
    /// two-list LRU and the finite run.
    static let shareTolerance = 0.02

    /// The model's (buffer, page cache, disk) shares of the run's block accesses, with the
    /// blocks one lookup reads (upper index pages, leaf, heap).
    static func shares(_ r: LabMeasurements.CacheRun) throws -> (buffer: Double, pageCache: Double, disk: Double) {
        let n = r.rows
        let blocks = (r.sharedHitBlocks + r.pageCacheBlocks + r.diskBlocks) / Double(max(1, r.lookups))
        let upperAccesses = max(0, blocks.rounded() - 2)
        let heapPages = max(1, Int(r.heapBytes / pageBytes))
        let indexPages = max(2, Int(r.indexBytes / pageBytes))
        // About 300 downlinks per upper page of a bigint key.
        let upperPages = 1 + (indexPages + 299) / 300
        let leaves = max(1, indexPages - upperPages)
        var heap = [Double](repeating: 0, count: heapPages), leaf = [Double](repeating: 0, count: leaves)
        let a = 1 - r.zipfS, top = pow(Double(n), a) - 1
        var previous = 0.0
        for rank in 1..<n {
            let next = (pow(Double(rank + 1), a) - 1) / top
            let p = next - previous
            previous = next
            let id = (rank * 1_000_003) % n
            heap[id * heapPages / n] += p
            leaf[id * leaves / n] += p
        }
        let pages = [Double](repeating: 1, count: heapPages + leaves)
        let rates = heap + leaf
        let buffers = r.sharedBuffersBytes / pageBytes - Double(upperPages)
        let pageCache = max(0, (r.ramBytes ?? .infinity) - r.sharedBuffersBytes - processBytes) / pageBytes
        let model = try TwoLevelCache(pages: pages, rates: rates, bufferPages: max(0, buffers), pageCachePages: pageCache)
        let s = model.shares(pages: pages, rates: rates)
        // Per lookup: the upper pages (hits), then a leaf and a heap page at the model's shares.
        let total = upperAccesses + 2
        return ((upperAccesses + 2 * s.buffer) / total, 2 * s.pageCache / total, 2 * s.disk / total)
    }

    public static func rows(_ m: LabMeasurements) throws -> [ValidationRow] {
        var rows: [ValidationRow] = []
        for r in m.cache {
            let total = r.sharedHitBlocks + r.pageCacheBlocks + r.diskBlocks
            guard total > 0 else { continue }
            let sim = try shares(r)
            let figures = [("shared_buffers_hit_share", r.sharedHitBlocks, sim.buffer), ("page_cache_share", r.pageCacheBlocks, sim.pageCache),
                           ("disk_read_share", r.diskBlocks, sim.disk)]
            for (metric, v, simulated) in figures {
                rows.append(ValidationRow(family: "h", experiment: "point lookups, Zipf s = \(RebalanceReplay.number(r.zipfS))",
                                          configuration: "\(r.table) (\(Int(r.tableBytes / 1_048_576)) MiB), shared_buffers \(Int(r.sharedBuffersBytes / 1_048_576)) MiB, RAM \(r.ramBytes.map { "\(Int($0 / 1_048_576)) MiB" } ?? "the machine's")",
                                          metric: metric, unit: "share", measured: v / total, simulated: simulated, tolerance: shareTolerance,
                                          absoluteTolerance: true, heldOut: true,
                                          note: "two-level cache model, steady state; lab after \(r.warmupLookups) warm-up lookups from a cold start"))
            }
        }
        return rows
    }
}

#if canImport(Glibc)
import Glibc
#endif
