import Advisor
import Scenario
import Simulation

/// The advisor's search and studies, and the recommended configuration run again in full.
public struct AdviceExperiment {
    public var advice: Advice
    /// The recommended configuration run again like `citus-sim run` (nil when none).
    public var recommended: ClusterExperiment?

    /// Runs the advisor, then the recommended configuration in full with the scenario's run settings.
    /// With `screened` (every candidate's screening and simulation, e.g. merged from partial
    /// results), the search is not run again.
    public static func run(_ scenario: ClusterScenario, spec: AdvisorSpec, threads: Int, screened: [CandidateOutcome]? = nil,
                           progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws -> AdviceExperiment {
        let advisor = try Advisor(base: scenario, spec: spec, threads: threads, progress: progress)
        let advice = try screened.map(advisor.complete) ?? advisor.recommend()
        var recommended: ClusterExperiment?
        if let r = advice.recommended {
            var s = try advisor.scenario(for: advice.outcomes[r].candidate, traffic: 1 + spec.headroom)
            s.run = scenario.run
            recommended = try ClusterExperiment.run(s, threads: threads)
        }
        return AdviceExperiment(advice: advice, recommended: recommended)
    }
}
