import SimCore
import Workload

extension ClusterSimulation {
    /// A coordinator or worker CPU job finished.
    mutating func cpuDone(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let t = tasks[id]
        switch t.stage {
        case .plan:
            freeTask(id)
            let r = requests[t.request]
            if !r.answered {
                if hasOperations {
                    dispatchOrHold(request: t.request, &s)
                } else if profile[r.cls].singleTenant {
                    routerDispatch(request: t.request, &s)
                } else {
                    fanOut(request: t.request, &s)
                }
            }
            release(request: t.request)
        case .merge:
            freeTask(id)
            releasePools(request: t.request, &s)
            let r = requests[t.request]
            if profile[r.cls].twoPhase && r.phase == 0 && !r.failed && !r.answered {
                // The coordinator has the SELECT's rows: it re-routes them to the target shards
                // (COPY over the same session's connections), a second fan-out of writes.
                requests[t.request].phase = 1
                requests[t.request].firstPoolBase = r.poolBase
                requests[t.request].poolBase = .none
                fanOut(request: t.request, &s)
            } else {
                answer(request: t.request, outcome: r.failed ? .error : .ok, &s)
            }
            release(request: t.request)
        case .connectClient, .dispatch:
            backendJobDone(task: id, &s)
        case .connect:
            // The handshake's round trips came first; the started backend is ready now, or the
            // worker refuses it.
            if t.refused { return connectionRefused(task: id, &s) }
            connected(task: id, &s)
        case .workerCPU:
            readAndWrite(task: id, &s)
        case .copy:
            copyPartDone(task: id, &s)
        default:
            preconditionFailure("CPU completion for a task in stage \(t.stage)")
        }
    }

    /// Pages the task reads miss the cache with probability 1 − hit ratio (a stochastically
    /// rounded count of misses); misses and the WAL flush of written bytes go to the disk.
    mutating func readAndWrite(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let t = tasks[id]
        let r = requests[t.request]
        let cls = r.cls
        let table = profile[cls].table
        // insert_select_coordinator reads in its first phase and writes in its second.
        let phase = profile[cls].twoPhase ? Int(r.phase) : -1
        let pages = phase == 1 ? 0 : profile[cls].pagesRead
        let hit = profile[cls].singleTenant ? placement.hit(table: table, tenant: r.tenant) : shardScanHitFlat[placement.offset[table] + t.shard.index]
        let expectedMisses = pages * (1 - hit)
        var misses = expectedMisses.rounded(.down)
        if clusterStream.uniform() < expectedMisses - misses { misses += 1 }
        if t.worker.isWorker {  // none: an undistributed schema's tables on the coordinator
            metrics.pagesRead[t.worker] += pages
            metrics.pagesMissed[t.worker] += misses
        }
        let written = phase == 0 ? 0 : profile[cls].writeBytes
        if hasOperations && written > 0 {
            let g = placement.group[placement.offset[table] + t.shard.index]
            replication.write(written, group: g, scanBytes: replication.scansOnApply[cls.index] ? ops.sizes[table: table, shard: t.shard] : 0)
        }
        let ops = misses + (written > 0 ? 1 : 0)
        if ops > 0 {
            advance(id, to: .disk)
            let node = nodes.node(ofWorker: t.worker)
            disks[node.index].submit(request: id.raw, operations: ops, bytes: misses * SimulationLayout.pageBytes + written, at: s.now)
            armDisk(node, &s)
        } else {
            sendResult(task: id, &s)
        }
    }

    mutating func diskDone(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        if tasks[id].stage == .copy { return copyPartDone(task: id, &s) }
        sendResult(task: id, &s)
    }

    /// The result crosses the coordinator's NIC ingress, a FIFO link (results serialise at
    /// its bandwidth, store-and-forward), then the one-way latency: both known now, so one
    /// event delivers it.
    mutating func sendResult(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[tasks[id].request]
        if localExecution.isLocal(worker: tasks[id].worker, coordinator: r.coordinator) {
            // The coordinator's own shard: the rows are already in its memory.
            giveBackWorkMem(task: id)
            advance(id, to: .back)
            return s.schedule(.deliver, at: s.now, priority: .completion, payload: id.raw)
        }
        // The second phase of insert_select_coordinator returns only a command tag.
        let bytes = profile[r.cls].twoPhase && r.phase == 1 ? 0 : profile[r.cls].resultBytes
        var done = s.now
        if bytes > 0 {
            metrics.bytesSent[tasks[id].worker] += bytes
            let transfer = SimDuration(seconds: bytes / coordinatorNICBytesPerSecond)
            done = network.coordinatorIngress[Int(r.coordinator)].send(taking: transfer, at: s.now)
        }
        giveBackWorkMem(task: id)
        advance(id, to: .back)
        s.schedule(.deliver, at: done + latency, priority: .completion, payload: id.raw)
    }

