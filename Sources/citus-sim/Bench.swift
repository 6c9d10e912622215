import ArgumentParser
import Experiments

/// `citus-sim bench ...`: speed benchmarks' arguments; what they time lives in Experiments
/// (`KernelBenchmark`, `ClusterRunBenchmark`...). Timings are wall-clock of this process;
/// compare ratios measured side by side, not absolute figures across machines.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a speed benchmark.",
        subcommands: [Kernel.self, RunScenario.self, Rebalance.self, Recommend.self, Schemas.self]
    )

    /// Figures on stdout (`name: value`), context on stderr; a benchmark that could not measure
    /// is an invalid-input exit with its reason.
    static func print(_ measure: @autoclosure () throws -> BenchmarkFigures) throws {
        let result: BenchmarkFigures
        do { result = try measure() } catch let e as BenchmarkError { throw ValidationError(e.description) }
        for (name, value) in result.figures { Swift.print("\(name): \(value)") }
        for (name, value) in result.context { CLI.printError("\(name): \(value)") }
    }

    struct Kernel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kernel speed: M/M/c through the resources, the hold model through the engine, and a bare-heap baseline.",
            discussion: """
                Prints three lines on stdout: events_per_second (M/M/4 at rho 0.8, 2 events per \
                customer), hold_events_per_second (engine, 1,000 pending) and \
                baseline_events_per_second (the same hold model as a hand-written heap loop). \
                The hold runs alternate engine/baseline three times and keep each one's best. \
                Their ratio and the M/M/c mean response against Erlang C go to stderr.
                """
        )

        @Option(help: "Customers in the M/M/c run (2 events each).")
        var customers: Int = 5_000_000

        @Option(help: "Events in each hold run.")
        var holdEvents: Int = 20_000_000

        @Option(help: "Pending events in the hold model.")
        var pending: Int = 1_000

        @Option(help: "Seed.")
        var seed: UInt64 = 1

        func validate() throws {
            guard customers > 1 else { throw ValidationError("--customers must be > 1, got \(customers)") }
            guard holdEvents > 0 else { throw ValidationError("--hold-events must be > 0, got \(holdEvents)") }
            guard pending > 0 else { throw ValidationError("--pending must be > 0, got \(pending)") }
        }

        func run() throws {
            try Bench.print(KernelBenchmark.run(customers: customers, holdEvents: holdEvents, pending: pending, seed: seed))
        }
    }
}

extension Bench {
    /// `citus-sim bench run`: the reference cluster scenario, timed.
    struct RunScenario: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Simulate the reference scenario and report simulated seconds per wall second and peak memory.",
            discussion: """
                Reference: 100,000 tenants (1 TB, Zipf 0.8 sizes, 0.9 activity), 16 workers x 16 cores, 32 shards, \
                5,000 queries/s (90% router, 10% multi-shard), 1 simulated hour, one replication on one thread. \
                --rate and --duration-seconds scale it to measure how cost grows.
                """
        )

        @Option(help: "Queries per second.")
        var rate: Double = 5_000

        @Option(help: "Simulated seconds.")
        var durationSeconds: Int64 = 3_600

        @Option(help: "Seed.")
        var seed: UInt64 = 1

        @Flag(help: "Print the run's summary figures on stderr.")
        var verbose = false

        func validate() throws {
            guard rate > 0 && rate.isFinite else { throw ValidationError("--rate must be > 0") }
            guard durationSeconds > 0 else { throw ValidationError("--duration-seconds must be > 0") }
        }

        func run() throws {
            try Bench.print(ClusterRunBenchmark.run(rate: rate, durationSeconds: durationSeconds, seed: seed, verbose: verbose))
        }
    }
}

extension Bench {
    struct Rebalance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a background rebalance under load and report its wall time.",
            discussion: """
                1,000 shard groups (two colocated tables, ~1 GiB each) on 16 workers x 16 cores under 2,000 queries/s; at 60 s, \
                16 workers are added and citus_rebalance_start (by_shard_count, block_writes, parallel colocated transfers, 32 executors, one per node) moves groups until \
                all 32 hold their share; the run ends when the rebalance does. Goal: under 10 wall seconds.
                """
        )

        @Option(help: "Shard groups.")
        var shards = 1_000

        @Option(help: "Queries per second during the rebalance.")
        var rate: Double = 2_000

        func validate() throws {
            guard (2...64_000).contains(shards) else { throw ValidationError("--shards must be in 2...64000") }
            guard rate > 0 && rate.isFinite else { throw ValidationError("--rate must be > 0") }
        }

        func run() throws {
            try Bench.print(RebalanceBenchmark.run(shards: shards, rate: rate))
        }
    }
}

extension Bench {
    struct Recommend: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recommend",
            abstract: "Advisor speed: the candidate search of a fixed scenario on 1 thread and on N threads, side by side.",
            discussion: """
                Runs the search (screening and simulation of every candidate, no growth or scale-out studies) of \
                Benchmarks/recommend-bench.yaml alternately on 1 and on --threads threads, --rounds times, keeping each \
                one's best. Prints candidates, candidates_simulated, seconds_1_thread, seconds_N_threads and speedup on \
                stdout; fails if the two searches disagree (the result must not depend on the thread count).
                """
        )

        @Option(help: "The advisor scenario.")
        var scenario: String = "Benchmarks/recommend-bench.yaml"

        @Option(name: .customLong("threads"), help: "Threads for the parallel run (default: all cores).")
        var threadsOption: Int?
        /// --threads, or all cores.
        var threads: Int { threadsOption ?? CLI.cores }

        @Option(help: "Alternating rounds (best of each).")
        var rounds: Int = 1

        func validate() throws {
            guard threads >= 2 else { throw ValidationError("--threads must be at least 2 to measure a speed-up, got \(threads)") }
            guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        }

        func run() throws {
            let (cluster, spec) = try CLI.loadForAdvice(scenario)
            try Bench.print(AdvisorSearchBenchmark.run(cluster, spec: spec, threads: threads, rounds: rounds))
        }
    }
}
