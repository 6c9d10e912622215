import SimCore
import Simulation
import Workload

/// Lower bounds on what a configuration must do, from the placement and cache layout alone
/// (no queueing): CPU and disk utilisation per worker, coordinator CPU, and the working set
/// each worker must cache. The advisor rejects a candidate before simulating it when a
/// bound already breaks an SLO.
///
/// Assumptions: arrivals at the peak rate of the curve (open loop) or clients / mean think
/// time (closed loop, an upper bound); router and reference-join queries run on their
/// tenant's worker, across-schemas queries one subplan on each schema's worker, fan-outs
/// one task per shard; pages that miss the cache are 8 KiB
/// disk reads; connection set-up CPU is left out (so the bound stays a lower bound).
public struct AnalyticLoad: Sendable {
    /// Queries per second assumed.
    public var rate: Double
    /// CPU utilisation of each worker (core-seconds per second / cores).
    public var workerCPU: [Double]
    /// CPU utilisation of each coordinator (clients balanced over `cluster.coordinator.count`).
    public var coordinatorCPU: Double
    /// Disk reads per second and disk utilisation (reads / IOPS) of each worker.
    public var workerDiskReads: [Double]
    public var workerDisk: [Double]
    /// Bytes of the tenants making 90% of each worker's single-tenant queries.
    public var workingSetBytes: [Double]
    /// What a worker can cache, bytes.
    public var cacheBytes: Double
    /// Multi-shard queries in flight if each took its p99 target (Little's law), at most the
    /// sessions: an upper bound, since a query that meets its target takes less.
    public var concurrentMultiShard: Double
    /// Multi-shard queries in flight at their no-queue latency (Little's law: rate × latency,
    /// the latency from the classes' mean CPU per shard task, the tasks per connection and the
    /// network round trip), at most the sessions: the expected concurrency the docs' rule means.
    public var expectedMultiShard: Double

    /// Storage: data bytes each worker holds today (its shards and the reference tables), the
    /// largest shard group (the colocated shards of one index, summed over the distributed
    /// tables with the same shard count), and each worker's disk, bytes.
    public var workerDataBytes: [Double] = []
    public var largestGroupBytes: Double = 0
    public var workerDiskBytes: [Double] = []

    public var busiestWorker: Int { workerCPU.indices.max { workerCPU[$0] < workerCPU[$1] } ?? 0 }

    /// Bytes worker `w` must hold at data growth `growth`: its data and the largest shard group
    /// (a move onto it or a split beside itself), both grown.
    public func diskNeeded(_ w: Int, growth: Double) -> Double { (workerDataBytes[w] + largestGroupBytes) * growth }
    /// Bytes of worker `w`'s disk data may fill: all but the free space Citus keeps after a move.
    public func usableDisk(_ w: Int) -> Double { workerDiskBytes[w] * (1 - SizingRules.desiredPercentDiskAvailableAfterMove / 100) }

    /// From its parts (a partial result read back).
    public init(rate: Double, workerCPU: [Double], coordinatorCPU: Double, workerDiskReads: [Double], workerDisk: [Double],
                workingSetBytes: [Double], cacheBytes: Double, concurrentMultiShard: Double, expectedMultiShard: Double) {
        self.rate = rate
        self.workerCPU = workerCPU
        self.coordinatorCPU = coordinatorCPU
        self.workerDiskReads = workerDiskReads
        self.workerDisk = workerDisk
        self.workingSetBytes = workingSetBytes
        self.cacheBytes = cacheBytes
        self.concurrentMultiShard = concurrentMultiShard
        self.expectedMultiShard = expectedMultiShard
    }

    /// The storage figures from their parts (a partial result read back).
    public mutating func setStorage(workerDataBytes: [Double], largestGroupBytes: Double, workerDiskBytes: [Double]) {
        self.workerDataBytes = workerDataBytes
        self.largestGroupBytes = largestGroupBytes
        self.workerDiskBytes = workerDiskBytes
    }

