/// What the advisor did with one candidate and what it found.
public struct CandidateOutcome: Sendable {
    public enum Verdict: String, Sendable {
        /// The cheapest configuration meeting every SLO.
        case recommended
        /// Meets every SLO but costs more than the recommendation.
        case meets
        /// Simulated and misses an SLO.
        case misses
        /// Met every SLO in the search but missed on the confirmation replications (a lucky draw).
        case unconfirmed
        /// Not simulated: a budget, rule or analytic bound rules it out.
        case rejected
    }

    /// 1-based position in the enumeration (stable across runs and partitions).
    public var id: Int
    public var candidate: Candidate
    public var rules: [RuleCheck]
    public var load: AnalyticLoad?
    /// What rejected a candidate before simulation.
    public enum Rejection: String, Sendable { case budget, rule, bound, error }

    /// Why it was not simulated (one line), nil when simulated.
    public var rejection: String?
    public var rejectedBy: Rejection?
    public var evaluation: Evaluation?
    /// The confirmation replications (fresh seeds), for the cheapest candidates that met in the search.
    public var confirmation: Evaluation?
    public var verdict: Verdict

    public init(id: Int, candidate: Candidate, rules: [RuleCheck], load: AnalyticLoad?, rejection: String?, rejectedBy: Rejection?,
                evaluation: Evaluation?, confirmation: Evaluation? = nil, verdict: Verdict) {
        self.id = id
        self.candidate = candidate
        self.rules = rules
        self.load = load
        self.rejection = rejection
        self.rejectedBy = rejectedBy
        self.evaluation = evaluation
        self.confirmation = confirmation
        self.verdict = verdict
    }

    /// One line saying why this candidate has its verdict.
    public var reason: String {
        if let rejection { return rejection }
        guard let e = evaluation else { return "" }
        if verdict == .unconfirmed, let c = confirmation { return "met in the search; on confirmation replications " + c.missText }
        return e.missText
    }
}
