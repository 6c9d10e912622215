import SimCore
import Workload

/// What one cluster simulation measures after its warm-up.
public struct SimulationMetrics: Sendable {
    public enum Outcome: Sendable { case ok, timeout, error }

    public let classNames: [String]
    /// Response times of successful requests, per class.
    public var latency: [LatencyHistogram]
    /// Per class: completed, timed out, failed, waits for a client session.
    public var completed: [Int]
    public var timeouts: [Int]
    public var errors: [Int]
    public var sessionWaits: [Int]
    /// Shard tasks cancelled on a worker's CPU by statement_timeout.
    public var cancelledTasks = 0
    /// Coordinator with shards: shard tasks its backends ran in-process (local execution),
    /// and multi-shard pools that failed over to it for want of a loopback connection.
    public var localExecutions = 0
    public var localFailovers = 0
    /// Requests answered with an error because a node they needed was down.
    public var failedOnDownNode = 0
    /// Per class: total time from getting a session to the answer (µs), successful requests.
    public var serviceMicroseconds: [Double]
    /// Per worker: waits for a shared-pool slot and their total seconds, optional
    /// connections skipped, connections refused by max_connections, connections opened.
    public var connectionWaits: PerWorker<Int>
    public var connectionWaitSeconds: PerWorker<Double>
    public var optionalConnectionsSkipped: PerWorker<Int>
    public var connectionsRefused: PerWorker<Int>
    /// Connections a worker could not start because one more backend would not fit in its memory.
    public var outOfMemoryRefusals: PerWorker<Int>
    /// Shard tasks a worker failed with "out of memory": their sort and hash nodes' work_mem
    /// would not fit (`WorkMem`).
    public var outOfMemoryErrors: PerWorker<Int>
    public var connectionsOpened: PerWorker<Int>
    /// Per worker: result bytes sent to the coordinator (NIC egress).
    public var bytesSent: PerWorker<Double>
    /// Per worker: pages read and pages that missed the cache.
    public var pagesRead: PerWorker<Double>
    public var pagesMissed: PerWorker<Double>
    /// Per tenant (rank − 1): reads, writes and worker CPU seconds (citus_stat_tenants), one
    /// record per tenant so a query's answer updates one cache line.
    public var tenantCounts: [TenantCounts]
    /// Per class and tenant: calls of single-tenant classes (citus_stat_statements partition keys).
    public var routerCallsByTenant: [[Int32]]
    /// Time series, one row per sample interval (after the warm-up).
    public var series: [SeriesRow] = []
    /// Interval histograms (reset at every sample).
    var intervalLatency: [LatencyHistogram]
    /// Watched tenants (`RunSpec.watchTenants`): group of each tenant, latency per group over the
    /// measured window and in the current interval.
    public internal(set) var watchGroup: [Int16] = []
    var watchClass: [Bool] = []
    public internal(set) var watchLatency: [LatencyHistogram] = []
    var watchIntervalLatency: [LatencyHistogram] = []
    var intervalCompleted: [Int]
    var intervalTimeouts: [Int]

    /// Whether per-tenant calls of single-tenant classes are counted (stat_statements_track = all).
    public let trackStatements: Bool

