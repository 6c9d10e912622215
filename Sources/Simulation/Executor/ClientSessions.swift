import SimCore

/// The application's client sessions in front of the coordinators: `workload.sessions`
/// sessions, session k serving database k mod `databases`. The application's load balancer
/// connects session k to the live coordinator number ⌊k / databases⌋ mod n (live: joined and
/// up, in index order).
///
/// Open loop: a request takes a free session of its database or waits for one, in arrival
/// order; with several coordinators the requests take turns over the live ones, each taking
/// the most recently used free session connected to it, else any free one. Closed loop (a
/// think time): each session is one client and never waits here.
///
/// The component decides which session a request gets and which coordinator a session
/// belongs on; the simulation carries out a move (the connections the session cached through
/// its old coordinator close, `ConnectionCache.drop`).
package struct ClientSessions {
    package let databases: Int
    private let coordinators: Int
    /// Per database: the sessions in use, and the requests waiting for one (by request id).
    private var pools: [TokenPool]
    /// Free sessions per database × coordinator (the sessions connected to it), most recently
    /// used on top.
    private var free: [[SessionID]]
    /// The coordinator each session is connected to (its cached connections live there), by
    /// `SessionID.index`.
    package private(set) var coordinator: [UInt8]
    /// Coordinators that have joined and are up, in index order.
    package private(set) var live: [UInt8]
    /// Round robin over the live coordinators for the next request's session.
    private var nextTurn = 0

    /// `sessions` sessions over `databases` databases; of `coordinators` coordinators the first
    /// `initial` have joined.
    package init(sessions: Int, databases: Int, coordinators: Int, initial: Int) throws {
        self.databases = databases
        self.coordinators = coordinators
        live = (0..<initial).map { UInt8($0) }
        let coordinator = (0..<sessions).map { UInt8(($0 / databases) % initial) }
        self.coordinator = coordinator
        pools = try (0..<databases).map { d in try TokenPool(capacity: (sessions - d + databases - 1) / databases) }
        free = (0..<(databases * coordinators)).map { i in
            stride(from: i / coordinators, to: sessions, by: databases).reversed().filter { Int(coordinator[$0]) == i % coordinators }.map(SessionID.init)
        }
    }

    /// The coordinator the load balancer connects `session` to: live[(session / databases) mod
    /// live.count] (its current one when none is up).
    package func target(session: SessionID) -> UInt8 {
        live.isEmpty ? coordinator[session.index] : live[(session.index / databases) % live.count]
    }

    /// Sessions connected to coordinator `c` (each is a client backend there).
    package func count(onCoordinator c: UInt8) -> Int {
        coordinators == 1 ? coordinator.count : coordinator.reduce(0) { $0 + ($1 == c ? 1 : 0) }
    }

    // MARK: Open loop

    /// A request of database `d` arrives: the free session it takes, or nil when it waits.
    @inline(__always)
    package mutating func acquire(_ request: RequestID, database d: Int, at now: SimTime) -> SessionID? {
        guard pools[d].acquire(request.raw, at: now) else { return nil }
        if coordinators == 1 { return free[d].removeLast() }
        let base = d * coordinators
        if !live.isEmpty {
            let c = Int(live[nextTurn % live.count])
            nextTurn += 1
            if let session = free[base + c].popLast() { return session }
        }
        let c = (0..<coordinators).first { !free[base + $0].isEmpty }!
        return free[base + c].removeLast()
    }

    /// A request waiting for a session gives up (its statement timed out).
    package mutating func cancelWait(_ request: RequestID, database d: Int, at now: SimTime) {
        _ = pools[d].cancelWait(request.raw, at: now)
    }

    /// `session` is done with its request: the waiting request that takes it next, or nil (the
    /// caller moves it if it must, then returns it with `pushFree`).
    @inline(__always)
    package mutating func release(_ session: SessionID, at now: SimTime) -> RequestID? {
        pools[session.database(of: databases)].release(at: now).map { RequestID($0) }
    }

    /// A free session, on the stack of the coordinator it is connected to.
    package mutating func pushFree(_ session: SessionID) {
        let d = session.database(of: databases)
        free[d * coordinators + (coordinators == 1 ? 0 : Int(target(session: session)))].append(session)
    }

    // MARK: Coordinators

    /// The coordinators joined and up changed.
    package mutating func setLive(_ coordinators: [UInt8]) { live = coordinators }

    /// Takes every free session of database `d` off its stack, highest first, for the caller
    /// to move to its target coordinator and push back (so the lowest ends on top).
    package mutating func takeFree(database d: Int) -> [SessionID] {
        let sessions = (0..<coordinators).flatMap { free[d * coordinators + $0] }.sorted(by: >)
        for c in 0..<coordinators { free[d * coordinators + c] = [] }
        return sessions
    }

    /// The move `session` must make, when the load balancer's target is not its coordinator.
    package func move(of session: SessionID) -> (from: UInt8, to: UInt8)? {
        let from = coordinator[session.index], to = target(session: session)
        return from == to ? nil : (from, to)
    }

    /// `session` is now connected to coordinator `c`.
    package mutating func connect(_ session: SessionID, to c: UInt8) { coordinator[session.index] = c }

    // MARK: Statistics

    /// Sessions in use, and requests waiting for one, over every database.
    package var inUse: Int { pools.reduce(0) { $0 + $1.inUse } }
    package var waiters: Int { pools.reduce(0) { $0 + $1.waiterCount } }
    /// Time-weighted mean of the sessions in use since the last reset.
    package func inUseMean(at now: SimTime) -> Double { pools.reduce(0.0) { $0 + $1.held.mean(at: now) } }
    package mutating func resetStatistics(at now: SimTime) {
        for d in pools.indices { pools[d].resetStatistics(at: now) }
    }
}
