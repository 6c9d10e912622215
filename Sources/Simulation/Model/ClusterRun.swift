import ClusterModel
import SimCore
import Workload

/// The outcome of one replication of a cluster scenario.
public struct ClusterRunResult: Sendable {
    /// Summary figures in a fixed order (the same names in every replication).
    public var metrics: [Metric]
    /// Everything counted, including the time series (`measurements.series`).
    public var measurements: SimulationMetrics
    public var events: UInt64
    /// Workers' names, for per-node outputs.
    public var workerNames: [String]
    /// `coordinator`, then the coordinators the timeline adds; per-node series (CPU) list the
    /// first coordinator, the workers, then the added coordinators.
    public var coordinatorNames: [String] = ["coordinator"]
    /// Events by kind, in `ClusterEvent` order.
    public var eventCounts: [UInt64]
    /// The requests made, when the run recorded them.
    public var trace: RequestTrace?
    /// What the timeline's operations did (nil without a timeline).
    public var operations: OperationLog?
    /// Citus's metadata when the run ended, after every statement the timeline ran (nil
    /// without a timeline).
    public var metadataAfter: ClusterState?
}

/// Runs cluster scenarios.
public enum ClusterRun {
    /// How long `workload.clients.at_end: finish` waits past `run.duration` for the clients'
    /// last queries (a run that hangs ends there, those queries unanswered).
    public static let finishLimit = SimDuration.minutes(10)

    /// The mean arrival rate over the run (for the cache model): the rate curve's average,
    /// or clients / mean think time for a closed loop (an upper bound: response time ignored).
    public static func meanArrivalRate(_ scenario: ClusterScenario) -> Double {
        switch scenario.workload.arrivals {
        case .open(let curve, _):
            let n = 1_000
            let d = scenario.run.duration
            return (0..<n).reduce(0.0) { $0 + curve.rate(at: .zero + SimDuration(seconds: d.seconds * (Double($1) + 0.5) / Double(n))) } / Double(n)
        case .closed:
            return scenario.workload.peakArrivalRate
        }
    }

    /// Builds the placement and cache layout (the same for every replication).
    public static func layout(for scenario: ClusterScenario) throws -> SimulationLayout {
        try SimulationLayout(scenario: scenario, meanArrivalRate: meanArrivalRate(scenario))
    }

    /// One replication with `seed`. With `untilOperationsDone`, the run ends as soon as every
    /// timeline operation has ended (or at `run.duration`), and the summary covers the time run;
    /// with `untilJobsDone`, as soon as a background job was started and every one has ended
    /// (later timeline entries, such as setting changes planned for a longer job, are not waited for).
    public static func run(_ scenario: ClusterScenario, layout: SimulationLayout, seed: UInt64,
                           replay: RequestTrace? = nil, record: Bool = false, untilOperationsDone: Bool = false,
                           untilJobsDone: Bool = false) throws -> ClusterRunResult {
        var engine = Engine(model: try ClusterSimulation(scenario: scenario, layout: layout, seed: seed, replay: replay, record: record), queueCapacity: 4_096)
        engine.model.start(&engine.scheduler)
        var end = SimTime.zero + scenario.run.duration
        if untilOperationsDone || untilJobsDone {
            // Closure literals, so that they borrow the model as `Engine.run` passes it: a
            // `(ClusterSimulation) -> Bool` value would copy the whole simulation after every event.
            let stop = untilJobsDone ? engine.run(until: end, stopWhen: { $0.jobsDone }) : engine.run(until: end, stopWhen: { $0.operationsDone })
            if stop == .stopped { end = max(engine.now, .zero + scenario.run.warmup + .seconds(1)) }
            _ = engine.run(until: end)
        } else {
            _ = engine.run(until: end)
            if engine.model.clientsStopAt != .never {
                let clients = scenario.workload.sessions
                // `at_end: finish`: the clients finish their queries and disconnect.
                let limit = end + finishLimit
                end = engine.run(until: limit, stopWhen: { $0.clientsDisconnected == clients }) == .stopped ? engine.now : limit
            }
        }
        let model = engine.model
        return ClusterRunResult(metrics: model.summary(at: end), measurements: model.metrics,
                                events: engine.eventsHandled, workerNames: model.workerNames, coordinatorNames: model.coordinatorNames,
                                eventCounts: model.eventCounts, trace: model.source.recorded, operations: model.hasOperations ? model.ops.log : nil,
                                metadataAfter: model.hasOperations ? model.ops.runner.state : nil)
    }
}

