import ClusterModel
import Planner
import Runbook
import SimCore

/// Background rebalance jobs in time (FACTS C.2): the maintenance daemon starts the task
/// queue monitor within `citus.background_task_queue_interval` (5 s, on a fixed grid here);
/// the monitor starts runnable tasks in id order within the executor limits, then sleeps up
/// to a second. A task that ends wakes it at once (its executor's queue sets the monitor's
/// latch), so the next runnable task starts then, not at the next second. Each task runs its
/// transfers as a chain; a failed task is retried after Citus's back-off.
extension ClusterSimulation {
    static let queueInterval = SimDuration.seconds(5)

    mutating func startJob(id: Int64, tasks: [BackgroundJobGraph.Task], mode: TransferMode, statementOperation: Int, _ s: inout Scheduler<ClusterEvent>) {
        let op = ops.log.operations.count
        ops.log.operations.append(OperationLog.Operation(label: "background job \(id) (\(tasks.count) tasks)", line: ops.log.operations[statementOperation].line,
                                                         start: s.now, status: "running"))
        ops.jobs.append(RunningJob(id: id, operation: op, queue: BackgroundTaskQueue(tasks: tasks), mode: mode,
                                   chainOfTask: Array(repeating: -1, count: tasks.count), attempts: Array(repeating: 0, count: tasks.count),
                                   runRow: Array(repeating: -1, count: tasks.count)))
        ops.runner.jobRunning = true
        let interval = Self.queueInterval.microseconds
        let start = SimTime(microseconds: (s.now.microseconds / interval + 1) * interval)
        s.schedule(.jobTick, at: start, priority: .control, payload: UInt32(ops.jobs.count - 1))
    }

    /// The scheduled pass: the daemon's check that starts the monitor, or the end of its sleep.
    mutating func jobTick(_ j: Int, _ s: inout Scheduler<ClusterEvent>) {
        ops.jobs[j].passPending = false
        ops.jobs[j].monitorRunning = true
        monitorPass(j, &s)
    }

    /// One pass of the queue monitor: start what may start, then sleep (a pass in 1 s) unless
    /// one is already due. A task that ends at once (a move refused when it starts) asks for
    /// another pass, made when this one's starts are done: in a loop, not nested, so a job of
    /// many such tasks cannot exhaust the stack.
    mutating func monitorPass(_ j: Int, _ s: inout Scheduler<ClusterEvent>) {
        guard !ops.jobs[j].inPass else { return ops.jobs[j].passAgain = true }
        ops.jobs[j].inPass = true
        repeat {
            ops.jobs[j].passAgain = false
            guard !ops.jobs[j].cancelled, !ops.jobs[j].queue.isFinished else { break }
            let settings = ops.runner.state.settings
            let running = ops.jobs[j].queue.status.filter { $0 == .running }.count
            // Background workers: the maintenance daemon and the monitor take two of max_worker_processes.
            let free = ops.maxWorkerProcesses - 2 - running
            let startable = ops.jobs[j].queue.startable(now: s.now.microseconds, maxExecutors: settings.maxBackgroundTaskExecutors,
                                                        maxPerNode: settings.maxBackgroundTaskExecutorsPerNode, workerProcesses: free)
            for id in startable where ops.jobs[j].queue.status[ops.jobs[j].queue.index(id)] == .runnable { startTask(job: j, task: id, &s) }
        } while ops.jobs[j].passAgain
        ops.jobs[j].inPass = false
        guard !ops.jobs[j].cancelled, !ops.jobs[j].queue.isFinished else { return }
        if !ops.jobs[j].queue.isFinished && !ops.jobs[j].cancelled && !ops.jobs[j].passPending {
            ops.jobs[j].passPending = true
            s.schedule(.jobTick, after: .seconds(1), priority: .control, payload: UInt32(j))
        }
    }

