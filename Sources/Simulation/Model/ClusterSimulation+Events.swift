import SimCore

/// The event dispatch: each event kind to the part of the simulation that handles it.
extension ClusterSimulation {
    public mutating func handle(_ event: Event<ClusterEvent>, scheduler s: inout Scheduler<ClusterEvent>) {
        let now = s.now
        eventCounts[Int(event.kind.rawValue)] += 1
        switch event.kind {
        case .arrival:
            switch source.arrival(at: now) {
            case .replayed(let tenant, let cls, let next)?:
                if let next { s.schedule(.arrival, at: next, priority: .arrival) }
                arrive(session: nil, tenant: tenant, cls: cls, &s)
            case .generated(let next, let kept)?:
                s.schedule(.arrival, at: next, priority: .arrival)
                if kept { arrive(session: nil, &s) }
            case nil:
                break
            }
        case .think:
            let session = SessionID(Int32(event.payload))
            if now >= clientsStopAt { disconnect(client: session, &s) } else { arrive(session: session, &s) }
        case .cpuWake:
            let node = NodeIndex(payload: event.payload)
            while let t = cpu[node.index].popCompleted(at: now) { cpuDone(task: TaskID(t), &s) }
            armCPU(node, &s)
        case .diskWake:
            let node = NodeIndex(payload: event.payload)
            while let t = disks[node.index].popCompleted(at: now) { diskDone(task: TaskID(t), &s) }
            armDisk(node, &s)
        case .deliver:
            delivered(task: TaskID(event.payload), &s)
        case .slowStart:
            slowStartTick(request: RequestID(event.payload), &s)
        case .timeout:
            timeout(request: RequestID(event.payload), &s)
        case .sample:
            sample(at: now)
            if event.payload == 0 {  // payload 1 is the warm-up mark, not a periodic sample
                nextSample = now + scenario.run.sampleInterval
                s.schedule(.sample, at: nextSample, priority: .observation)
            }
        case .timeline: timelineEntry(Int(event.payload), &s)
        case .session: sessionResumes(&s)
        case .transferStep: transferStep(TransferID(payload: event.payload), &s)
        case .transferPoll: transferPoll(TransferID(payload: event.payload), &s)
        case .copyNetwork: copyPartDone(task: TaskID(event.payload), &s)
        case .jobTick: jobTick(Int(event.payload), &s)
        case .nodeBack: nodeBack(NodeIndex(payload: event.payload), &s)
        case .coordinatorJoins: coordinatorJoins(Int(event.payload), &s)
        case .deferredDrop: deferredDrop(TransferID(payload: event.payload))
        }
    }
}
