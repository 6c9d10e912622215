import Foundation
import Scenario
import Simulation

/// Sets each class's `worker_cpu` mean so that a simulated run reproduces the observed mean
/// execution time per class: of the measured server's model (`sourceReplica`) for a single
/// server, of the scenario itself for a Citus coordinator (whose statement times are end to
/// end). The figure compared is the service time (from the session's start of the query to its
/// answer, without waiting for a session), which is what pg_stat_statements times. A damped
/// fixed-point step, demand × (observed / simulated)^0.8, kept inside a per-class bracket
/// (bisection near saturation); at most `maxIterations` runs of `seconds` simulated seconds
/// with one fixed seed.
public enum DemandCalibration {
    public struct ClassResult: Sendable, Equatable {
        public var name: String
        public var observedMs: Double
        public var simulatedMs: Double
        public var demandMs: Double
        public var error: Double { simulatedMs / observedMs - 1 }
    }

    public struct Outcome: Sendable {
        public var iterations: Int
        public var classes: [ClassResult]
        public var converged: Bool
    }

    /// `file` is where the scenario will be (relative `cluster.layout` paths resolve against it).
    public static func calibrate(_ s: inout ImportedScenario, file: String = "imported scenario", tolerance: Double = 0.03, maxIterations: Int = 12,
                                 seconds: Int = 60) throws -> Outcome {
        let rendering: ImportedScenario.Rendering = s.calibratesOnSource ? .sourceReplica : .scenario
        var results: [ClassResult] = []
        var iteration = 0
        var converged = false
        var low = Array(repeating: 0.0, count: s.workload.classes.count)
        var high = Array(repeating: Double.infinity, count: s.workload.classes.count)
        while iteration < maxIterations {
            iteration += 1
            let simulated = try meanServiceTimes(s.yaml(rendering), file: file, seconds: seconds)
            results = s.workload.classes.map { c in
                ClassResult(name: c.name, observedMs: c.observedMeanMs, simulatedMs: simulated[c.name] ?? 0, demandMs: c.demandMs)
            }
            if results.allSatisfy({ abs($0.error) <= tolerance || $0.observedMs <= 0 }) { converged = true; break }
            for i in s.workload.classes.indices {
                let r = results[i]
                guard r.observedMs > 0 else { continue }
                // Keep a bracket per class: near saturation the time jumps, and a plain
                // multiplicative step would oscillate across the cliff.
                let tooSlow = r.simulatedMs <= 0 || r.simulatedMs > r.observedMs
                if tooSlow { high[i] = min(high[i], r.demandMs) } else { low[i] = max(low[i], r.demandMs) }
                var next = r.demandMs * (r.simulatedMs > 0 ? min(4, max(0.25, pow(r.observedMs / r.simulatedMs, 0.8))) : 0.25)
                if (next <= low[i] || next >= high[i]) && high[i].isFinite && low[i] > 0 { next = (low[i] * high[i]).squareRoot() }
                s.workload.classes[i].demandMs = max(0.001, next)
            }
        }
        let target = s.calibratesOnSource ? "a run of the measured server's model (one worker, no coordinator or network cost)" : "a run of this scenario"
        for r in results {
            s.calibration[r.name] = "calibrated: \(target) gives a mean service time of \(number(r.simulatedMs)) ms against the observed \(number(r.observedMs)) ms (\(r.error >= 0 ? "+" : "")\(percent(r.error)))"
        }
        if !converged {
            let off = results.filter { abs($0.error) > tolerance }.map { "\($0.name) \(percent($0.error))" }
            s.notes.append("the demand calibration did not converge within \(maxIterations) runs (\(off.joined(separator: ", "))): the observed time may include waits the model does not have (locks, I/O outside the statement)")
        }
        return Outcome(iterations: iteration, classes: results, converged: converged)
    }

    /// Mean service time per class (ms) of one run of `yaml` for `seconds` simulated seconds.
    public static func meanServiceTimes(_ yaml: String, file: String, seconds: Int, seed: UInt64 = 1) throws -> [String: Double] {
        let overrides = [ScenarioOverride(key: "run.duration", value: "\(seconds)s"),
                         ScenarioOverride(key: "run.warmup", value: "\(max(1, seconds / 6))s")]
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: file, name: "imported", overrides: overrides)
        guard case .cluster(let scenario) = loaded else { throw ImportError("internal: the imported scenario is not a cluster scenario") }
        let result = try ClusterRun.run(scenario, layout: try ClusterRun.layout(for: scenario), seed: seed)
        var out: [String: Double] = [:]
        for m in result.metrics where m.name.hasSuffix(".service_mean_ms") {
            out[String(m.name.dropLast(".service_mean_ms".count))] = m.value
        }
        return out
    }
}
