import SimCore

/// Citus's local execution (FACTS G; local_executor.c, adaptive_executor.c): when the
/// coordinator holds shards, a query on the first coordinator reaches those shards in the
/// session's own backend instead of over a loopback connection, under
/// `citus.enable_local_execution`.
///
/// - A router query on a local shard runs in-process.
/// - A multi-shard write under `citus.multi_shard_modify_mode = sequential`
///   (ShouldExecuteTasksLocally) runs its local tasks in-process first, and its remote pools
///   start once they are done.
/// - A pool to the local shards that can open no loopback connection fails over to local
///   execution: its tasks run in-process once every remote task of the query has ended.
///
/// insert_select_coordinator (its two phases through the coordinator) never executes locally.
/// This type decides; the adaptive executor (`+AdaptiveExecutor`, `+WorkerPool`) carries out.
package struct LocalExecution {
    /// A worker pool's local execution.
    package enum PoolState: UInt8 {
        /// Over loopback connections (or a remote pool).
        case none
        /// Failed over (no loopback connection could be made): waits for the remote tasks to end.
        case waiting
        /// Executing in the coordinator's backend: one virtual idle connection.
        case running
    }

    /// What a query with an in-process pool does after one of its shard tasks ended.
    package enum Progress: Equatable {
        case none
        /// The failed-over pool starts: every remote task has ended.
        case startLocalPool
        /// The remote pools held back start: the local tasks have ended.
        case startRemotePools
    }

    /// `citus.enable_local_execution`.
    package let enabled: Bool
    /// The worker that is the first coordinator (it holds shards), `none` when none does.
    package let localWorker: WorkerIndex

    package init(enabled: Bool, localWorker: WorkerIndex) {
        self.enabled = enabled
        self.localWorker = localWorker
    }

    /// Worker `w` is coordinator `c` itself: its shards need no network (the first coordinator
    /// only; another coordinator reaches them over the network like any worker's).
    @inline(__always) package func isLocal(worker w: WorkerIndex, coordinator c: UInt8) -> Bool { w == localWorker && c == 0 }

    /// A router task on worker `w` from coordinator `c` runs in the session's backend.
    @inline(__always) package func runsRouter(worker w: WorkerIndex, coordinator c: UInt8) -> Bool { enabled && isLocal(worker: w, coordinator: c) }

    /// A multi-shard query's pool to worker `w` (`tasks` shard tasks there) runs in-process
    /// first, the remote pools held back until it is done: a sequential write.
    package func runsFirst(worker w: WorkerIndex, coordinator c: UInt8, tasks: Int32, sequentialWrite: Bool, twoPhase: Bool) -> Bool {
        tasks > 0 && sequentialWrite && enabled && !twoPhase && isLocal(worker: w, coordinator: c)
    }

    /// A pool to worker `w` that could open no connection fails over to local execution
    /// (instead of failing the query).
    package func failsOver(worker w: WorkerIndex, coordinator c: UInt8, twoPhase: Bool) -> Bool {
        enabled && !twoPhase && isLocal(worker: w, coordinator: c)
    }

    /// After a shard task of a query with an in-process pool in `state`: `localLeft` of the
    /// query's `remaining` tasks are the pool's (not yet ended); `remoteHeld`, the remote pools
    /// wait for the local tasks.
    package static func progress(state: PoolState, localLeft: Int32, remaining: Int32, remoteHeld: Bool, answered: Bool) -> Progress {
        if state == .waiting && remaining == localLeft { return .startLocalPool }
        if remoteHeld && localLeft == 0 && !answered { return .startRemotePools }
        return .none
    }
}