    public init(scenario s: ClusterScenario, layout: SimulationLayout) {
        let w = s.workload
        rate = w.peakArrivalRate
        // Shard nodes (a coordinator with shards is node 0), each with its own size.
        let workers = s.cluster.shardNodeCount
        let tenants = w.tenants
        var cpu = [Double](repeating: 0, count: workers), reads = [Double](repeating: 0, count: workers)
        var coordinator = 0.0, multiShardRate = 0.0, multiShardSLO = 0.0, multiShardBusy = 0.0
        let shares = w.classes.reduce(0.0) { $0 + $1.share }
        for c in w.classes {
            let lambda = rate * c.share / shares
            coordinator += lambda * c.coordinatorCPU.mean
            guard let ti = s.tables.firstIndex(where: { $0.name == c.table }), !layout.tenantShard[ti].isEmpty else { continue }
            let pages = c.bytesRead / SimulationLayout.pageBytes
            if !c.isFanOut {
                // Single-tenant queries, and across_schemas subplans (schemas drawn by activity).
                for t in 0..<tenants.count {
                    let worker = layout.worker(table: ti, tenant: TenantIndex(t)).index
                    guard worker >= 0 else { continue }  // a tenant schema made later in the timeline
                    let q = lambda * Double(c.tenantReadsPerQuery) * tenants.activity[t]
                    cpu[worker] += q * c.workerCPU.mean
                    reads[worker] += q * pages * (1 - layout.tenantHitRatio[ti][t])
                }
            } else {
                multiShardRate += lambda
                multiShardSLO = max(multiShardSLO, (s.slo.p99Ms.first { $0.className == c.name }?.ms ?? 1_000) / 1_000)
                // No-queue latency: each worker runs its shards' tasks over at most pool (and cores)
                // connections at once; plus planning/merging and one round trip.
                let perWorker = (layout.shardWorker[ti].count + workers - 1) / max(1, workers)
                let parallel = max(1, min(perWorker, s.citus.maxAdaptiveExecutorPoolSize, s.cluster.worker.cores))
                let rounds = Double((perWorker + parallel - 1) / parallel)
                let latency = c.coordinatorCPU.mean + rounds * c.workerCPU.mean + 2 * s.cluster.networkLatency.seconds
                multiShardBusy += lambda * latency
                for (shard, worker) in layout.shardWorker[ti].enumerated() where worker.isWorker {
                    cpu[worker.index] += lambda * c.workerCPU.mean
                    reads[worker.index] += lambda * pages * (1 - layout.shardScanHitRatio[ti][shard])
                }
            }
        }
        workerCPU = cpu.indices.map { cpu[$0] / Double(s.cluster.spec(ofShardNode: WorkerIndex($0)).cores) }
        // Clients are balanced over the coordinators: each plans and merges its share.
        coordinatorCPU = coordinator / Double(s.cluster.coordinator.cores * s.cluster.coordinatorCount)
        workerDiskReads = reads
        workerDisk = reads.indices.map { reads[$0] / s.cluster.spec(ofShardNode: WorkerIndex($0)).diskIOPS }
        cacheBytes = NodeMemory.cacheBytes(s, node: s.cluster.worker)
        concurrentMultiShard = min(Double(w.sessions), (multiShardRate * multiShardSLO).rounded(.up))
        expectedMultiShard = min(Double(w.sessions), multiShardBusy)
        workerDataBytes = WorkerIndex.all(workers).map { layout.workerBytes[$0] }
        workerDiskBytes = WorkerIndex.all(workers).map { s.cluster.spec(ofShardNode: $0).diskBytes }
        // Colocated tables share shard indices; Citus colocates same-count hash tables by default.
        var groups: [Int: [Double]] = [:]
        for (ti, t) in s.tables.enumerated() where t.kind == .distributed {
            let bytes = layout.shardBytes[ti]
            groups[bytes.count, default: Array(repeating: 0, count: bytes.count)] = zip(groups[bytes.count] ?? Array(repeating: 0, count: bytes.count), bytes).map { $0 + $1 }
        }
        largestGroupBytes = groups.values.map { $0.max() ?? 0 }.max() ?? 0
        // Working set: the most active tenants of each worker covering 90% of its tenants' activity.
        var onWorker = [[Int]](repeating: [], count: workers)
        if let ti = s.tables.firstIndex(where: { $0.kind == .distributed }), !layout.tenantShard[ti].isEmpty {
            for t in 0..<tenants.count {
                let worker = layout.worker(table: ti, tenant: TenantIndex(t)).index
                if worker >= 0 { onWorker[worker].append(t) }
            }
        }
        workingSetBytes = onWorker.map { ts in
            let total = ts.reduce(0.0) { $0 + tenants.activity[$1] }
            var covered = 0.0, bytes = 0.0
            let byActivity = ts.sorted { (tenants.activity[$0], $1) > (tenants.activity[$1], $0) }
            for t in byActivity where covered < 0.9 * total {
                covered += tenants.activity[t]
                bytes += tenants.sizeBytes[t]
            }
            return bytes
        }
    }
}
