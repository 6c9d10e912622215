import ClusterModel
import Planner
import Runbook
import SimCore

/// A sequence of transfers one caller waits for: the DBA session's statement, or one
/// background task.
struct TransferChain {
    enum Owner { case session(operation: Int), task(job: Int, task: Int64) }
    var owner: Owner
    var items: [PlannedTransfer]
    var next = 0
    var mode: TransferMode
    /// The transfer running now (`none` between transfers).
    var active = TransferID.none
    var done = false
}

/// Cold state of cluster operations in a run (touched only when operations happen).
struct OperationsState {
    var runner: RunbookRunner
    var log = OperationLog()
    /// Timeline entries that have happened.
    var timelineFired = 0
    /// The DBA session: the statements due and what holds it.
    var session = DBASession()
    /// Reloaded settings already applied to the simulation.
    var settingsSeen = 0
    var transfers: [ShardTransfer] = []
    var chains: [TransferChain] = []
    var jobMonitor = BackgroundJobMonitor()
    /// Shard sizes and each worker's data on disk.
    var sizes: ShardSizes
    /// Per worker, the cache times of its last full estimate (nil before the first in this run).
    var cacheSolves = PerWorker<WorkerCache.Solve?>([])
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
        OperationsState(runner: RunbookRunner(state: ClusterState(), file: ""), sizes: .empty, meanArrivalRate: 0)
    }

    init(runner: RunbookRunner, sizes: ShardSizes, meanArrivalRate: Double) {
        self.runner = runner
        self.sizes = sizes
        self.meanArrivalRate = meanArrivalRate
    }
}
