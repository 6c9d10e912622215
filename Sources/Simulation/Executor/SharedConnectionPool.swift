import SimCore

/// Citus's shared connection pool (`citus.max_shared_pool_size`, FACTS G): the slots each
/// coordinator may hold towards each worker, who waits for one, and the maintenance daemons'
/// slots. Each coordinator keeps its own counters (in its shared memory), one per worker and
/// database; the first coordinator's counter towards its own shards is
/// `citus.local_shared_pool_size`. It decides; the simulation carries out what it returns
/// (opens the backend, abandons the pool, fails the task).
package struct SharedConnectionPool {
    /// What a connection request gets.
    package enum Grant: Equatable {
        /// A slot is held: open the backend.
        case open
        /// A required connection queues for a slot; `release` hands it one later.
        case wait
        /// An optional connection is skipped (no slot free, or a loopback over its limit).
        case skip
    }

    let workers: Int, databases: Int
    /// citus.local_shared_pool_size in effect (loopback connections of a coordinator with shards).
    let localLimit: Int
    /// Slot counters: index (coordinator × workers + worker) × databases + database.
    private var slots: [TokenPool]
    /// Maintenance-daemon connections held towards each worker, over coordinators and databases.
    package private(set) var daemonConnections: PerWorker<Int>

    /// `limit` slots per (coordinator, worker, database); `localLimit` for the first
    /// coordinator's counter towards `localWorker` (`none`: none).
    package init(coordinators: Int, workers: Int, databases: Int, limit: Int, localLimit: Int, localWorker: WorkerIndex) throws {
        self.workers = workers
        self.databases = databases
        self.localLimit = localLimit
        slots = try (0..<(coordinators * workers * databases)).map { i in
            try TokenPool(capacity: i / databases == localWorker.index ? localLimit : limit)  // i / databases = coordinator × workers + worker
        }
        daemonConnections = PerWorker(repeating: 0, count: workers)
    }

    /// The counter of `coordinator` for connections of `database` to `worker`.
    @inline(__always) private func index(worker: WorkerIndex, coordinator: UInt8, database: Int) -> Int {
        (Int(coordinator) * workers + worker.index) * databases + database
    }

    /// The counter of `coordinator` for connections of `session`'s database to `worker`.
    @inline(__always) private func index(worker: WorkerIndex, coordinator: UInt8, session: SessionID) -> Int {
        index(worker: worker, coordinator: coordinator, database: session.database(of: databases))
    }

    /// A connection to `worker` for `waiter`. A required connection waits for a slot; an
    /// optional one is skipped when none is free. Loopback connections are always optional and
    /// refused while `localBackends` + 1 (the coordinator's client backends and this one)
    /// exceed citus.local_shared_pool_size.
    package mutating func request(_ waiter: ConnectionWaiter, worker: WorkerIndex, coordinator: UInt8, session: SessionID, required: Bool,
                                  loopback: Bool, localBackends: Int, at now: SimTime) -> Grant {
        let i = index(worker: worker, coordinator: coordinator, session: session)
        if required && !loopback {
            return slots[i].acquire(waiter.raw, at: now) ? .open : .wait
        }
        return (!loopback || localBackends + 1 <= localLimit) && slots[i].tryAcquire(at: now) ? .open : .skip
    }

    /// Returns a slot; the waiter of the same counter that takes it at once, if any (open its backend).
    package mutating func release(worker: WorkerIndex, coordinator: UInt8, session: SessionID, at now: SimTime) -> ConnectionWaiter? {
        slots[index(worker: worker, coordinator: coordinator, session: session)].release(at: now).map { ConnectionWaiter(raw: $0) }
    }

    /// Takes `waiter` out of its counter's queue; false when it was not waiting.
    package mutating func cancelWait(_ waiter: ConnectionWaiter, worker: WorkerIndex, coordinator: UInt8, session: SessionID, at now: SimTime) -> Bool {
        slots[index(worker: worker, coordinator: coordinator, session: session)].cancelWait(waiter.raw, at: now)
    }

    /// A maintenance daemon's slot (database `database` of `coordinator` towards `worker`),
    /// taken outside the executor and never waiting; false when none is free.
    package mutating func takeDaemonSlot(worker: WorkerIndex, coordinator: UInt8, database: Int, at now: SimTime) -> Bool {
        guard slots[index(worker: worker, coordinator: coordinator, session: SessionID(database))].tryAcquire(at: now) else { return false }
        daemonConnections[worker] += 1
        return true
    }

    /// The counters towards `worker`: every coordinator's, each database's, in that order.
    private func counters(worker w: WorkerIndex) -> some Sequence<Int> {
        stride(from: w.index * databases, to: slots.count, by: workers * databases).lazy.flatMap { $0..<($0 + databases) }
    }

    /// Slots in use towards `worker`, over every coordinator and database.
    package func inUse(worker w: WorkerIndex) -> Int {
        counters(worker: w).reduce(0) { $0 + slots[$1].inUse }
    }

    /// Mean waiters for slots towards `worker` until `end`, over coordinators and databases.
    func waitersMean(worker w: WorkerIndex, at end: SimTime) -> Double {
        counters(worker: w).reduce(0.0) { $0 + slots[$1].waiting.mean(at: end) }
    }

    /// Starts the measurement window.
    mutating func resetStatistics(at now: SimTime) {
        for i in slots.indices { slots[i].resetStatistics(at: now) }
    }
}
