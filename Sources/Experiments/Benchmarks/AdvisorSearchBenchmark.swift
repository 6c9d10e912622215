import Advisor
import Simulation
import TextFormat

/// `citus-sim bench recommend`: the advisor's candidate search (screening and simulation, no
/// studies) on 1 thread and on `threads`, alternately, `rounds` times, each one's best. The
/// two searches must agree: the result may not depend on the thread count.
public enum AdvisorSearchBenchmark {
    public static func run(_ cluster: ClusterScenario, spec: AdvisorSpec, threads: Int, rounds: Int) throws -> BenchmarkFigures {
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
        guard results[0] == results[1] else { throw BenchmarkError(description: "the 1-thread and \(threads)-thread searches disagree") }
        var out = BenchmarkFigures()
        out.add("candidates", "\(counts.0)")
        out.add("candidates_simulated", "\(counts.1)")
        out.add("seconds_1_thread", NumberFormat.fixed(best[0].seconds, 2))
        out.add("seconds_\(threads)_threads", NumberFormat.fixed(best[1].seconds, 2))
        out.add("speedup", NumberFormat.fixed(best[0].seconds / best[1].seconds, 2))
        return out
    }
}
