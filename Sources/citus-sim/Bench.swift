import ArgumentParser
import Foundation
import QueueingModels
import Simulation
import Reporting
import SimCore
import Advisor

/// `citus-sim bench ...`: speed benchmarks. Timings are wall-clock of this process;
/// compare ratios measured side by side, not absolute figures across machines.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a speed benchmark.",
        subcommands: [Kernel.self, RunScenario.self, Rebalance.self, Recommend.self, Schemas.self]
    )

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
            let config = StationConfig(
                discipline: .fcfs, servers: 4, arrivalRatePerSecond: 320,
                service: .exponential(mean: 0.01), customers: customers, warmupCustomers: 0)
            let clock = ContinuousClock()
            var mmc: StationRun.Result?
            let mmcTime = try clock.measure { mmc = try StationRun.run(config, seed: seed) }
            let mmcEvents = Double(2 * customers)

            // Hold: engine and baseline alternate (A B A B) to share the machine's drift.
            var engineBest = Duration.seconds(1e9), baselineBest = Duration.seconds(1e9)
            var engineSum: UInt64 = 0, baselineSum: UInt64 = 0
            for _ in 0..<3 {
                let e = clock.measure { engineSum = HoldModel.run(seed: seed, pending: pending, events: UInt64(holdEvents)).1 }
                let b = clock.measure { baselineSum = BaselineHold.run(seed: seed, pending: pending, events: UInt64(holdEvents)).1 }
                engineBest = min(engineBest, e)
                baselineBest = min(baselineBest, b)
            }
            guard engineSum == baselineSum else {
                throw ValidationError("engine and baseline hold runs disagree (\(engineSum) vs \(baselineSum)): event order differs")
            }
            let hold = Double(holdEvents) / engineBest.seconds
            let baseline = Double(holdEvents) / baselineBest.seconds
            print("events_per_second: \(Int(mmcEvents / mmcTime.seconds))")
            print("hold_events_per_second: \(Int(hold))")
            print("baseline_events_per_second: \(Int(baseline))")
            // Context on stderr, so stdout stays the three figures.
            CLI.printError("hold_vs_baseline: \(NumberFormat.fixed(hold / baseline, 3))")
            if let mmc, let w = mmc.metrics.first(where: { $0.name == "response_latency_mean_ms" }) {
                let exact = config.exactMeanResponseSeconds! * 1e3
                CLI.printError("mmc_mean_response_ms: \(NumberFormat.fixed(w.value, 3)) (Erlang C: \(NumberFormat.fixed(exact, 3)))")
            }
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
            let scenario = try ReferenceScenario.make(rate: rate, duration: .seconds(durationSeconds))
            let clock = ContinuousClock()
            var result: ClusterRunResult?
            let layoutTime = try clock.measure { _ = try ClusterRun.layout(for: scenario) }
            let layout = try ClusterRun.layout(for: scenario)
            let runTime = try clock.measure { result = try ClusterRun.run(scenario, layout: layout, seed: seed) }
            let r = result!
            let simulated = Double(durationSeconds)
            print("queries: \(Int((r.metrics.first { $0.name == "throughput_per_second" }!.value * simulated).rounded()))")
            print("events: \(r.events)")
            print("events_per_second: \(Int(Double(r.events) / runTime.seconds))")
            print("layout_seconds: \(NumberFormat.fixed(layoutTime.seconds, 3))")
            print("wall_seconds: \(NumberFormat.fixed(runTime.seconds, 3))")
            print("simulated_seconds_per_wall_second: \(NumberFormat.fixed(simulated / runTime.seconds, 1))")
            print("peak_memory_mib: \(NumberFormat.fixed(Double(PeakMemory.residentKiB()) / 1024, 1))")
            if verbose {
                for (k, n) in zip(ClusterEvent.allCases, r.eventCounts) { CLI.printError("events.\(k): \(n)") }
            }
            if verbose { for m in r.metrics { CLI.printError("\(m.name): \(NumberFormat.fixed(m.value, 4))") } }
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
            var scenario = try ReferenceRebalance.make(shards: shards, rate: rate)
            let clock = ContinuousClock()
            // First pass: how long the rebalance takes in simulated time; the timed run stops there.
            let layout = try ClusterRun.layout(for: scenario)
            var result: ClusterRunResult?
            let runTime = try clock.measure { result = try ClusterRun.run(scenario, layout: layout, seed: 1) }
            guard let log = result?.operations, let job = log.operations.first(where: { $0.label.hasPrefix("background job") }), let end = job.end else {
                throw ValidationError("the rebalance did not finish within the simulated \(scenario.run.duration)")
            }
            scenario.run.duration = end - .zero
            let moves = log.transfers.filter { $0.kind == "move" && $0.status == "done" }
            let maxParallel = log.taskRuns.map { r in log.taskRuns.filter { $0.start <= r.start && r.start < ($0.end ?? end) }.count }.max() ?? 0
            print("shard_groups: \(shards)")
            print("moves: \(moves.count)")
            print("bytes_moved_gib: \(NumberFormat.fixed(moves.reduce(0) { $0 + $1.bytes } / 1_073_741_824, 1))")
            print("max_parallel_tasks: \(maxParallel)")
            print("rebalance_simulated_seconds: \(NumberFormat.fixed((end - job.start).seconds, 1))")
            print("simulated_seconds: \(NumberFormat.fixed(end.seconds, 1))")
            print("events: \(result!.events)")
            print("wall_seconds_including_tail: \(NumberFormat.fixed(runTime.seconds, 3))")
            let timed = try clock.measure { _ = try ClusterRun.run(scenario, layout: layout, seed: 1) }
            print("wall_seconds: \(NumberFormat.fixed(timed.seconds, 3))")
            print("peak_memory_mib: \(NumberFormat.fixed(Double(PeakMemory.residentKiB()) / 1024, 1))")
        }
    }
}

/// The process's peak resident set size (VmHWM from /proc/self/status), KiB.
enum PeakMemory {
    static func residentKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}

extension Duration {
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
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
            let clock = ContinuousClock()
            var best = [Duration.seconds(1e9), Duration.seconds(1e9)]
            var results: [[String]] = [[], []]
            var counts = (0, 0)
            for _ in 0..<rounds {
                for (k, t) in [1, threads].enumerated() {
                    let advisor = try Advisor(base: cluster, spec: spec, threads: t)
                    var found: [CandidateOutcome] = []
                    let elapsed = try clock.measure { found = try advisor.screenAndSimulate() }
                    best[k] = min(best[k], elapsed)
                    results[k] = found.map { "\($0.id) \($0.verdict.rawValue) \($0.reason)" }
                    counts = (found.count, found.filter { $0.evaluation != nil }.count)
                }
            }
            guard results[0] == results[1] else { throw ValidationError("the 1-thread and \(threads)-thread searches disagree") }
            print("candidates: \(counts.0)")
            print("candidates_simulated: \(counts.1)")
            print("seconds_1_thread: \(NumberFormat.fixed(best[0].seconds, 2))")
            print("seconds_\(threads)_threads: \(NumberFormat.fixed(best[1].seconds, 2))")
            print("speedup: \(NumberFormat.fixed(best[0].seconds / best[1].seconds, 2))")
        }
    }
}
