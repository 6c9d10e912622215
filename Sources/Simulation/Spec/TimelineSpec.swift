import Runbook
import SQL
import SimCore

/// What happens when in a scenario's `timeline`.
///
/// SQL entries are one DBA session: they run in order, each at its `at` time or when the
/// previous statement returns, whichever is later (a `citus_move_shard_placement` or
/// `citus_rebalance_wait` holds the session). Simulator events happen at their time,
/// independently of the session.
public struct TimelineEntry: Sendable {
    public enum Action: Sendable {
        /// A Citus statement, as the documentation writes it, with its source text.
        case sql(SQLStatement, text: String)
        /// A node (`coordinator` or a worker name) fails; with a standby it comes back after
        /// detection and promotion, without one only with `nodeReturns`.
        case nodeFails(node: String, standby: Bool)
        /// A failed node is back (restored or repaired).
        case nodeReturns(node: String)
        /// Open-loop arrival rate multiplied by this factor from now on (1 = as scheduled).
        case rateMultiplier(Double)
        /// Tenant `rank`'s data grows by `size` (bytes × factor) and its activity weight by `activity`.
        case tenantGrows(rank: Int, size: Double, activity: Double)
        /// A second (third...) coordinator of the coordinator's size joins under `name`: once
        /// the metadata is synced to it, client sessions are balanced across the coordinators
        /// that are up. Timeline SQL (DDL, rebalancing) still runs through the first.
        case coordinatorAdded(name: String)
        /// `count` tenants join (0-based indices `first`..., after the scenario's tenants): each
        /// with `sizeBytes` of data (nil: the mean tenant's) and the mean tenant's activity
        /// times `activity`.
        case newTenants(first: Int, count: Int, sizeBytes: Double?, activity: Double)
    }

    /// When, from the start of the run.
    public var at: SimDuration
    public var action: Action
    /// Line and column in the scenario file.
    public var line: Int
    public var column: Int

    public init(at: SimDuration, action: Action, line: Int, column: Int) {
        self.at = at
        self.action = action
        self.line = line
        self.column = column
    }

    /// A short label for outputs: the statement text or the event.
    public var label: String {
        switch action {
        case .sql(_, let text): return text
        case .nodeFails(let node, let standby): return "\(node) fails (\(standby ? "standby promoted" : "no standby"))"
        case .nodeReturns(let node): return "\(node) returns"
        case .rateMultiplier(let f): return "arrival rate x\(f)"
        case .tenantGrows(let rank, let size, let activity): return "tenant \(rank) grows: data x\(size), activity x\(activity)"
        case .coordinatorAdded(let name): return "coordinator \(name) added (clients balanced; DDL through the first)"
        case .newTenants(let first, let count, _, let activity): return "\(count) new tenants (ranks \(first + 1)-\(first + count)), activity x\(activity)"
        }
    }
}
