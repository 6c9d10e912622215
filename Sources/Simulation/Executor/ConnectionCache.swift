import SimCore

/// The connections each client session keeps to each worker between its queries
/// (`citus.max_cached_conns_per_worker`, `citus.max_cached_connection_lifetime`, FACTS G): a
/// router task takes one, a fan-out's worker pool starts with them, and a finished query
/// gives its connections back, kept while there is room and they are young enough. It
/// decides; the simulation closes what it does not keep (backend and shared-pool slot).
package struct ConnectionCache {
    let workers: Int
    /// citus.max_cached_conns_per_worker.
    package let maxPerWorker: Int32
    /// citus.max_cached_connection_lifetime.
    let lifetime: SimDuration
    /// Per slot (session × workers + worker): connections kept; when the slot's kept
    /// connections were first kept (their age for the lifetime); how long the slot's oldest
    /// connection took to set up, µs (`oldestInUse`).
    private var kept: [Int32], since: [SimTime], setup: [Int64]

    package init(sessions: Int, workers: Int, maxPerWorker: Int32, lifetime: SimDuration) {
        self.workers = workers
        self.maxPerWorker = maxPerWorker
        self.lifetime = lifetime
        kept = Array(repeating: 0, count: sessions * workers)
        since = Array(repeating: .zero, count: sessions * workers)
        setup = Array(repeating: 0, count: sessions * workers)
    }

    @inline(__always) private func slot(_ session: SessionID, _ worker: WorkerIndex) -> Int { session.index * workers + worker.index }

    /// Takes one of `session`'s connections to `worker`; false when it keeps none.
    package mutating func take(session: SessionID, worker: WorkerIndex) -> Bool {
        let i = slot(session, worker)
        guard kept[i] > 0 else { return false }
        kept[i] -= 1
        return true
    }

    /// Takes up to `limit` of `session`'s connections to `worker` for a fan-out's pool: how many,
    /// and their set-up times summed (µs), which count in the pool's mean connection time (a
    /// cached connection keeps its establishment start and end, MarkConnectionConnected).
    package mutating func borrow(session: SessionID, worker: WorkerIndex, upTo limit: Int32) -> (count: Int32, setupMicroseconds: Int64) {
        let i = slot(session, worker)
        let count = min(kept[i], limit)
        kept[i] -= count
        return (count, Int64(count) * setup[i])
    }

    /// `session`'s oldest connection to `worker` now in use took `microseconds` to set up. It
    /// is the one the session keeps after the query (AfterXactHostConnectionHandling keeps the
    /// first max_cached_conns_per_worker of the connection list, oldest first), so it sets the
    /// slot's set-up time unless the slot still keeps an older one.
    package mutating func oldestInUse(session: SessionID, worker: WorkerIndex, setupMicroseconds microseconds: Int64) {
        guard session.isClient else { return }
        let i = slot(session, worker)
        if kept[i] == 0 { setup[i] = microseconds }
    }

    /// A query is done with a connection of `session` to `worker`: kept if there is room, the
    /// slot's connections are younger than the lifetime (a connection kept into an empty slot
    /// after the lifetime starts a new one) and the session is still on the coordinator that
    /// opened it (`sameCoordinator`); false: close it.
    package mutating func keep(session: SessionID, worker: WorkerIndex, sameCoordinator: Bool, at now: SimTime) -> Bool {
        guard session.isClient else { return false }
        let i = slot(session, worker)
        if kept[i] == 0 && now - since[i] >= lifetime { since[i] = now }
        guard now - since[i] < lifetime, kept[i] < maxPerWorker, sameCoordinator else { return false }
        kept[i] += 1
        return true
    }

    /// Closes every connection `session` keeps to `worker` (the session moved to another
    /// coordinator): how many to close.
    package mutating func drop(session: SessionID, worker: WorkerIndex) -> Int32 {
        let i = slot(session, worker)
        defer { kept[i] = 0 }
        return kept[i]
    }

    /// Connections kept to `worker`, over every session.
    package func kept(worker: WorkerIndex) -> Int {
        stride(from: worker.index, to: kept.count, by: workers).reduce(0) { $0 + Int(kept[$1]) }
    }
}
