import SimCore
import Simulation
import TextFormat

/// `citus-sim bench run`: the reference cluster scenario (`ReferenceScenario`), one
/// replication on one thread: simulated seconds per wall second and peak memory.
public enum ClusterRunBenchmark {
    /// `verbose`: the run's event counts by kind and its summary figures as context.
    public static func run(rate: Double, durationSeconds: Int64, seed: UInt64, verbose: Bool) throws -> BenchmarkFigures {
        let scenario = try ReferenceScenario.make(rate: rate, duration: .seconds(durationSeconds))
        let clock = ContinuousClock()
        var result: ClusterRunResult?
        let layoutTime = try clock.measure { _ = try ClusterRun.layout(for: scenario) }
        let layout = try ClusterRun.layout(for: scenario)
        let runTime = try clock.measure { result = try ClusterRun.run(scenario, layout: layout, seed: seed) }
        let r = result!
        let simulated = Double(durationSeconds)
        var out = BenchmarkFigures()
        out.add("queries", "\(Int((r.metrics.first { $0.name == "throughput_per_second" }!.value * simulated).rounded()))")
        out.add("events", "\(r.events)")
        out.add("events_per_second", "\(Int(Double(r.events) / runTime.seconds))")
        out.add("layout_seconds", NumberFormat.fixed(layoutTime.seconds, 3))
        out.add("wall_seconds", NumberFormat.fixed(runTime.seconds, 3))
        out.add("simulated_seconds_per_wall_second", NumberFormat.fixed(simulated / runTime.seconds, 1))
        out.add("peak_memory_mib", PeakMemory.mibText)
        if verbose {
            for (k, n) in zip(ClusterEvent.allCases, r.eventCounts) { out.note("events.\(k)", "\(n)") }
            for m in r.metrics { out.note(m.name, NumberFormat.fixed(m.value, 4)) }
        }
        return out
    }
}