    init(classes: [String], workers: Int, tenants: Int, trackStatements: Bool = false) {
        self.trackStatements = trackStatements
        classNames = classes
        let c = classes.count
        latency = Array(repeating: LatencyHistogram(), count: c)
        completed = Array(repeating: 0, count: c)
        timeouts = Array(repeating: 0, count: c)
        errors = Array(repeating: 0, count: c)
        sessionWaits = Array(repeating: 0, count: c)
        serviceMicroseconds = Array(repeating: 0, count: c)
        connectionWaits = PerWorker(repeating: 0, count: workers)
        connectionWaitSeconds = PerWorker(repeating: 0, count: workers)
        optionalConnectionsSkipped = PerWorker(repeating: 0, count: workers)
        connectionsRefused = PerWorker(repeating: 0, count: workers)
        outOfMemoryRefusals = PerWorker(repeating: 0, count: workers)
        outOfMemoryErrors = PerWorker(repeating: 0, count: workers)
        connectionsOpened = PerWorker(repeating: 0, count: workers)
        bytesSent = PerWorker(repeating: 0, count: workers)
        pagesRead = PerWorker(repeating: 0, count: workers)
        pagesMissed = PerWorker(repeating: 0, count: workers)
        tenantCounts = Array(repeating: TenantCounts(), count: tenants)
        routerCallsByTenant = Array(repeating: trackStatements ? [Int32](repeating: 0, count: tenants) : [], count: c)
        intervalLatency = Array(repeating: LatencyHistogram(), count: c)
        intervalCompleted = Array(repeating: 0, count: c)
        intervalTimeouts = Array(repeating: 0, count: c)
    }

    mutating func record(cls c: QueryClassIndex, latency d: SimDuration, outcome: Outcome, tenant: TenantIndex, write: Bool, cpuSeconds: Double) {
        let cls = c.index
        switch outcome {
        case .ok:
            completed[cls] += 1
            latency[cls].record(d)
            intervalLatency[cls].record(d)
            intervalCompleted[cls] += 1
            if !watchGroup.isEmpty, tenant.isTenant, watchGroup[tenant.index] >= 0, watchClass[cls] {
                let g = Int(watchGroup[tenant.index])
                watchLatency[g].record(d)
                watchIntervalLatency[g].record(d)
            }
        case .timeout:
            timeouts[cls] += 1
            intervalTimeouts[cls] += 1
        case .error:
            errors[cls] += 1
        }
        guard tenant.isTenant else { return }
        let t = tenant.index
        if write { tenantCounts[t].writes += 1 } else { tenantCounts[t].reads += 1 }
        if trackStatements && !routerCallsByTenant[cls].isEmpty { routerCallsByTenant[cls][t] += 1 }
        tenantCounts[t].cpuSeconds += cpuSeconds
    }

    /// Forgets everything counted so far (end of the warm-up).
    mutating func reset() {
        let tracked = routerCallsByTenant.map { !$0.isEmpty }
        let (groups, watched, classes) = (watchGroup, watchLatency.count, watchClass)
        self = SimulationMetrics(classes: classNames, workers: connectionWaits.count, tenants: tenantCounts.count, trackStatements: trackStatements)
        for c in tracked.indices where !tracked[c] { routerCallsByTenant[c] = [] }
        watch(groups: groups, count: watched, classes: classes)
    }

    /// The groups of `watch(groups:count:classes:)` for the watched tenants' `ranks` (1-based)
    /// among `tenants`: each watched tenant, and the tenants on its worker (`workerOf`) at the start.
    static func watchGroups(ranks: [Int], tenants: Int, workerOf: (Int) -> WorkerIndex) -> [Int16] {
        var groups = [Int16](repeating: -1, count: tenants)
        for (k, rank) in ranks.enumerated() where rank >= 1 && rank <= tenants {
            let w = workerOf(rank - 1)
            for t in 0..<tenants where groups[t] < 0 && workerOf(t) == w { groups[t] = Int16(2 * k + 1) }
        }
        for (k, rank) in ranks.enumerated() where rank >= 1 && rank <= tenants { groups[rank - 1] = Int16(2 * k) }
        return groups
    }

    /// Watched tenants: `groups[tenant]` is 2k for the k-th watched tenant, 2k + 1 for the
    /// tenants that shared its worker at the start, −1 for the others. Only the single-tenant
    /// classes in `classes` count (a fan-out's latency is not one tenant's).
    mutating func watch(groups: [Int16], count: Int, classes: [Bool]) {
        watchGroup = groups
        watchClass = classes
        watchLatency = Array(repeating: LatencyHistogram(), count: count)
        watchIntervalLatency = watchLatency
    }
}