    /// A result arrived at the coordinator.
    mutating func delivered(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        precondition(tasks[id].stage == .back, "delivery for a task in stage \(tasks[id].stage)")
        shardTaskDone(task: id, &s)
    }

    /// Sends a shard task over an established connection: a fan-out's (or an across_schemas
    /// subplan's) backend first builds it (`task_coordinator_cpu`, one task at a time), then it
    /// reaches the worker's CPU after the one-way latency (a future arrival on the worker's
    /// processor-sharing CPU, no event).
    mutating func send(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        tasks[id].started = s.now
        if taskCoordinatorCPU > 0 && !tasks[id].local
            && (tasks[id].pool.isPool || profile[requests[tasks[id].request].cls].subplans > 0) {
            advance(id, to: .dispatch)
            return backendJob(task: id, &s)
        }
        deliverToWorker(task: id, &s)
    }

    /// The task goes out to the worker.
    mutating func deliverToWorker(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        guard takeWorkMem(task: id) else { return failOutOfMemory(task: id, &s) }
        let t = tasks[id]
        let work = source.workerDemand(cls: requests[t.request].cls) + (t.cold ? coldTaskCPU : 0)
        requests[t.request].cpuSeconds += Double(work) / 1e6
        advance(id, to: .workerCPU)
        let node = nodes.node(ofWorker: t.worker)
        let r = requests[t.request]
        // The coordinator's own shards: in-process or over a loopback connection, no network.
        let remote = !localExecution.isLocal(worker: t.worker, coordinator: r.coordinator)
        if t.local { metrics.localExecutions += 1 }
        var arrival = remote ? s.now + latency : s.now
        if remote && profile[r.cls].twoPhase && r.phase == 1 && profile[r.cls].resultBytes > 0 {
            // Re-routed rows leave through the coordinator's NIC egress (a FIFO link).
            let transfer = SimDuration(seconds: profile[r.cls].resultBytes / coordinatorNICBytesPerSecond)
            arrival = network.coordinatorEgress[Int(r.coordinator)].send(taking: transfer, at: s.now) + latency
        }
        cpu[node.index].arrive(job: id.raw, work: .microseconds(work), at: arrival)
        armCPU(node, &s)
    }

    // MARK: Router queries

    /// One task to the tenant's shard, over the session's cached connection or a new one.
    mutating func routerDispatch(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[rid]
        let table = profile[r.cls].table
        let shard = placement.shard(table: table, tenant: r.tenant)
        let worker = placement.worker(table: table, shard: shard)
        retain(request: rid)
        let id = newTask(TaskRecord(request: rid, worker: worker, shard: shard, pool: .none, stage: .waiting))
        if !worker.isWorker {
            // An undistributed schema's local tables: only the first coordinator has them (the
            // session's backend runs the query); another coordinator answers "does not exist".
            guard r.coordinator == 0 else { return failRouter(task: id, &s) }
            tasks[id].local = true
            return send(task: id, &s)
        }
        if localExecution.runsRouter(worker: worker, coordinator: r.coordinator) {
            // Local execution: the session's own backend runs the shard query (FACTS G).
            tasks[id].local = true
            return send(task: id, &s)
        }
        if connectionCache.take(session: r.session, worker: worker) {
            send(task: id, &s)
        } else {
            requestConnection(waiter: .task(id), worker: worker, required: true, &s)
        }
    }

    /// A shard task's result reached the coordinator.
    mutating func shardTaskDone(task id: TaskID, _ s: inout Scheduler<ClusterEvent>) {
        let t = tasks[id]
        freeTask(id)
        let rid = t.request
        if t.failed && !requests[rid].answered {
            // The worker's error fails the whole query; its other tasks are cancelled.
            requests[rid].failed = true
            answer(request: rid, outcome: .error, &s)
            if t.pool.isPool { abandon(request: rid, &s) }
        }
        if !t.pool.isPool {
            if !t.local {
                returnConnection(session: requests[rid].session, coordinator: requests[rid].coordinator, worker: t.worker, &s)
            }
            if profile[requests[rid].cls].subplans > 0 { return subplanDone(request: rid, &s) }
            answer(request: rid, outcome: .ok, &s)
            return release(request: rid)
        }
        let p = t.pool
        pools[p].taskFinished(cold: t.cold, started: t.started, at: s.now)
        requests[rid].remaining -= 1
        dispatch(pool: p, &s)
        if requests[rid].localPool.isPool { localPoolProgress(request: rid, &s) }
        if requests[rid].remaining == 0 {
            if requests[rid].answered {
                releasePools(request: rid, &s)
            } else {
                let r = requests[rid]
                coordinatorJob(request: rid, stage: .merge, work: r.coordinatorWork - r.coordinatorWork / 2, &s)
            }
        }
        release(request: rid)
    }

    // MARK: Multi-shard queries

