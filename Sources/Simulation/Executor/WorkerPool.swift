import SimCore

/// The adaptive executor's pool for one worker within one multi-shard query (FACTS G): its
/// connections and shard tasks, and its decisions: how many connections a slow-start round
/// opens (`roundSize`), whether waiting for the open ones is cheaper (cost-based
/// establishment), which connection takes the next task. The simulation keeps one per worker
/// per query in a block (`PoolID`) and carries out what these decide (`+WorkerPool`).
package struct WorkerPool {
    package var request = RequestID.none
    package var worker: WorkerIndex = 0
    /// Next shard (index into the worker's shard list) to hand to a connection.
    package var cursor: Int32 = 0
    package var total: Int32 = 0
    /// Established connections owned by the pool (including ones borrowed from the session).
    package var open: Int32 = 0
    package var idle: Int32 = 0
    /// Idle connections opened for this query (their backends are cold); the others came from the session's cache.
    package var coldIdle: Int32 = 0
    package var busy: Int32 = 0
    /// Connections being opened (or waiting for a shared-pool slot as the required one).
    package var connecting: Int32 = 0
    /// Connections the next slow-start round may open.
    package var nextRound: Int32 = 1
    /// A slow-start round is due but waits for connecting ones to finish.
    package var roundDue = false
    /// When the pool began waiting for a shared-pool slot for its required connection.
    package var waitStart: SimTime = .zero
    /// Shard tasks finished and their total execution time (send to result), µs.
    package var tasksDone: Int32 = 0
    package var taskMicroseconds: Int64 = 0
    /// The start times of the running (busy) tasks, summed, µs since the run began.
    package var runningStartMicroseconds: Int64 = 0
    /// Connections the pool opened and their total set-up time, µs.
    package var connectsDone: Int32 = 0
    package var connectMicroseconds: Int64 = 0
    /// The set-up time of the pool's oldest connection, µs (-1: none yet): the one its session
    /// keeps after the query (Citus keeps the first connections of its list).
    package var oldestSetupMicroseconds: Int64 = -1
    package var target: Int32 = 16
    /// The pool to the coordinator's own shards executes in-process, one task at a time
    /// (FACTS G): `.waiting` until the query's remote tasks end (a failover), `.running` then.
    package var local = LocalExecution.PoolState.none
}

extension WorkerPool {
    /// A pool for `total` shard tasks on `worker`: at most `target` connections, the first
    /// slow-start round opening `firstRound`.
    package init(request: RequestID, worker: WorkerIndex, total: Int32, target: Int32, firstRound: Int32) {
        self.request = request
        self.worker = worker
        self.total = total
        self.target = target
        nextRound = firstRound
    }

    /// Shard tasks not yet handed to a connection, less the idle connections that will take them.
    package var unserved: Int32 { total - cursor - idle }

    /// Connections a slow-start round opens now (≤ 0: none): the tasks no idle connection will
    /// take, within the pool's target; with slow start at most this round's size (the first
    /// max(1, max_cached_conns_per_worker), each next one more); with cost-based establishment
    /// none while at most `maxCached` are open or opening and the open ones look quicker.
    package func roundSize(slowStart: Bool, costBased: Bool, maxCached: Int32, at now: SimTime) -> Int32 {
        let initiated = open + connecting
        var want = min(unserved, target - initiated)
        if slowStart { want = min(want, nextRound) }
        if want > 0 && costBased && initiated <= maxCached && existingConnectionsAreCheaper(at: now) { want = 0 }
        return want
    }

    /// citus.enable_cost_based_connection_establishment (FACTS G): once a task has finished,
    /// no new connection while the remaining work on the open ones looks quicker than
    /// opening one: avgTask/2 + floor(avgTask × ready / active) <= avgTask + avgConnect, where
    /// avgConnect is the mean set-up time of the pool's connections, cached ones included.
    /// avgTask is Citus's AvgTaskExecutionTimeApproximation: the finished tasks' times and each
    /// running task at twice its age so far (assumed halfway), over both counts.
    package func existingConnectionsAreCheaper(at now: SimTime) -> Bool {
        guard tasksDone >= 1, open >= 1 else { return false }
        let runningMicroseconds = 2 * (Int64(busy) * now.microseconds - runningStartMicroseconds)
        let avgTask = Double(taskMicroseconds + runningMicroseconds) / Double(tasksDone + busy)
        let avgConnect = connectsDone > 0 ? Double(connectMicroseconds) / Double(connectsDone) : 0
        let ready = Double(total - cursor)
        return avgTask / 2 + (avgTask * ready / Double(open)).rounded(.down) <= avgTask + avgConnect
    }

    /// A connection opened for this query is ready, after `setup` microseconds.
    package mutating func connectionReady(setupMicroseconds setup: Int64) {
        connecting -= 1
        open += 1
        idle += 1
        coldIdle += 1
        connectsDone += 1
        connectMicroseconds += setup
        if oldestSetupMicroseconds < 0 { oldestSetupMicroseconds = setup }
    }

    /// The next shard task (its index in the worker's shard list) goes to an idle connection at
    /// `now`: one kept from earlier queries first, else a new one (`cold`: its backend has not
    /// read the shard).
    package mutating func takeIdleConnection(at now: SimTime) -> (shardIndex: Int32, cold: Bool) {
        let index = cursor
        cursor += 1
        runningStartMicroseconds += now.microseconds
        let cold = idle == coldIdle && coldIdle > 0
        if cold { coldIdle -= 1 }
        idle -= 1
        busy += 1
        return (index, cold)
    }

    /// A shard task sent at `started` finished (its result arrived) at `now`: its connection is
    /// idle again.
    package mutating func taskFinished(cold: Bool, started: SimTime, at now: SimTime) {
        let microseconds = (now - started).microseconds
        busy -= 1
        runningStartMicroseconds -= started.microseconds
        idle += 1
        if cold { coldIdle += 1 }
        tasksDone += 1
        taskMicroseconds += microseconds
    }
}
