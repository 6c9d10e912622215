import SimCore
import Simulation

extension Advice {
    /// The N+1 check of the recommendation: its busiest worker fails, without and with a
    /// standby; each judged over the window from the failure on.
    public struct HighAvailability: Sendable {
        public var worker: String
        public var windowSeconds: Double
        /// A streaming standby per worker, same size: the workers' price again.
        public var standbyPricePerHour: Double
        /// Seconds until a standby takes over (failure detection + promotion).
        public var promotionSeconds: Double
        public var withoutStandby: Evaluation
        public var withStandby: Evaluation

        /// What the failure costs, in a few sentences.
        public var verdict: String {
            let count = { (e: Evaluation) in e.interval("failed_queries").map { SizingRules.grouped(Int($0.mean.rounded())) } ?? "?" }
            let share = { (e: Evaluation) in e.interval("timeout_or_error_rate").map { SizingRules.fixed($0.mean * 100, 2) + "%" } ?? "?" }
            let minutes = SizingRules.fixed(windowSeconds / 60, 0)
            let unjudged = withoutStandby.checks.contains { $0.metric == "timeout_or_error_rate" } ? "" : " No objective limits failed queries (slo.max_timeout_rate is not set), so only the latency of the answered ones is judged."
            return "If \(worker), the busiest worker, fails: without a standby its shards have no other copy and \(share(withoutStandby)) of queries fail "
                + "(\(count(withoutStandby)) in \(minutes) min, until it is restored); \(withoutStandby.missText). "
                + "With a streaming standby per worker (+\(SizingRules.fixed(standbyPricePerHour, 2))/h), it takes over after \(SizingRules.fixed(promotionSeconds, 0)) s: "
                + "\(share(withStandby)) of queries fail (\(count(withStandby)) in the same \(minutes) min); \(withStandby.missText)." + unjudged
        }
    }
}