    /// One pool per worker holding shards of the class's table (FACTS G).
    mutating func fanOut(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let r = requests[rid]
        let cls = r.cls
        let table = profile[cls].table
        let base = newPoolBlock()
        requests[rid].poolBase = base
        placement.refreshWorkerShards()
        var remaining: Int32 = 0
        for w in nodes.allWorkers {
            let n = placement.shardCount(table: table, worker: w)
            remaining += n
            var pool = WorkerPool(request: rid, worker: w, total: n,
                                  target: sequentialWrites && profile[cls].isWrite ? 1 : forceMaxParallelization ? max(1, n) : poolSize,
                                  firstRound: max(1, connectionCache.maxPerWorker))
            if localExecution.runsFirst(worker: w, coordinator: r.coordinator, tasks: n, sequentialWrite: sequentialWrites && profile[cls].isWrite, twoPhase: profile[cls].twoPhase) {
                // ShouldExecuteTasksLocally: a sequential execution runs the local tasks
                // in-process first, then the remote ones (local_executor.c).
                pool.local = .running
                pool.idle = 1
                requests[rid].localPool = PoolID(block: base, worker: w)
                requests[rid].remoteHeld = true
            } else {
                // The pool starts with the session's cached connections to this worker. Their
                // set-up times count in the pool's mean connection time: a cached connection
                // keeps its establishment start and end (MarkConnectionConnected), and
                // AvgConnectionEstablishmentTime averages every connected session of the pool.
                let borrowed = connectionCache.borrow(session: r.session, worker: w, upTo: n > 0 ? pool.target : 0)
                pool.open = borrowed.count
                pool.idle = borrowed.count
                pool.connectsDone = borrowed.count
                pool.connectMicroseconds = borrowed.setupMicroseconds
                if borrowed.count > 0 { pool.oldestSetupMicroseconds = borrowed.setupMicroseconds / Int64(borrowed.count) }
            }
            pools[PoolID(block: base, worker: w)] = pool
        }
        requests[rid].remaining = remaining
        if resultStore.used && r.phase == 0 && profile[cls].resultBytes > 0 {
            let bytes = resultStore.bytes(tasks: remaining, cls: profile[cls])
            guard resultStore.fits(bytes, coordinator: Int(r.coordinator), envelope: coordinatorMemory[Int(r.coordinator)]) else {
                answer(request: rid, outcome: .error, &s)
                return releasePools(request: rid, &s)
            }
            requests[rid].resultStoreBytes = bytes
            resultStore.add(bytes, coordinator: Int(r.coordinator))
        }
        if remaining == 0 {
            answer(request: rid, outcome: .ok, &s)
            return releasePools(request: rid, &s)
        }
        for w in nodes.allWorkers {
            let p = PoolID(block: base, worker: w)
            guard pools[p].total > 0, !requests[rid].remoteHeld || p == requests[rid].localPool else { continue }
            startPool(p, &s)
        }
    }

    /// A pool's first tasks go to its connections; then its first slow-start round.
    mutating func startPool(_ p: PoolID, _ s: inout Scheduler<ClusterEvent>) {
        dispatch(pool: p, &s)
        guard pools[p].local == .none else { return }
        if pools[p].open > 0 && slowStart {
            // The session's cached connection is the first round: the next one comes
            // after the slow-start interval (a fast query never opens another).
            scheduleSlowStartTick(request: pools[p].request, &s)
        } else {
            openRound(pool: p, &s)
        }
    }

    /// After a shard task of a query with an in-process pool: a failed-over pool starts once
    /// every remote task has ended; remote pools held back start once the local tasks have.
    mutating func localPoolProgress(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        let lp = requests[rid].localPool
        let localLeft = pools[lp].total - pools[lp].cursor + pools[lp].busy
        switch LocalExecution.progress(state: pools[lp].local, localLeft: localLeft, remaining: requests[rid].remaining,
                                       remoteHeld: requests[rid].remoteHeld, answered: requests[rid].answered) {
        case .none: return
        case .startLocalPool:
            pools[lp].local = .running
            pools[lp].idle += 1
            dispatch(pool: lp, &s)
        case .startRemotePools:
            requests[rid].remoteHeld = false
            let base = requests[rid].poolBase
            for w in nodes.allWorkers {
                let p = PoolID(block: base, worker: w)
                if p != lp && pools[p].total > 0 { startPool(p, &s) }
            }
        }
    }

    /// Idle connections take the next shard tasks (late binding).
    mutating func dispatch(pool p: PoolID, _ s: inout Scheduler<ClusterEvent>) {
        let rid = pools[p].request
        let table = profile[requests[rid].cls].table
        placement.refreshWorkerShards()
        while pools[p].idle > 0 && pools[p].cursor < pools[p].total {
            let pool = pools[p]
            let (index, cold) = pools[p].takeIdleConnection(at: s.now)
            let shard = placement.shard(table: table, worker: pool.worker, index: index)
            retain(request: rid)
            var task = TaskRecord(request: rid, worker: pool.worker, shard: shard, pool: p, stage: .waiting)
            task.local = pool.local == .running
            task.cold = cold
            send(task: newTask(task), &s)
        }
    }
}
