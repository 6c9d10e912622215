import SimCore

/// Several coordinators (timeline `add_coordinator`): coordinators joining, failing and
/// returning, and the sessions' moves that follow (`ClientSessions` decides where each session
/// belongs). A session that moves closes the connections it cached through its old
/// coordinator (they count against that coordinator's shared pool).
extension ClusterSimulation {
    /// An added coordinator has the metadata: sessions are balanced onto it from their next query.
    mutating func coordinatorJoins(_ c: Int, _ s: inout Scheduler<ClusterEvent>) {
        health.coordinatorJoins(c)
        openDaemonConnections(coordinator: c, at: s.now)
        updateLiveCoordinators(&s)
        note("LOG:  \(coordinatorNames[c]) accepts client sessions (\(clientSessions.live.count) coordinators up)", at: s.now)
        if let op = ops.coordinatorOperation[c] { endOperation(op, at: s.now) }
    }

    mutating func setCoordinator(_ c: Int, down: Bool, _ s: inout Scheduler<ClusterEvent>) {
        health.setCoordinator(c, down: down)
        updateLiveCoordinators(&s)
    }

    mutating func updateLiveCoordinators(_ s: inout Scheduler<ClusterEvent>) {
        clientSessions.setLive(health.liveCoordinators)
        if !source.isClosedLoop { rebalanceFreeSessions(&s) }
    }

    /// The live coordinators changed: free sessions reconnect to their target coordinators
    /// and move to their stacks (lowest on top); sessions in use move when they are released.
    mutating func rebalanceFreeSessions(_ s: inout Scheduler<ClusterEvent>) {
        for d in 0..<databases {
            for session in clientSessions.takeFree(database: d) {
                reconnect(session: session, &s)
                clientSessions.pushFree(session)
            }
        }
    }

    /// Several coordinators: the session runs the query on its target coordinator.
    mutating func connectSession(request id: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let session = requests[id].session
        reconnect(session: session, &s)
        requests[id].coordinator = clientSessions.coordinator[session.index]
    }

    /// A session whose target coordinator changed reconnects: the connections it cached
    /// through its old coordinator close (their shared-pool slots go to that coordinator's
    /// waiters).
    mutating func reconnect(session: SessionID, _ s: inout Scheduler<ClusterEvent>) {
        guard let move = clientSessions.move(of: session) else { return }
        closeCachedConnections(of: session, coordinator: move.from, &s)
        clientSessions.connect(session, to: move.to)
    }

    /// A client of `workload.clients.at_end: finish` is done (the run is past its duration): its
    /// session ends, and with it the connections it cached.
    mutating func disconnect(client session: SessionID, _ s: inout Scheduler<ClusterEvent>) {
        closeCachedConnections(of: session, coordinator: clientSessions.coordinator[session.index], &s)
        clientsDisconnected += 1
    }

    /// Closes every connection `session` cached through `coordinator`: the workers' backends
    /// end and the shared-pool slots go to that coordinator's waiters.
    mutating func closeCachedConnections(of session: SessionID, coordinator: UInt8, _ s: inout Scheduler<ClusterEvent>) {
        for w in nodes.allWorkers {
            for _ in 0..<connectionCache.drop(session: session, worker: w) {
                _ = backends[w].release(at: s.now)
                releaseSharedSlot(worker: w, coordinator: coordinator, session: session, &s)
            }
        }
    }
}
