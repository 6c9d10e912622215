import ClusterModel
import Planner
import Runbook
import SimCore

/// A transfer in progress: phases in simulated time (FACTS D.3/D.4, E, F).
///
/// Logical (`auto`, `force_logical`): set-up → copy → catch-up → index build → catch-up →
/// writes blocked → final catch-up → metadata commit. `block_writes`: writes blocked from
/// the start → set-up → copy → index build → commit. Catch-up waits poll every second until
/// the target has applied the source's WAL position taken when the wait began.
struct ActiveTransfer {
    enum Kind: String {
        case move, referenceTables = "reference_tables", split, clone, convert = "alter_table"
        case distributeSchema = "schema_distribute", undistributeSchema = "schema_undistribute"
    }
    enum Phase { case setup, copy, catchUp1, indexes, catchUp2, blocked, promote, done }

    var kind: Kind
    var log: Int
    /// Who waits for it: the DBA session (chain index) or a background task.
    var chain: Int
    var mode: TransferMode
    var planned: PlannedTransfer?
    var split: SplitPlan?
    var source: Int32
    var target: Int32
    /// Anchor shards of the groups whose writes this transfer tracks and may block (group
    /// ids change when a split rebuilds the placement; shard ids do not).
    var anchors: [ShardID]
    var bytes: Double
    var phase: Phase = .setup
    /// COPY streams: bytes of shards not yet started, and per running stream its bytes left
    /// and chunk parts still outstanding.
    var pendingShards: [Double] = []
    var streams: [(left: Double, parts: Int32)] = []
    /// A conversion's streams each have their own source and target worker (parallel to
    /// `pendingShards` and `streams`); other transfers use `source` and `target`.
    var pendingEnds: [(source: Int32, target: Int32)] = []
    var streamEnds: [(source: Int32, target: Int32)] = []
    /// Index builds still running (a conversion builds on every worker at once).
    var indexParts: Int32 = 0
    var maxStreams: Int = 16
    /// CPU per copied byte relative to COPY (1; a base backup's file stream costs less).
    var cpuShare = 1.0
    /// WAL written to the groups when the copy began; applied position and when it was last advanced.
    var walAtCopyStart: Double = 0
    var applied: Double = 0
    /// The same for the bytes the apply worker scans (REPLICA IDENTITY FULL without a key).
    var scanAtCopyStart: Double = 0
    var appliedScan: Double = 0
    var appliedAt: SimTime = .zero
    /// Target WAL position of the current catch-up wait, and when catch-up began.
    var waitTarget: Double = 0
    var catchUpStart: SimTime = .zero
    var blocked = false
    var finished = false
    /// alter_distributed_table: scenario indices and names of the tables converted, the new
    /// shard count, the shard groups whose writes wait, and the index-build CPU per worker (s).
    var convertTables: [Int] = []
    var convertNames: [String] = []
    var convertShardCount = 0
    var convertGroups = 0
    var convertIndexWork: [Double] = []
    /// citus_schema_distribute / undistribute: the schema, its group (−1: not one of the
    /// scenario's tenants, so no data) and the index-build CPU on the receiving side (s).
    var schemaName = ""
    var schemaGroup: Int32 = -1
    var schemaIndexWork = 0.0
    /// Promotion of a clone: the clone and the split plan.
    var promotionClone: NodeID?
    var promotionPlan: [CloneSplitPlanner.Row]?
}

/// A sequence of transfers one caller waits for: the DBA session's statement, or one
/// background task.
struct TransferChain {
    enum Owner { case session(operation: Int), task(job: Int, task: Int64) }
    var owner: Owner
    var items: [PlannedTransfer]
    var next = 0
    var mode: TransferMode
    var active: Int32 = -1
    var done = false
}