/// One time-series row: the state of the cluster over one sample interval.
public struct SeriesRow: Sendable {
    /// End of the interval, seconds since the start.
    public var timeSeconds: Double
    /// Per class: completions per second, p50 and p99 (ms) of the interval, timeouts.
    public var throughput: [Double]
    public var p50Ms: [Double]
    public var p99Ms: [Double]
    public var timeouts: [Int]
    /// Per class: queries completed in the interval (0: p50 and p99 are not defined and are
    /// written as empty cells, drawn as a gap), requests arrived but not answered at the end of
    /// the interval, and the age of the oldest of them in ms (0 when none wait).
    public var completed: [Int] = []
    public var waiting: [Int] = []
    public var oldestWaitingMs: [Double] = []
    /// Per node (coordinator first): CPU utilisation in the interval (0...1).
    public var cpuUtilization: [Double]
    /// Per worker: disk utilisation in the interval, connections in use at the end, shared-pool slots in use.
    public var diskUtilization: [Double]
    public var connections: [Int]
    public var sharedPoolInUse: [Int]
    /// Per node (as `cpuUtilization`): the memory envelope at the interval's peak connection
    /// count, GiB (`NodeMemory`; a coordinator's is its client sessions', constant).
    public var memoryGiB: [Double] = []
    /// Client sessions in use and requests waiting for one.
    public var sessionsInUse: Int
    public var sessionWaiters: Int
    /// Timeline: transfers (moves, splits, copies) running and shard groups with writes blocked at the end.
    public var transfersRunning = 0
    public var writeBlockedGroups = 0
    /// Per watched group (tenant, its neighbours, ...): completions per second, p50 and p99 (ms).
    public var watchThroughput: [Double] = []
    public var watchP50Ms: [Double] = []
    public var watchP99Ms: [Double] = []

    /// Class `c`'s worst latency seen in the interval, ms: its p99, or the age of its oldest
    /// request still waiting when that is longer (a blocked write has no completion to count,
    /// yet its client has waited that long at least).
    public func worstLatencyMs(_ c: Int) -> Double {
        max(completed[c] > 0 ? p99Ms[c] : 0, oldestWaitingMs[c])
    }
}

extension ClusterSimulation {
    /// Integrals of busy cores, disk busy time and NIC busy time, per node, at `time`.
    func integrals(at time: SimTime) -> (cpu: [Double], disk: [Double], nic: [Double]) {
        (cpu.map { $0.busyCores.integral(at: time) }, disks.map { $0.utilization.integral(at: time) },
         network.coordinatorIngress.map { $0.busyMicroseconds(at: time) })
    }

