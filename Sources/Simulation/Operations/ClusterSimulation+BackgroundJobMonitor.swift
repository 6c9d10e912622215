import ClusterModel
import Planner
import Runbook
import SimCore

/// Background rebalance jobs in time: `BackgroundJobMonitor` decides when passes run and which
/// tasks start; this carries it out (schedules the passes, runs each task's transfers as a
/// chain, logs the tasks' runs and ends the job's operation).
extension ClusterSimulation {
    mutating func startJob(id: Int64, tasks: [BackgroundJobGraph.Task], mode: TransferMode, statementOperation: Int, _ s: inout Scheduler<ClusterEvent>) {
        let op = ops.log.operations.count
        ops.log.operations.append(OperationLog.Operation(label: "background job \(id) (\(tasks.count) tasks)", line: ops.log.operations[statementOperation].line,
                                                         start: s.now, status: "running"))
        let (j, first) = ops.jobMonitor.add(id: id, operation: op, tasks: tasks, mode: mode, at: s.now)
        ops.runner.jobRunning = true
        s.schedule(.jobTick, at: first, priority: .control, payload: UInt32(j))
    }

    /// The scheduled pass: the daemon's check that starts the monitor, or the end of its sleep.
    mutating func jobTick(_ j: Int, _ s: inout Scheduler<ClusterEvent>) {
        ops.jobMonitor.passDue(j)
        monitorPass(j, &s)
    }

    /// One pass of the queue monitor: start what may start, then sleep unless a pass is due.
    /// A task that ends at once (a move refused when it starts) asks for another round, taken
    /// when this one's starts are done: in a loop, not nested, so a job of many such tasks
    /// cannot exhaust the stack.
    mutating func monitorPass(_ j: Int, _ s: inout Scheduler<ClusterEvent>) {
        guard ops.jobMonitor.beginPass(j) else { return }
        while let round = ops.jobMonitor.nextRound(j, now: s.now, settings: ops.runner.state.settings, maxWorkerProcesses: ops.maxWorkerProcesses) {
            for id in round where ops.jobMonitor.isRunnable(j, task: id) { startTask(job: j, task: id, &s) }
        }
        if ops.jobMonitor.endPass(j) {
            s.schedule(.jobTick, after: BackgroundJobMonitor.sleep, priority: .control, payload: UInt32(j))
        }
    }

    mutating func startTask(job j: Int, task id: Int64, _ s: inout Scheduler<ClusterEvent>) {
        let (task, attempt) = ops.jobMonitor.start(j, task: id, row: ops.log.taskRuns.count)
        let names = task.nodesInvolved.compactMap { ops.runner.state.node($0)?.name }.joined(separator: " ")
        ops.log.taskRuns.append(OperationLog.TaskRun(job: ops.jobMonitor.jobs[j].id, task: id, command: task.command, nodes: names, dependsOn: task.dependsOn,
                                                     attempt: attempt, start: s.now, status: "running"))
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
        let c = newChain(TransferChain(owner: .task(job: j, task: id), items: items, mode: ops.jobMonitor.jobs[j].mode))
        ops.jobMonitor.assign(chain: c, j, task: id)
        advanceChain(c, failed: nil, &s)
    }

    /// A task's chain ended: done, or failed (retried after the back-off, or in error).
    mutating func taskEnded(job j: Int, task id: Int64, error: String?, _ s: inout Scheduler<ClusterEvent>) {
        guard let end = ops.jobMonitor.end(j, task: id, error: error, at: s.now) else { return }
        ops.log.taskRuns[end.row].end = s.now
        ops.log.taskRuns[end.row].status = end.status
        if let error { ops.log.taskRuns[end.row].error = error }
        if end.jobFinished {
            jobFinished(j, &s)
        } else if end.wakesMonitor {
            monitorPass(j, &s)  // the executor's report wakes the monitor
        }
    }

    mutating func jobFinished(_ j: Int, _ s: inout Scheduler<ClusterEvent>) {
        let job = ops.jobMonitor.jobs[j]
        endOperation(job.operation, at: s.now, error: job.hasFailedTasks ? "ERROR:  background job \(job.id) has failed tasks" : nil,
                     status: job.cancelled ? "cancelled" : nil)
        ops.runner.jobRunning = ops.jobMonitor.anyRunning
        if ops.session.waitsForJobs && !ops.runner.jobRunning { sessionResumes(&s) }
    }

    /// `citus_rebalance_stop()`: running tasks are cancelled (their transfers abandoned,
    /// writes unblocked), the rest never start.
    mutating func cancelJob(_ j: Int, _ s: inout Scheduler<ClusterEvent>) {
        for (row, c) in ops.jobMonitor.cancel(j) {
            ops.log.taskRuns[row].end = s.now
            ops.log.taskRuns[row].status = "cancelled"
            ops.chains[c].done = true
            let t = ops.chains[c].active
            if t.isTransfer && !ops.transfers[t].finished { endTransfer(t, status: "cancelled", error: nil, &s) }
        }
        jobFinished(j, &s)
    }
}