/// A background rebalance job running in time.
struct RunningJob {
    var id: Int64
    var operation: Int
    var queue: BackgroundTaskQueue
    var mode: TransferMode
    /// Chain running each task (by position in `queue.tasks`), −1 when none.
    var chainOfTask: [Int]
    var attempts: [Int]
    var runRow: [Int]
    var cancelled = false
    /// The queue monitor runs (the maintenance daemon's check has started it).
    var monitorRunning = false
    /// A monitor pass is scheduled (the daemon's check, or the end of the monitor's 1 s sleep).
    var passPending = true
    /// A pass is under way (a task that ends inside it asks for another instead of nesting one), and one more is asked for.
    var inPass = false, passAgain = false
}

/// Cold state of cluster operations in a run (touched only when operations happen).
struct OperationsState {
    var runner: RunbookRunner
    var log = OperationLog()
    /// Timeline entries that have happened.
    var timelineFired = 0
    /// The DBA session: next SQL entry to run, and whether a statement holds it.
    var sessionQueue: [Int] = []
    var sessionNext = 0
    var sessionBusy = false
    var sessionWaitsForJob = false
    /// The operation holding the session without a transfer (metadata sync, a job waited for).
    var sessionHeldBy: Int?
    /// Reloaded settings already applied to the simulation.
    var settingsSeen = 0
    var transfers: [ActiveTransfer] = []
    var chains: [TransferChain] = []
    var jobs: [RunningJob] = []
    /// Worker index of each node id (−1: coordinator or not a worker yet).
    var workerOfNode: [Int32] = []
    /// Node id of each worker index (nil: a spare worker not added yet).
    var nodeOfWorker: [NodeID?] = []
    var nextSpareWorker: Int
    /// Per table: bytes of each shard (as `tenant_grows` and splits change them).
    var shardBytes: [[Double]]
    /// Per worker, the cache times of its last full estimate (nil before the first in this run).
    var cacheSolves: [WorkerCache.Solve?] = []
    /// Bytes of table data on each worker's disk (moves' free-space check; deferred drops free it).
    var diskUsed: [Double]
    /// Per group: writes queued while it is blocked (request ids), and when each was parked.
    var parkedWrites: [[(request: RequestID, since: SimTime)]] = []
    /// Per scenario table: writes waiting for a table lock (alter_distributed_table's ExclusiveLock).
    var parkedOnTable: [[(request: RequestID, since: SimTime)]] = []
    /// Per query class: an UPDATE or DELETE of a table with REPLICA IDENTITY FULL and no
    /// primary key, which a logical move's apply finds by scanning the target shard.
    var scansOnApply: [Bool] = []
    /// Per group: bytes the apply worker must scan for those changes so far (a shard's size
    /// per change), the scan counterpart of `groupWAL`.
    var groupApplyScanBytes: [Double] = []
    /// Per group: the transfer blocking or tracking it (−1 when none).
    var groupTransfer: [Int32] = []
    /// Requests parked while their node is down (`wait` failure mode), per worker.
    var parkedOnNode: [[RequestID]] = []
    /// The error the statement holding the session ends with (a transactional metadata sync
    /// that ran out of memory), when it resumes.
    var sessionHeldError: String?
    /// Per coordinator: the `add_coordinator` operation waiting for its metadata sync.
    var coordinatorOperation: [Int?] = []
    var meanArrivalRate: Double
    /// Tenants' sizes and activity weights as the timeline changed them (`tenant_grows`).
    var tenantSizes: [Double] = []
    var tenantActivity: [Double] = []
    /// PostgreSQL's `max_worker_processes` (a restart setting: fixed during a run).
    var maxWorkerProcesses = 8

    /// The state of a run without a timeline: empty, and never touched
    /// (`ClusterSimulation.hasOperations` is false).
    static var idle: OperationsState {
        OperationsState(runner: RunbookRunner(state: ClusterState(), file: ""), shardBytes: [], diskUsed: [],
                        initialWorkers: 0, meanArrivalRate: 0)
    }

    init(runner: RunbookRunner, shardBytes: [[Double]], diskUsed: [Double],
         initialWorkers: Int, meanArrivalRate: Double) {
        self.runner = runner
        self.shardBytes = shardBytes
        self.diskUsed = diskUsed
        nextSpareWorker = initialWorkers
        self.meanArrivalRate = meanArrivalRate
    }
}
