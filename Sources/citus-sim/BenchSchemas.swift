import ArgumentParser
import Reporting
import SimCore
import Simulation

extension Bench {
    /// `citus-sim bench schemas`: schema-based sharding at scale (issue 22's goal: 100,000
    /// schemas rebalanced after adding 2 workers to 8 in under 30 s and 2 GiB).
    struct Schemas: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a rebalance of many tenant schemas under load and report its wall time and memory.",
            discussion: """
                --schemas tenant schemas (three tables each, ~10 MiB per schema on average) on 6 workers x 16 cores under \
                1,000 single-schema queries/s; at 60 s two workers are added and rebalance_table_shards (by_shard_count, \
                block_writes) spreads the schemas over all 8; the run ends when the rebalance does. Prints the layout's and \
                the run's wall seconds, moves, and the peak resident memory. Goal: 100,000 schemas in under 30 s and 2 GiB.
                """
        )

        @Option(help: "Tenant schemas.")
        var schemas = 20_000

        func validate() throws {
            guard (8...1_000_000).contains(schemas) else { throw ValidationError("--schemas must be in 8...1000000") }
        }

        func run() throws {
            let scenario = try ReferenceSchemaRebalance.make(schemas: schemas)
            let clock = ContinuousClock()
            var layout: SimulationLayout?
            let layoutTime = try clock.measure { layout = try ClusterRun.layout(for: scenario) }
            var result: ClusterRunResult?
            let runTime = try clock.measure { result = try ClusterRun.run(scenario, layout: layout!, seed: 1, untilOperationsDone: true) }
            guard let log = result?.operations, let op = log.operations.last, let end = op.end else {
                throw ValidationError("the rebalance did not finish within the simulated \(scenario.run.duration)")
            }
            let moves = log.transfers.filter { $0.kind == "move" && $0.status == "done" }
            print("schemas: \(schemas)")
            print("tables: \(schemas * scenario.tables.count)")
            print("moves: \(moves.count)")
            print("rebalance_simulated_seconds: \(NumberFormat.fixed((end - op.start).seconds, 1))")
            print("events: \(result!.events)")
            print("layout_wall_seconds: \(NumberFormat.fixed(layoutTime.seconds, 3))")
            print("run_wall_seconds: \(NumberFormat.fixed(runTime.seconds, 3))")
            print("peak_memory_mib: \(NumberFormat.fixed(Double(PeakMemory.residentKiB()) / 1024, 1))")
        }
    }
}
