import SimCore

/// Several coordinators (timeline `add_coordinator`): which coordinator a client session
/// uses, how sessions move when coordinators join, fail or return, and each coordinator's
/// state. The application's load balancer connects session k to the live coordinator number
/// ⌊k / databases⌋ mod n; open-loop requests take turns over the live coordinators when
/// picking a free session. A session that moves closes the connections it cached through
/// its old coordinator (they count against that coordinator's shared pool).
extension ClusterSimulation {
    /// An added coordinator has the metadata: sessions are balanced onto it from their next query.
    mutating func coordinatorJoins(_ c: Int, _ s: inout Scheduler<ClusterEvent>) {
        coordinatorJoined[c] = true
        openDaemonConnections(coordinator: c, at: s.now)
        updateLiveCoordinators(&s)
        note("LOG:  \(coordinatorNames[c]) accepts client sessions (\(liveCoordinators.count) coordinators up)", at: s.now)
        if let op = ops.coordinatorOperation[c] { endOperation(op, at: s.now) }
    }

    mutating func setCoordinator(_ c: Int, down: Bool, _ s: inout Scheduler<ClusterEvent>) {
        coordinatorDown[c] = down
        updateLiveCoordinators(&s)
    }

    mutating func updateLiveCoordinators(_ s: inout Scheduler<ClusterEvent>) {
        liveCoordinators = (0..<coordinators).filter { coordinatorJoined[$0] && !coordinatorDown[$0] }.map { Int32($0) }
        if thinkTime == nil { rebalanceFreeSessions(&s) }
    }

    /// The coordinator the load balancer connects `session` to: live[(session / databases) mod
    /// live.count] among the coordinators joined and up (its current one when none is up).
    func targetCoordinator(session: Int32) -> UInt8 {
        liveCoordinators.isEmpty ? sessionCoordinator[Int(session)] : UInt8(liveCoordinators[(Int(session) / databases) % liveCoordinators.count])
    }

    /// A free session of database `d` (open loop). With several coordinators the requests take
    /// turns over the live ones (the application's pool spreads them evenly), each taking the
    /// most recently used session connected to its coordinator, or any free one.
    mutating func popFreeSession(database d: Int) -> Int32 {
        if coordinators == 1 { return freeSessions[d].removeLast() }
        let base = d * coordinators
        if !liveCoordinators.isEmpty {
            let c = Int(liveCoordinators[nextCoordinatorTurn % liveCoordinators.count])
            nextCoordinatorTurn += 1
            if let session = freeSessions[base + c].popLast() { return session }
        }
        let c = (0..<coordinators).first { !freeSessions[base + $0].isEmpty }!
        return freeSessions[base + c].removeLast()
    }

    /// A session is free again: on the stack of the coordinator it (re)connects to.
    mutating func pushFreeSession(_ session: Int32) {
        let d = Int(session) % databases
        freeSessions[d * coordinators + (coordinators == 1 ? 0 : Int(targetCoordinator(session: session)))].append(session)
    }

    /// The live coordinators changed: free sessions reconnect to their target coordinators
    /// and move to their stacks (lowest on top); sessions in use move when they are released.
    mutating func rebalanceFreeSessions(_ s: inout Scheduler<ClusterEvent>) {
        for d in 0..<databases {
            let free = (0..<coordinators).flatMap { freeSessions[d * coordinators + $0] }.sorted(by: >)
            for c in 0..<coordinators { freeSessions[d * coordinators + c] = [] }
            for session in free {
                reconnect(session: session, &s)
                pushFreeSession(session)
            }
        }
    }

    /// Several coordinators: the session runs the query on its target coordinator.
    mutating func connectSession(request id: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let session = requests[id].session
        reconnect(session: session, &s)
        requests[id].coordinator = sessionCoordinator[Int(session)]
    }

    /// A session whose target coordinator changed reconnects: the connections it cached
    /// through its old coordinator close (their shared-pool slots go to that coordinator's
    /// waiters).
    mutating func reconnect(session: Int32, _ s: inout Scheduler<ClusterEvent>) {
        let old = sessionCoordinator[Int(session)], target = targetCoordinator(session: session)
        guard old != target else { return }
        for w in 0..<workers {
            for _ in 0..<connectionCache.drop(session: session, worker: w) {
                _ = backends[w].release(at: s.now)
                releaseSharedSlot(worker: w, coordinator: old, session: session, &s)
            }
        }
        sessionCoordinator[Int(session)] = target
    }
}
