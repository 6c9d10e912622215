/// A sizing rule from the Citus documentation applied to one candidate.
public struct RuleCheck: Sendable, Equatable {
    public enum Verdict: String, Sendable {
        case pass, fail
        case notApplicable = "n/a"
    }

    /// Stable identifier, e.g. `connection-budget`.
    public var id: String
    /// The rule as the documentation states it.
    public var rule: String
    /// Where the documentation states it.
    public var citation: String
    public var verdict: Verdict
    /// The figures behind the verdict, in one line.
    public var detail: String
    /// A failing check rejects the candidate before it is simulated.
    public var prunes: Bool

    public init(id: String, rule: String, citation: String, verdict: Verdict, detail: String, prunes: Bool) {
        self.id = id
        self.rule = rule
        self.citation = citation
        self.verdict = verdict
        self.detail = detail
        self.prunes = prunes
    }

    /// True when the check rejects its candidate.
    public var rejects: Bool { prunes && verdict == .fail }
}
