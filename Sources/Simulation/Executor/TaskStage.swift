import SimCore

/// What a task (`TaskRecord`) is doing now, and the moves between stages: a shard task's state
/// machine in one place. Every change of stage goes through `ClusterSimulation.advance`, which
/// traps on a move not listed in `mayAdvance(to:)`.
///
/// A shard task (a router query's, a fan-out pool's or an across_schemas subplan's):
///
///     waiting ──▶ [connectClient ──▶] connect      (a router task opening its own connection)
///        │                               │
///        ├───────────────────────────────┴──▶ dispatch ──▶ workerCPU ──▶ disk ──▶ back ──▶ freed
///        └───────────────────────────────────────────────▶ workerCPU ─────────────▶ back
///
/// `waiting`: created, waiting for a connection (a cached one, a shared-pool slot, or a pool's
/// idle connection). `dispatch` only with `cluster.task_coordinator_cpu`; a task run by local
/// execution goes straight to `workerCPU`. `workerCPU` → `back` also when a timeout cancels it.
/// `connectClient` (the coordinator's part of a set-up) only with
/// `cluster.connection_setup_coordinator_cpu`. A pool's connection set-up is a task of its own,
/// created in `connectClient` or `connect` and freed when connected. A set-up the worker
/// refuses at max_connections (`TaskRecord.refused`) ends in `connect`: freed, or its router
/// task fails. Coordinator jobs (`plan`, `merge`) and a transfer's `copy` parts run once and are freed.
enum TaskStage: UInt8 {
    case plan, merge, waiting, connect, workerCPU, disk, back
    /// The coordinator's part of opening a connection (before the worker's `connect`).
    case connectClient
    /// The coordinator backend builds and sends a shard task and will read its result
    /// (`cluster.task_coordinator_cpu`), before the task goes to the worker.
    case dispatch
    /// A part of a transfer's copy chunk or index build (`TaskRecord.transfer`, shard = stream).
    case copy

    /// Whether a task in this stage may move to `next`.
    @inline(__always) func mayAdvance(to next: TaskStage) -> Bool {
        successors & (1 << UInt16(next.rawValue)) != 0
    }

    /// The stages a task in this stage may move to, one bit per stage (raw value).
    private var successors: UInt16 {
        func bits(_ stages: TaskStage...) -> UInt16 { stages.reduce(0) { $0 | 1 << UInt16($1.rawValue) } }
        switch self {
        case .waiting: return bits(.connectClient, .connect, .dispatch, .workerCPU)
        case .connect: return bits(.dispatch, .workerCPU)
        case .connectClient: return bits(.connect)
        case .dispatch: return bits(.workerCPU)
        case .workerCPU: return bits(.disk, .back)
        case .disk: return bits(.back)
        case .plan, .merge, .back, .copy: return 0
        }
    }
}

extension ClusterSimulation {
    /// Moves task `id` to stage `next` (a move `TaskStage.mayAdvance(to:)` allows).
    mutating func advance(_ id: TaskID, to next: TaskStage) {
        let stage = tasks[id].stage
        precondition(stage.mayAdvance(to: next), "task \(id.raw): no move from \(stage) to \(next)")
        tasks[id].stage = next
    }
}
