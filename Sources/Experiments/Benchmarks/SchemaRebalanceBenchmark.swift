import SimCore
import Simulation
import TextFormat

/// `citus-sim bench schemas`: schema-based sharding at scale (`ReferenceSchemaRebalance`):
/// the layout's and the rebalance run's wall seconds and the peak resident memory.
public enum SchemaRebalanceBenchmark {
    public static func run(schemas: Int) throws -> BenchmarkFigures {
        let scenario = try ReferenceSchemaRebalance.make(schemas: schemas)
        let clock = ContinuousClock()
        var layout: SimulationLayout?
        let layoutTime = try clock.measure { layout = try ClusterRun.layout(for: scenario) }
        var result: ClusterRunResult?
        let runTime = try clock.measure { result = try ClusterRun.run(scenario, layout: layout!, seed: 1, untilOperationsDone: true) }
        guard let log = result?.operations, let op = log.operations.last, let end = op.end else {
            throw BenchmarkError(description: "the rebalance did not finish within the simulated \(scenario.run.duration)")
        }
        let moves = log.transfers.filter { $0.kind == "move" && $0.status == "done" }
        var out = BenchmarkFigures()
        out.add("schemas", "\(schemas)")
        out.add("tables", "\(schemas * scenario.tables.count)")
        out.add("moves", "\(moves.count)")
        out.add("rebalance_simulated_seconds", NumberFormat.fixed((end - op.start).seconds, 1))
        out.add("events", "\(result!.events)")
        out.add("layout_wall_seconds", NumberFormat.fixed(layoutTime.seconds, 3))
        out.add("run_wall_seconds", NumberFormat.fixed(runTime.seconds, 3))
        out.add("peak_memory_mib", PeakMemory.mibText)
        return out
    }
}
