import ArgumentParser
import Experiments

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
            try Bench.print(SchemaRebalanceBenchmark.run(schemas: schemas))
        }
    }
}
