import ParallelRuns
import SimCore

/// Family j's costs, fitted on the fit half (`ValidationSplit.fitsAcross`): one client's mean
/// latency of a read across K schemas is a line in K (the subplans run one after another), its
/// slope the cost of one subplan and its intercept the query's own planning and outer query.
///
/// Model: a subplan costs its worker CPU (half of the same experiment's one-schema router
/// latency, as `QueryCosts` splits a router query), the loopback round trip, the executor's
/// `task_coordinator_cpu` (family d) and `subplan_coordinator_cpu`, which is what the slope
/// leaves: the coordinator planning the subplan and writing and reading its intermediate
/// result. The intercept is the class's `coordinator_cpu`.
struct AcrossSchemasCosts: Sendable {
    /// Schemas in the lab's experiment (Lab/experiments/schemas.py's default).
    static let labSchemas = 32

    var workerCPU: SimDuration
    var coordinatorCPU: SimDuration
    var subplanCoordinatorCPU: SimDuration
    var fit: LinearFit

    init(_ m: LabMeasurements, split: ValidationSplit, executor: ExecutorCosts) throws {
        let runs = m.acrossSchemas
        let fitted = runs.filter { $0.schemasRead > 1 && split.fitsAcross($0, among: runs) }
        let routers = runs.filter { $0.schemasRead == 1 }.map(\.meanMilliseconds)
        guard !routers.isEmpty, Set(fitted.map(\.schemasRead)).count >= 2, fitted.count >= 3 else {
            throw MeasurementError(file: m.files.joined(separator: " "), field: "runs",
                                   problem: "family j needs the one-schema router runs and at least 3 fitted runs over 2 schema counts")
        }
        let ms = { (v: Double) in SimDuration(seconds: v / 1000) }
        // Every repeat is a point: the line's interval shows how much the runs drift.
        fit = try LinearFit(fitted.map { (Double($0.schemasRead), $0.meanMilliseconds) })
        let router = routers.reduce(0, +) / Double(routers.count)
        workerCPU = ms(router / 2)
        let roundTrip = 2 * QueryCosts.loopbackOneWay.seconds * 1000
        let perSubplan = fit.slope.mean - router / 2 - roundTrip - executor.taskCoordinatorCPU.seconds * 1000
        subplanCoordinatorCPU = ms(max(0, perSubplan))
        coordinatorCPU = ms(max(0.001, fit.intercept.mean))
    }

    var parameters: [FittedParameter] {
        let n = fit.count
        let source = "family j: one client's latency of a read across K schemas, \(n) fitted runs (slope), less a subplan's worker CPU, round trip and task_coordinator_cpu"
        return [
            FittedParameter(key: "subplan_coordinator_cpu", section: "cluster", value: subplanCoordinatorCPU.seconds, low: subplanCoordinatorCPU.seconds,
                            high: subplanCoordinatorCPU.seconds, unit: "s", samples: n, source: source),
            FittedParameter(key: "across_schemas_ms_per_schema", section: "measured", value: fit.slope.mean, low: fit.slope.lower, high: fit.slope.upper,
                            unit: "ms", samples: n, source: "family j: one client's latency of a read across K schemas against K (slope)"),
        ]
    }
}

extension ModelValidation {
    /// Family j: one client's reads across 2...32 schemas (the mean of each count's repeats),
    /// each replayed with the fitted costs.
    static func acrossSchemasRows(_ m: LabMeasurements, split: ValidationSplit, costs: AcrossSchemasCosts, executor: ExecutorCosts, threads: Int,
                                  replays: inout [(name: String, text: String)]) throws -> [ValidationRow] {
        let counts = Set(m.acrossSchemas.map(\.schemasRead).filter { $0 > 1 }).sorted()
        let runs = counts.map { k in
            let repeats = m.acrossSchemas.filter { $0.schemasRead == k }
            var r = repeats[0]
            r.meanMilliseconds = repeats.reduce(0) { $0 + $1.meanMilliseconds } / Double(repeats.count)
            r.samples = repeats.reduce(0) { $0 + $1.samples }
            return (run: r, repeats: repeats.count)
        }
        let replay = runs.map { r in
            QueryReplay(shardCount: 1, clients: 1, duration: "20s", warmup: "1s", kind: "across_schemas", workerCPU: costs.workerCPU,
                        coordinatorCPU: costs.coordinatorCPU, executor: executor, schemasRead: r.run.schemasRead, subplanCoordinatorCPU: costs.subplanCoordinatorCPU)
        }
        for (r, q) in zip(runs, replay) { replays.append(("j-across-\(r.run.schemasRead)schemas.yaml", q.scenarioText)) }
        let sims = try parallelMap(replay, threads: threads) { try $0.simulate() }
        return zip(runs, sims).map { r, sim in
            ValidationRow(family: "j", experiment: "read across schemas (UNION ALL)", configuration: "\(r.run.schemasRead) schemas, 1 client",
                          metric: "latency_mean_ms", unit: "ms", measured: r.run.meanMilliseconds, simulated: sim["q.latency_mean_ms"],
                          tolerance: timingTolerance, heldOut: !split.fitsAcross(r.run, among: m.acrossSchemas),
                          note: "mean of \(r.repeats) runs; Citus runs one subplan per schema, one after another (EXPLAIN: a Distributed Subplan per schema)")
        }
    }
}