extension ClusterSimulation {
    /// The summary figures over the measured window [warm-up, end].
    func summary(at end: SimTime) -> [Metric] {
        let m = metrics
        let window = (end - measureFrom).seconds
        let current = integrals(at: end)
        let span = Double((end - measureFrom).microseconds)
        var out: [Metric] = []
        let completed = m.completed.reduce(0, +), timeouts = m.timeouts.reduce(0, +), errors = m.errors.reduce(0, +)
        let answered = completed + timeouts + errors
        out.append(Metric("throughput_per_second", Double(completed) / window))
        out.append(Metric("timeout_rate", answered > 0 ? Double(timeouts) / Double(answered) : 0))
        out.append(Metric("error_rate", answered > 0 ? Double(errors) / Double(answered) : 0))
        let singleTenant = classes.indices.filter { classes[$0].isSingleTenant }.reduce(0) { $0 + m.completed[$1] }
        out.append(Metric("cancelled_shard_tasks", Double(m.cancelledTasks)))
        out.append(Metric("single_tenant_share", completed > 0 ? Double(singleTenant) / Double(completed) : 0))
        for (c, cls) in classes.enumerated() {
            out.append(Metric("\(cls.name).throughput_per_second", Double(m.completed[c]) / window))
            out += m.latency[c].summary.metrics(prefix: "\(cls.name).")
            out.append(Metric("\(cls.name).timeouts", Double(m.timeouts[c])))
            out.append(Metric("\(cls.name).errors", Double(m.errors[c])))
            out.append(Metric("\(cls.name).session_waits", Double(m.sessionWaits[c])))
            out.append(Metric("\(cls.name).service_mean_ms", m.completed[c] > 0 ? m.serviceMicroseconds[c] / Double(m.completed[c]) / 1e3 : 0))
        }
        for (k, rank) in scenario.run.watchTenants.enumerated() where 2 * k + 1 < m.watchLatency.count {
            out += m.watchLatency[2 * k].summary.metrics(prefix: "tenant\(rank).")
            out += m.watchLatency[2 * k + 1].summary.metrics(prefix: "tenant\(rank)_neighbours.")
        }
        out.append(Metric("coordinator.cpu_utilization", (current.cpu[0] - baseline.cpu[0]) / span / Double(cpu[0].cores)))
        out.append(Metric("coordinator.cpu_run_queue_mean", cpu[0].jobsInSystem.mean(at: end)))
        out.append(Metric("coordinator.nic_in_utilization", (current.nic[0] - baseline.nic[0]) / span))
        if nodes.localWorker < 0 {
            // Client sessions are the coordinator's backends (a coordinator with shards is counted
            // as a worker below), and its fan-outs' result tuplestores at their peak (`ResultTuplestore`).
            let tuplestores = resultStore.used ? resultStore.peak[0] : 0
            out.append(Metric("coordinator.memory_peak_gib", (coordinatorMemory[0].bytes(backends: 0) + tuplestores) / 1_073_741_824))
            out.append(Metric("coordinator.memory_limit_gib", coordinatorMemory[0].limitBytes / 1_073_741_824))
            if resultStore.used { out.append(Metric("coordinator.out_of_memory_errors", Double(resultStore.outOfMemoryErrors[0]))) }
        }
        if coordinators > 1 {
            // The busiest coordinator (the CPU objective of `slo.max_cpu_utilization`).
            out.append(Metric("coordinator_cpu_utilization_max", (0..<coordinators).reduce(0.0) { busiest, c in
                let node = nodes.cpuNode(coordinator: UInt8(c))
                return max(busiest, (current.cpu[node.index] - baseline.cpu[node.index]) / span / Double(cpu[node.index].cores))
            }))
        }
        for c in 1..<max(1, coordinators) {
            let node = nodes.cpuNode(coordinator: UInt8(c)), name = coordinatorNames[c]
            out.append(Metric("\(name).cpu_utilization", (current.cpu[node.index] - baseline.cpu[node.index]) / span / Double(cpu[node.index].cores)))
            out.append(Metric("\(name).cpu_run_queue_mean", cpu[node.index].jobsInSystem.mean(at: end)))
            out.append(Metric("\(name).nic_in_utilization", (current.nic[c] - baseline.nic[c]) / span))
            if resultStore.used { out.append(Metric("\(name).out_of_memory_errors", Double(resultStore.outOfMemoryErrors[c]))) }
        }
        if nodes.localWorker.isWorker {
            out.append(Metric("coordinator.local_executions_per_second", Double(m.localExecutions) / window))
            out.append(Metric("coordinator.local_failovers", Double(m.localFailovers)))
        }
        out.append(Metric("sessions_in_use_mean", clientSessions.inUseMean(at: end)))
        // The busiest worker (the CPU objective of `slo.max_cpu_utilization`; a coordinator
        // with shards has its own objective).
        out.append(Metric("worker_cpu_utilization_max", nodes.allWorkers.reduce(0.0) { busiest, w in
            let node = nodes.node(ofWorker: w)
            return w == nodes.localWorker ? busiest : max(busiest, (current.cpu[node.index] - baseline.cpu[node.index]) / span / Double(cpu[node.index].cores))
        }))
        for (i, op) in ops.log.operations.enumerated() {
            // One block per operation (the timeline is the same in every replication).
            // `finished` is 1 when the operation returned within the run, 0 when it was still
            // running at the end (its duration is then only a lower bound: the run's remainder).
            out.append(Metric("op\(i + 1).finished", op.end == nil ? 0 : 1))
            let end = op.end ?? end
            out.append(Metric("op\(i + 1).duration_seconds", (end - op.start).seconds))
            out.append(Metric("op\(i + 1).write_blocked_group_seconds", op.writeBlockedGroupSeconds))
            out.append(Metric("op\(i + 1).bytes_copied", op.bytesCopied))
        }
        for w in nodes.allWorkers {
            let name = workerNames[w.index], node = nodes.node(ofWorker: w), spec = scenario.cluster.spec(ofShardNode: w)
            if w != nodes.localWorker {  // a coordinator with shards has its CPU and NIC figures above
                out.append(Metric("\(name).cpu_utilization", (current.cpu[node.index] - baseline.cpu[node.index]) / span / Double(cpu[node.index].cores)))
                out.append(Metric("\(name).cpu_run_queue_mean", cpu[node.index].jobsInSystem.mean(at: end)))
            }
            out.append(Metric("\(name).disk_utilization", (current.disk[node.index] - baseline.disk[node.index]) / span))
            if w != nodes.localWorker {
                out.append(Metric("\(name).nic_out_utilization", m.bytesSent[w] / (spec.nicBytesPerSecond * window)))
            }
            out.append(Metric("\(name).cache_hit_ratio", m.pagesRead[w] > 0 ? 1 - m.pagesMissed[w] / m.pagesRead[w] : 1))
            out.append(Metric("\(name).connections_mean", backends[w].held.mean(at: end)))
            out.append(Metric("\(name).connections_peak", backends[w].held.maximum))
            out.append(Metric("\(name).max_connections", Double(spec.maxConnections)))
            out.append(Metric("\(name).shared_pool_waits", Double(m.connectionWaits[w])))
            out.append(Metric("\(name).shared_pool_waiters_mean", sharedPool.waitersMean(worker: w, at: end)))
            out.append(Metric("\(name).shared_pool_wait_seconds", m.connectionWaitSeconds[w]))
            out.append(Metric("\(name).optional_connections_skipped", Double(m.optionalConnectionsSkipped[w])))
            out.append(Metric("\(name).connections_refused", Double(m.connectionsRefused[w])))
            out.append(Metric("\(name).connections_opened", Double(m.connectionsOpened[w])))
            // The memory envelope at the peak connection count (`NodeMemory`), or with work_mem
            // in use at its peak (`WorkMem`).
            let peak = max(workerMemory[w].bytes(backends: backends[w].held.maximum), workMem.used ? workMem.peak[w] : 0)
            out.append(Metric("\(name).memory_peak_gib", peak / 1_073_741_824))
            out.append(Metric("\(name).memory_limit_gib", workerMemory[w].limitBytes / 1_073_741_824))
            out.append(Metric("\(name).out_of_memory_refusals", Double(m.outOfMemoryRefusals[w])))
            if workMem.used { out.append(Metric("\(name).out_of_memory_errors", Double(m.outOfMemoryErrors[w]))) }
        }
        return out
    }
}
