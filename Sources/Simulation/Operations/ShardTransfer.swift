import ClusterModel
import Planner
import Runbook
import SimCore

/// A shard transfer in progress (a move, the reference tables' copy, a split, a clone, a
/// table's or a schema's conversion): its phases in simulated time (FACTS D.3/D.4, E, F).
///
/// Logical (`auto`, `force_logical`): set-up → copy → catch-up → index build → catch-up →
/// writes blocked → final catch-up → metadata commit. `block_writes`: writes blocked from
/// the start → set-up → copy → index build → commit. Catch-up waits poll every second until
/// the target has applied the source's WAL position taken when the wait began.
struct ShardTransfer {
    /// What the transfer copies, with what only that kind needs.
    enum Kind {
        /// A shard group to another worker (`citus_move_shard_placement`, a rebalance's or drain's move).
        case move
        /// The reference tables to a node that lacks them (`replicate_reference_tables`).
        case referenceTables
        /// A shard group split on its node (`citus_split_shard_by_split_points`, tenant isolation).
        case split(SplitPlan)
        /// A clone's base backup then streaming; with a promotion,
        /// `citus_promote_clone_and_rebalance` (the clone takes half the primary's groups).
        case clone(promotion: Promotion?)
        /// `alter_distributed_table(..., shard_count := n)`.
        case convert(Conversion)
        /// `citus_schema_distribute` / `citus_schema_undistribute` of one schema.
        case distributeSchema(SchemaCopy), undistributeSchema(SchemaCopy)

        /// The operation log's name for the kind.
        var name: String {
            switch self {
            case .move: "move"
            case .referenceTables: "reference_tables"
            case .split: "split"
            case .clone: "clone"
            case .convert: "alter_table"
            case .distributeSchema: "schema_distribute"
            case .undistributeSchema: "schema_undistribute"
            }
        }

        var isMove: Bool { if case .move = self { true } else { false } }
        var isSplit: Bool { if case .split = self { true } else { false } }
        var isClone: Bool { if case .clone = self { true } else { false } }
        /// A schema conversion's copy, either way.
        var schemaCopy: SchemaCopy? {
            switch self {
            case .distributeSchema(let c), .undistributeSchema(let c): c
            default: nil
            }
        }
        var conversion: Conversion? { if case .convert(let c) = self { c } else { nil } }
    }

    /// The clone promoted and the split plan it follows.
    struct Promotion {
        var clone: NodeID
        var plan: [CloneSplitPlanner.Row]
    }

    /// alter_distributed_table: scenario indices and names of the tables converted, the new
    /// shard count, the shard groups whose writes wait, and the index-build CPU per worker (s).
    struct Conversion {
        var tables: [Int]
        var names: [String]
        var shardCount: Int
        var groups: Int
        var indexWork: [Double]
    }

    /// citus_schema_distribute / undistribute: the schema, its group (`none`: not one of the
    /// scenario's tenants, so no data) and the index-build CPU on the receiving side (s).
    struct SchemaCopy {
        var name: String
        var group = ShardGroupIndex.none
        var indexWork = 0.0
    }

    enum Phase { case setup, copy, catchUp1, indexes, catchUp2, blocked, promote, done }

    var kind: Kind
    var log: Int
    /// Who waits for it: the DBA session (chain index) or a background task.
    var chain: Int
    var mode: TransferMode
    var planned: PlannedTransfer?
    /// The workers it copies between (`WorkerIndex.none`: the coordinator, for a schema's
    /// local tables).
    var source: WorkerIndex
    var target: WorkerIndex
    /// Anchor shards of the groups whose writes this transfer tracks and may block (group
    /// ids change when a split rebuilds the placement; shard ids do not).
    var anchors: [ShardID]
    var bytes: Double
    var phase: Phase = .setup
    /// The COPY: its shards, its streams and their limit.
    var copy = CopyStreams()
    /// Index builds still running (a conversion builds on every worker at once).
    var indexParts: Int32 = 0
    /// The groups' change stream when the copy began, and what the target has applied of it
    /// (a logical transfer's catch-up; a clone's physical stream uses the start only).
    var subscription = LogicalReplication.Subscription()
    var blocked = false
    var finished = false

    /// Shard groups whose writes wait while it blocks: a conversion's, a schema's one (when it
    /// has data), else one per anchor.
    var blockedGroups: Int {
        if let c = kind.conversion { return c.groups }
        if let c = kind.schemaCopy, c.group.isGroup { return 1 }
        return anchors.count
    }
}