    /// A time-series row for the interval that ends now, or the warm-up mark.
    mutating func sample(at now: SimTime) {
        let current = integrals(at: now)
        defer {
            lastIntegrals = current
            lastSampleTime = now
            for w in backends.indices { backends[w].startInterval() }
            if workMem.used { for w in nodes.allWorkers { workMem.intervalPeak[w] = memoryNow(worker: w) } }
            if resultStore.used { resultStore.intervalPeak = resultStore.inUse }
        }
        if now == measureFrom {
            metrics.reset()
            baseline = current
            for w in backends.indices { backends[w].resetStatistics(at: now) }
            if workMem.used { for w in nodes.allWorkers { workMem.peak[w] = memoryNow(worker: w) } }
            if resultStore.used {
                resultStore.peak = resultStore.inUse
                resultStore.outOfMemoryErrors = resultStore.outOfMemoryErrors.map { _ in 0 }
            }
            sharedPool.resetStatistics(at: now)
            clientSessions.resetStatistics(at: now)
            return
        }
        guard now > measureFrom else { return }
        let span = Double((now - lastSampleTime).microseconds)
        let n = classes.count
        var row = SeriesRow(timeSeconds: now.seconds, throughput: [], p50Ms: [], p99Ms: [], timeouts: [], cpuUtilization: [],
                            diskUtilization: [], connections: [], sharedPoolInUse: [], sessionsInUse: clientSessions.inUse, sessionWaiters: clientSessions.waiters)
        row.waiting = Array(repeating: 0, count: n)
        row.oldestWaitingMs = Array(repeating: 0, count: n)
        // Requests still waiting for an answer (a blocked write, a queue): their number and the
        // oldest one's age, so an interval without completions still says how bad it was.
        for i in 0..<requests.count where requests[i].active && !requests[i].answered {
            let c = requests[i].cls.index
            row.waiting[c] += 1
            row.oldestWaitingMs[c] = max(row.oldestWaitingMs[c], (now - requests[i].arrival).seconds * 1e3)
        }
        for c in 0..<n {
            row.completed.append(metrics.intervalCompleted[c])
            row.throughput.append(Double(metrics.intervalCompleted[c]) / (span / 1e6))
            row.p50Ms.append(metrics.intervalLatency[c].percentileMilliseconds(50))
            row.p99Ms.append(metrics.intervalLatency[c].percentileMilliseconds(99))
            row.timeouts.append(metrics.intervalTimeouts[c])
            metrics.intervalLatency[c].reset()
            metrics.intervalCompleted[c] = 0
            metrics.intervalTimeouts[c] = 0
        }
        for node in cpu.indices {
            row.cpuUtilization.append((current.cpu[node] - lastIntegrals.cpu[node]) / span / Double(cpu[node].cores))
            let bytes = nodes.worker(atNode: NodeIndex(node)).map { w in
                max(workerMemory[w].bytes(backends: Double(backends[w].intervalMaximum)), workMem.used ? workMem.intervalPeak[w] : 0)
            } ?? nodes.coordinator(atNode: NodeIndex(node)).map { coordinatorMemory[$0].fixedBytes + (resultStore.used ? resultStore.intervalPeak[$0] : 0) } ?? 0
            row.memoryGiB.append(bytes / 1_073_741_824)
        }
        for w in nodes.allWorkers {
            let node = nodes.node(ofWorker: w)
            row.diskUtilization.append((current.disk[node.index] - lastIntegrals.disk[node.index]) / span)
            row.connections.append(backends[w].inUse)
            row.sharedPoolInUse.append(sharedPool.inUse(worker: w))
        }
        for g in metrics.watchIntervalLatency.indices {
            let h = metrics.watchIntervalLatency[g]
            row.watchThroughput.append(Double(h.count) / (span / 1e6))
            row.watchP50Ms.append(h.percentileMilliseconds(50))
            row.watchP99Ms.append(h.percentileMilliseconds(99))
            metrics.watchIntervalLatency[g].reset()
        }
        if hasOperations {
            row.transfersRunning = ops.transfers.filter { !$0.finished }.count
            // Shard groups blocked by a transfer, and every group of a table whose writes wait on a
            // table lock (alter_distributed_table), each counted once.
            var blocked = writeBlocks.blocked
            for t in scenario.tables.indices where t < writeBlocks.tableBlocked.count && writeBlocks.tableBlocked[t] {
                for f in placement.offset[t]..<(placement.offset[t] + placement.shardCount(ofTable: t)) where f < placement.group.count {
                    let g = placement.group[f].index
                    if g < blocked.count { blocked[g] = true }
                }
            }
            row.writeBlockedGroups = blocked.filter { $0 }.count
        }
        metrics.series.append(row)
    }
}

/// One tenant's figures in citus_stat_tenants terms.
public struct TenantCounts: Sendable {
    public var reads: Int32 = 0
    public var writes: Int32 = 0
    /// Worker CPU seconds of the tenant's queries.
    public var cpuSeconds: Double = 0
    /// Reads and writes.
    public var queries: Int32 { reads + writes }
}
