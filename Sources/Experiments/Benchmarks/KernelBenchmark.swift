import QueueingModels
import SimCore
import TextFormat

/// `citus-sim bench kernel`: M/M/4 at ρ 0.8 through the resources (2 events per customer), the
/// hold model through the engine, and the same hold model as a hand-written heap loop. The hold
/// runs alternate engine/baseline three times (A B A B, sharing the machine's drift) and keep
/// each one's best.
public enum KernelBenchmark {
    public static func run(customers: Int, holdEvents: Int, pending: Int, seed: UInt64) throws -> BenchmarkFigures {
        let config = StationConfig(
            discipline: .fcfs, servers: 4, arrivalRatePerSecond: 320,
            service: .exponential(mean: 0.01), customers: customers, warmupCustomers: 0)
        let clock = ContinuousClock()
        var mmc: StationRun.Result?
        let mmcTime = try clock.measure { mmc = try StationRun.run(config, seed: seed) }
        let mmcEvents = Double(2 * customers)

        var engineBest = Duration.seconds(1e9), baselineBest = Duration.seconds(1e9)
        var engineSum: UInt64 = 0, baselineSum: UInt64 = 0
        for _ in 0..<3 {
            let e = clock.measure { engineSum = HoldModel.run(seed: seed, pending: pending, events: UInt64(holdEvents)).1 }
            let b = clock.measure { baselineSum = BaselineHold.run(seed: seed, pending: pending, events: UInt64(holdEvents)).1 }
            engineBest = min(engineBest, e)
            baselineBest = min(baselineBest, b)
        }
        guard engineSum == baselineSum else {
            throw BenchmarkError(description: "engine and baseline hold runs disagree (\(engineSum) vs \(baselineSum)): event order differs")
        }
        let hold = Double(holdEvents) / engineBest.seconds
        let baseline = Double(holdEvents) / baselineBest.seconds
        var out = BenchmarkFigures()
        out.add("events_per_second", "\(Int(mmcEvents / mmcTime.seconds))")
        out.add("hold_events_per_second", "\(Int(hold))")
        out.add("baseline_events_per_second", "\(Int(baseline))")
        out.note("hold_vs_baseline", NumberFormat.fixed(hold / baseline, 3))
        if let mmc, let w = mmc.metrics.first(where: { $0.name == "response_latency_mean_ms" }) {
            let exact = config.exactMeanResponseSeconds! * 1e3
            out.note("mmc_mean_response_ms", "\(NumberFormat.fixed(w.value, 3)) (Erlang C: \(NumberFormat.fixed(exact, 3)))")
        }
        return out
    }
}
