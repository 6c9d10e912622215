import SimCore
import Workload

/// Events of a cluster simulation. Payloads: a node index for wake-ups, a task, request
/// or session index otherwise; operations: a timeline entry, transfer, task or job index.
public enum ClusterEvent: UInt8, Sendable, CaseIterable {
    case arrival, think, cpuWake, diskWake, deliver, slowStart, timeout, sample
    /// A timeline entry is due; the DBA session may continue; a transfer's timed phase ended;
    /// a transfer's catch-up poll; a copy chunk's network transfer ended; the background
    /// task queue monitor's loop; a failed node is back; a moved shard's old copy is dropped.
    case timeline, session, transferStep, transferPoll, copyNetwork, jobTick, nodeBack, deferredDrop
    /// An added coordinator's metadata is synced: it takes client sessions (payload: its index).
    case coordinatorJoins
}

/// A tenant's shard in one table and the cache hit ratio of its pages there.
struct TenantSlot {
    var shard: ShardIndex
    var hit: Double
}

/// One client request (query) in flight. Records live in arrays and are reused.
package struct RequestRecord {
    var cls = QueryClassIndex(0)
    var tenant = TenantIndex(0)
    var session = SessionID.none
    /// The coordinator running the query (the session's, when it began).
    var coordinator: UInt8 = 0
    var arrival: SimTime = .zero
    /// When the request got its session and started on the coordinator.
    var started: SimTime = .zero
    /// Things that still refer to this record (tasks in flight, connection set-ups and
    /// waits, slow-start timers); the record is reused only when this is 0 and the client
    /// has been answered.
    var outstanding: Int32 = 0
    /// Shard tasks of a fan-out not yet finished (across_schemas: subplans not yet finished,
    /// the one running included); at 0 the coordinator merges.
    var remaining: Int32 = 0
    /// across_schemas: the state of the generator drawing the next subplan's schema (SplitMix64,
    /// seeded at arrival, so every configuration sees the same schemas).
    var schemaDraws: UInt64 = 0
    /// The router query's task, while it waits for a shared-pool slot; `none` otherwise.
    var waitingTask = TaskID.none
    /// A slow-start timer for this request's pools is scheduled.
    var slowStartPending = false
    /// The query's coordinator backend is running one of its jobs (a connection set-up's
    /// client side, a shard task's dispatch): one at a time, as a backend is one process; the
    /// others wait in a FIFO of tasks linked by `TaskRecord.next`.
    var backendBusy = false
    var backendQueueHead = TaskID.none
    var backendQueueTail = TaskID.none
    /// First of this request's worker pools (multi-shard), `none` for router queries.
    var poolBase = PoolID.none
    /// The pool executing the coordinator's own shards in-process, `none` if none; while
    /// `remoteHeld`, the remote pools wait for it (sequential modifications run local tasks
    /// first, FACTS G / local_executor.c).
    var localPool = PoolID.none
    var remoteHeld = false
    /// insert_select_coordinator: 0 while the SELECT fans out and results come to the
    /// coordinator, 1 while the coordinator re-routes the rows to the target shards; the
    /// first phase's pool block (freed with the record).
    var phase: UInt8 = 0
    var firstPoolBase = PoolID.none
    var active = false
    /// The client has been answered (done, timed out or failed); in-flight work may still drain.
    var answered = false
    var failed = false
    /// Worker CPU seconds spent on the request, for citus_stat_tenants.
    var cpuSeconds: Double = 0
    /// Coordinator CPU drawn at arrival (plan + merge), microseconds.
    var coordinatorWork: Int64 = 0
    /// Bytes the fan-out's result tuplestore holds on its coordinator until the answer (`ResultTuplestore`).
    var resultStoreBytes: Double = 0
}

/// One unit of work on a node: planning or merging on the coordinator, opening a
/// connection, or one shard task travelling to a worker and back.
struct TaskRecord {
    /// The query the task works for (`.none` for a transfer's copy parts: see `transfer`).
    var request = RequestID.none
    /// The worker the task runs on (`none`: an undistributed schema's table on the coordinator).
    var worker: WorkerIndex = 0
    /// The shard a query's shard task works on (`none`: planning, merging, a connection set-up).
    var shard = ShardIndex.none
    var pool = PoolID.none
    var stage: TaskStage = .plan
    /// A copy part's transfer, `none` for a query's tasks.
    var transfer = TransferID.none
    /// When a wait for a connection slot began.
    var waitStart: SimTime = .zero
    /// When the shard task was sent, or the connection's set-up began.
    var started: SimTime = .zero
    /// False once the record is back on the free list.
    var live = true
    /// A router task run in-process by the coordinator's backend (local execution: no connection).
    var local = false
    /// The next job waiting for the same backend (`RequestRecord.backendQueue`).
    var next = TaskID.none
    /// A shard task on a connection opened for this query: its backend has not touched the shard.
    var cold = false
    /// A copy part's COPY stream of its transfer (`CopyStreams`); −1: a part of the index build.
    var stream: Int32 = -1
    /// The worker answered with an error instead of running the task (out of memory: `WorkMem`).
    var failed = false
    /// A connection set-up the worker will refuse at max_connections once its handshake is done.
    var refused = false
}
