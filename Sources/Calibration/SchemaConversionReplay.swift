import ParallelRuns
import Scenario
import SimCore
import Simulation

/// Family k as a scenario: the lab's 4 nodes on one 2-core host, schema-based sharding, one
/// tenant schema (`tenant_1`) with one table of the measured bytes, undistributed and then
/// distributed again by the timeline, with the costs fitted on the validation's fit half.
struct SchemaConversionReplay: Sendable {
    var targetMiB: Int
    var bytes: Double
    var costs: OperationsSpec

    var fileName: String { "k-schema-conversion-\(targetMiB)mib.yaml" }

    var scenarioText: String {
        let n = RebalanceReplay.number
        var operations = RebalanceReplay.costsYAML(costs)
        operations.removeLast()  // the closing brace: the conversion costs join the section
        operations += ", schema_undistribute_cpu_share: \(n(costs.schemaUndistributeCPUShare)), schema_distribute_cpu_share: \(n(costs.schemaDistributeCPUShare))}"
        return """
        version: 1
        kind: cluster
        run: {seed: 1, duration: 1h, warmup: 0s, replications: 1, sample_interval: 60s}
        cluster:
          coordinator: {cores: 2, memory_gib: 8}
          workers: {count: 3, cores: 2, memory_gib: 8, disk_mb_per_second: 500}
          shared_host_cores: 2
        citus: {enable_schema_based_sharding: true}
        \(operations)
        tables:
          - {name: orders, type: distributed}
        tenants: {count: 1, total_size_gib: \(n(bytes / 1_073_741_824)), size_zipf: 0, activity_zipf: 0}
        workload:
          arrivals: {rate_per_second: 0.01, sessions: 2}
          classes:
            - {name: lookup, kind: router, share: 1, table: orders, worker_cpu: {distribution: constant, value: 1ms}}
        timeline:
          - at: 10s
            sql: |
              SELECT citus_schema_undistribute('tenant_1');
              SELECT citus_schema_distribute('tenant_1');

        """
    }

    /// Seconds each statement took (nil if it did not end).
    func simulate() throws -> (undistribute: Double?, distribute: Double?) {
        let (loaded, _) = try ScenarioLoader.load(text: scenarioText, file: "replay of a schema conversion", name: "replay")
        guard case .cluster(let scenario) = loaded else { fatalError("a replay is a cluster scenario") }
        let result = try ClusterRun.run(scenario, layout: try ClusterRun.layout(for: scenario), seed: scenario.run.seed, untilOperationsDone: true)
        let ops = (result.operations ?? OperationLog()).operations
        let seconds = { (i: Int) -> Double? in i < ops.count && ops[i].status == "done" ? ops[i].end.map { ($0 - ops[i].start).seconds } : nil }
        return (seconds(0), seconds(1))
    }
}

extension ModelValidation {
    /// Family k: each schema size's undistribute and distribute (the mean of its repeats, psql's
    /// start-up removed) against the replay.
    static func schemaConversionRows(_ m: LabMeasurements, split: ValidationSplit, costs: OperationsSpec, threads: Int,
                                     replays: inout [(name: String, text: String)]) throws -> [ValidationRow] {
        let sizes = Set(m.schemaConversions.map(\.targetMiB)).sorted()
        let groups = sizes.map { s in m.schemaConversions.filter { $0.targetMiB == s } }
        let mean = { (runs: [LabMeasurements.SchemaConversionRun], value: (LabMeasurements.SchemaConversionRun) -> Double) in
            runs.reduce(0) { $0 + value($1) } / Double(runs.count)
        }
        let replay = groups.map { SchemaConversionReplay(targetMiB: $0[0].targetMiB, bytes: mean($0, \.bytes), costs: costs) }
        for r in replay { replays.append((r.fileName, r.scenarioText)) }
        let sims = try parallelMap(replay, threads: threads) { try $0.simulate() }
        var rows: [ValidationRow] = []
        for (runs, sim) in zip(groups, sims) {
            let held = !split.fitsConversion(runs[0], among: m.schemaConversions)
            let config = "\(RebalanceReplay.number((mean(runs, \.bytes) / 1_048_576).rounded())) MiB schema, 1 table"
            let psql = m.schemaConversionPsqlOverhead
            rows.append(ValidationRow(family: "k", experiment: "citus_schema_undistribute", configuration: config, metric: "seconds", unit: "s",
                                      measured: mean(runs, \.undistributeSeconds) - psql, simulated: sim.undistribute, tolerance: timingTolerance, heldOut: held,
                                      note: "mean of \(runs.count) runs; rows copied from the worker into a local table on the coordinator"))
            rows.append(ValidationRow(family: "k", experiment: "citus_schema_distribute", configuration: config, metric: "seconds", unit: "s",
                                      measured: mean(runs, \.distributeSeconds) - psql, simulated: sim.distribute, tolerance: timingTolerance, heldOut: held,
                                      note: "mean of \(runs.count) runs; rows copied from the coordinator into a new single-shard table"))
        }
        return rows
    }
}
