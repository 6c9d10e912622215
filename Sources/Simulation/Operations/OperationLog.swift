import SimCore

/// What the operations of a run did, for outputs (operations.csv, transfers.csv, tasks.csv,
/// summary.json) and tests. Times are simulated instants from the start of the run.
public struct OperationLog: Sendable {
    /// One timeline entry: a statement from start to return, or a simulator event.
    public struct Operation: Sendable {
        public var label: String
        public var line: Int
        public var start: SimTime
        /// When the statement returned (nil: still running at the end of the run).
        public var end: SimTime?
        /// `done`, `error`, `cancelled` or `running`.
        public var status: String
        /// Citus's error, as psql prints it.
        public var error: String?
        public var bytesCopied: Double = 0
        /// Shard-group seconds of blocked writes: for each shard group this operation blocked, how
        /// long, summed over the groups (8 s on 11 groups = 88).
        public var writeBlockedGroupSeconds: Double = 0

        /// The label's first line, at most `limit` characters (for tables and messages).
        public func summary(_ limit: Int) -> String {
            let line = label.split(separator: "\n").first.map(String.init) ?? label
            return line.count > limit ? String(line.prefix(limit - 1)) + "…" : line
        }

        /// Active shard-holding workers this statement adds (+1: `citus_add_node`, a clone
        /// promoted) or removes (−1: `citus_remove_node`) once done; 0 otherwise. A clone that
        /// `citus_add_clone_node` registers is inactive until promoted.
        public var workerChange: Int {
            guard status == "done" else { return 0 }
            if label.contains("citus_add_node(") || label.contains("citus_promote_clone_and_rebalance(") { return 1 }
            return label.contains("citus_remove_node(") ? -1 : 0
        }
    }

    /// One shard-group transfer (a move, a split, reference tables to a node, a base backup).
    public struct Transfer: Sendable {
        public var operation: Int
        /// Background task id, when a job ran it.
        public var task: Int64?
        public var kind: String
        public var anchorShard: Int64
        public var source: String
        public var target: String
        public var mode: String
        public var bytes: Double
        public var start: SimTime
        public var copyStart: SimTime?
        public var copyEnd: SimTime?
        /// Index and constraint build on the target (after the first catch-up for logical transfers).
        public var indexStart: SimTime?
        public var indexEnd: SimTime?
        public var catchUpEnd: SimTime?
        public var blockStart: SimTime?
        public var end: SimTime?
        public var status: String = "running"
        public var error: String?
        /// Writes to the group that arrived while it was blocked, and the total seconds they waited.
        public var writeBlockedSeconds: Double = 0
        public var writesDelayed: Int = 0
        public var writesFailed: Int = 0
    }

    /// One execution of a background task (retries are separate rows).
    public struct TaskRun: Sendable {
        public var job: Int64
        public var task: Int64
        public var command: String
        public var nodes: String
        /// Tasks this one waited for.
        public var dependsOn: [Int64]
        public var attempt: Int
        public var start: SimTime
        public var end: SimTime?
        public var status: String
        public var error: String?
    }

    public var operations: [Operation] = []
    public var transfers: [Transfer] = []
    public var taskRuns: [TaskRun] = []
    /// NOTICE/WARNING/ERROR lines with the instant Citus printed them.
    public var messages: [(time: SimTime, text: String)] = []

    public init() {}
}