    mutating func startTask(job j: Int, task id: Int64, _ s: inout Scheduler<ClusterEvent>) {
        ops.jobs[j].queue.start(id)
        let i = ops.jobs[j].queue.index(id)
        let task = ops.jobs[j].queue.tasks[i]
        ops.jobs[j].attempts[i] += 1
        let names = task.nodesInvolved.compactMap { ops.runner.state.node($0)?.name }.joined(separator: " ")
        ops.log.taskRuns.append(OperationLog.TaskRun(job: ops.jobs[j].id, task: id, command: task.command, nodes: names, dependsOn: task.dependsOn,
                                                     attempt: ops.jobs[j].attempts[i], start: s.now, status: "running"))
        ops.jobs[j].runRow[i] = ops.log.taskRuns.count - 1
        var items: [PlannedTransfer] = []
        switch task.kind {
        case .move(let anchor, _):
            items = [PlannedTransfer(kind: .move, anchor: anchor, source: task.source!, target: task.target!)]
        case .replicateReferenceTables:
            items = ops.runner.referenceTransfers()
        case .copyReferenceShard(let shard):
            if let source = task.source, let target = task.target,
               !ops.runner.state.placements(of: shard).contains(where: { $0.node == target }) {
                items = [PlannedTransfer(kind: .referenceTables, anchor: shard, source: source, target: target)]
            }
        case .createReferenceRelationships:
            items = []
        }
        let c = newChain(TransferChain(owner: .task(job: j, task: id), items: items, mode: ops.jobs[j].mode))
        ops.jobs[j].chainOfTask[i] = c
        advanceChain(c, failed: nil, &s)
    }

    /// A task's chain ended: done, or failed (retried after the back-off, or in error).
    mutating func taskEnded(job j: Int, task id: Int64, error: String?, _ s: inout Scheduler<ClusterEvent>) {
        guard !ops.jobs[j].cancelled else { return }
        let i = ops.jobs[j].queue.index(id)
        let row = ops.jobs[j].runRow[i]
        ops.log.taskRuns[row].end = s.now
        ops.jobs[j].chainOfTask[i] = -1
        if let error {
            let retry = ops.jobs[j].queue.fail(id, now: s.now.microseconds)
            ops.log.taskRuns[row].status = retry == nil ? "error" : "failed, retry in \(retry!) s"
            ops.log.taskRuns[row].error = error
        } else {
            ops.jobs[j].queue.finish(id)
            ops.log.taskRuns[row].status = "done"
        }
        if ops.jobs[j].queue.isFinished {
            jobFinished(j, &s)
        } else if ops.jobs[j].monitorRunning {
            monitorPass(j, &s)  // the executor's report wakes the monitor
        }
    }

    mutating func jobFinished(_ j: Int, _ s: inout Scheduler<ClusterEvent>) {
        let job = ops.jobs[j]
        let failed = job.queue.status.contains { $0 == .error || $0 == .unscheduled }
        let op = job.operation
        endOperation(op, at: s.now, error: failed ? "ERROR:  background job \(job.id) has failed tasks" : nil,
                     status: job.cancelled ? "cancelled" : nil)
        ops.runner.jobRunning = ops.jobs.contains { !$0.queue.isFinished && !$0.cancelled }
        if ops.session.waitsForJobs && !ops.runner.jobRunning { sessionResumes(&s) }
    }

    /// `citus_rebalance_stop()`: running tasks are cancelled (their transfers abandoned,
    /// writes unblocked), the rest never start.
    mutating func cancelJob(_ j: Int, _ s: inout Scheduler<ClusterEvent>) {
        ops.jobs[j].cancelled = true
        for (i, c) in ops.jobs[j].chainOfTask.enumerated() where c >= 0 {
            let row = ops.jobs[j].runRow[i]
            ops.log.taskRuns[row].end = s.now
            ops.log.taskRuns[row].status = "cancelled"
            ops.chains[c].done = true
            let t = Int(ops.chains[c].active)
            if t >= 0 && !ops.transfers[t].finished { endTransfer(t, status: "cancelled", error: nil, &s) }
        }
        ops.jobs[j].queue.cancel()
        jobFinished(j, &s)
    }
}
