import ClusterModel
import Planner
import Runbook
import SimCore

/// Citus's background task queue monitor for the jobs of a run (FACTS C.2), as decisions: the
/// maintenance daemon starts a job's monitor within `citus.background_task_queue_interval`
/// (5 s, on a fixed grid here); each pass of the monitor starts the runnable tasks in id order
/// within the executor limits and the free background worker processes, then sleeps up to a
/// second. A task that ends wakes it at once (its executor sets the monitor's latch); a failed
/// task is retried after Citus's back-off (`BackgroundTaskQueue`).
///
/// The simulation carries the decisions out: it schedules the passes, runs each started task's
/// transfers as a chain and logs the tasks' runs.
package struct BackgroundJobMonitor {
    /// `citus.background_task_queue_interval`: the daemon's check that starts a job's monitor.
    package static let queueInterval = SimDuration.seconds(5)
    /// The monitor's sleep between passes.
    package static let sleep = SimDuration.seconds(1)

    /// A background job running in time.
    package struct Job {
        package let id: Int64
        /// The operation (log row) of the job.
        package let operation: Int
        package let mode: TransferMode
        package fileprivate(set) var queue: BackgroundTaskQueue
        /// Per task (by position in `queue.tasks`): the chain running it (−1 when none) and
        /// the log row of its latest run (−1 before the first).
        package fileprivate(set) var chainOfTask: [Int]
        package fileprivate(set) var runRow: [Int]
        package fileprivate(set) var cancelled = false
        /// The monitor runs (the daemon's check has started it).
        fileprivate var monitorRunning = false
        /// A pass is scheduled (the daemon's check, or the end of the monitor's sleep).
        fileprivate var passPending = true
        /// A pass is under way, and one more round of it is asked for (a task that ends during
        /// a pass asks for another round instead of nesting a pass).
        fileprivate var inPass = false, roundAsked = false

        /// Neither finished nor cancelled.
        package var isRunning: Bool { !queue.isFinished && !cancelled }
        /// A task ended in error or was never scheduled (its dependency failed).
        package var hasFailedTasks: Bool { queue.status.contains { $0 == .error || $0 == .unscheduled } }
    }

    /// How a task's run ended: its log row and status text, and what the monitor does next.
    package struct TaskEnd: Equatable {
        package var row: Int
        package var status: String
        /// Every task of the job has ended.
        package var jobFinished: Bool
        /// The monitor runs and takes another pass now.
        package var wakesMonitor: Bool
        package init(row: Int, status: String, jobFinished: Bool, wakesMonitor: Bool) {
            self.row = row; self.status = status; self.jobFinished = jobFinished; self.wakesMonitor = wakesMonitor
        }
    }

    package private(set) var jobs: [Job] = []

    package init() {}

    /// Some job is neither finished nor cancelled.
    package var anyRunning: Bool { jobs.contains { $0.isRunning } }
    /// The last job still running (`citus_rebalance_stop()` stops it).
    package var lastRunning: Int? { jobs.lastIndex { $0.isRunning } }

    /// A job was created at `now`: its index and the instant the daemon's check starts its
    /// monitor (the next point of the interval's grid).
    package mutating func add(id: Int64, operation: Int, tasks: [BackgroundJobGraph.Task], mode: TransferMode,
                              at now: SimTime) -> (job: Int, firstPass: SimTime) {
        jobs.append(Job(id: id, operation: operation, mode: mode, queue: BackgroundTaskQueue(tasks: tasks),
                        chainOfTask: Array(repeating: -1, count: tasks.count),
                        runRow: Array(repeating: -1, count: tasks.count)))
        let interval = Self.queueInterval.microseconds
        return (jobs.count - 1, SimTime(microseconds: (now.microseconds / interval + 1) * interval))
    }

    /// The scheduled pass of job `j` is due: its monitor runs from now on.
    package mutating func passDue(_ j: Int) {
        jobs[j].passPending = false
        jobs[j].monitorRunning = true
    }

    /// Begins a pass of job `j`'s monitor; false inside one (which then takes another round).
    package mutating func beginPass(_ j: Int) -> Bool {
        guard !jobs[j].inPass else {
            jobs[j].roundAsked = true
            return false
        }
        jobs[j].inPass = true
        jobs[j].roundAsked = true
        return true
    }

    /// The tasks the next round of the pass starts, nil when the pass has no more rounds: the
    /// runnable ones within the executor limits and the background worker processes free
    /// (the maintenance daemon and the monitor take two of `max_worker_processes`). Start each
    /// only while `isRunnable` (a task started before it may have changed the queue).
    package mutating func nextRound(_ j: Int, now: SimTime, settings: CitusSettings, maxWorkerProcesses: Int) -> [Int64]? {
        guard jobs[j].roundAsked else { return nil }
        jobs[j].roundAsked = false
        guard jobs[j].isRunning else { return nil }
        let running = jobs[j].queue.status.filter { $0 == .running }.count
        return jobs[j].queue.startable(now: now.microseconds, maxExecutors: settings.maxBackgroundTaskExecutors,
                                       maxPerNode: settings.maxBackgroundTaskExecutorsPerNode, workerProcesses: maxWorkerProcesses - 2 - running)
    }

    /// Task `id` of job `j` may start now.
    package func isRunnable(_ j: Int, task id: Int64) -> Bool { jobs[j].queue.status(of: id) == .runnable }

    /// Ends the pass; true when the monitor sleeps and its next pass must be scheduled.
    package mutating func endPass(_ j: Int) -> Bool {
        jobs[j].inPass = false
        guard jobs[j].isRunning, !jobs[j].passPending else { return false }
        jobs[j].passPending = true
        return true
    }

    /// Task `id` of job `j` starts; its run is logged at row `row`. Returns the task and its
    /// attempt (1, then one more after each failure: a task runs again only after failing).
    package mutating func start(_ j: Int, task id: Int64, row: Int) -> (task: BackgroundJobGraph.Task, attempt: Int) {
        jobs[j].queue.start(id)
        let i = jobs[j].queue.index(id)
        jobs[j].runRow[i] = row
        return (jobs[j].queue.tasks[i], jobs[j].queue.failures[i] + 1)
    }

    /// Chain `c` runs task `id` of job `j`.
    package mutating func assign(chain c: Int, _ j: Int, task id: Int64) { jobs[j].chainOfTask[jobs[j].queue.index(id)] = c }

    /// Task `id` of job `j` ended (`error` when it failed: retried after the back-off, or in
    /// error). nil when the job was cancelled (its runs were ended then).
    package mutating func end(_ j: Int, task id: Int64, error: String?, at now: SimTime) -> TaskEnd? {
        guard !jobs[j].cancelled else { return nil }
        let i = jobs[j].queue.index(id)
        jobs[j].chainOfTask[i] = -1
        let status: String
        if error != nil {
            let retry = jobs[j].queue.fail(id, now: now.microseconds)
            status = retry.map { "failed, retry in \($0) s" } ?? "error"
        } else {
            jobs[j].queue.finish(id)
            status = "done"
        }
        return TaskEnd(row: jobs[j].runRow[i], status: status, jobFinished: jobs[j].queue.isFinished,
                       wakesMonitor: !jobs[j].queue.isFinished && jobs[j].monitorRunning)
    }

    /// `citus_rebalance_stop()` on job `j`: the running tasks (their log rows and chains) are
    /// returned for the caller to cancel; the rest never start.
    package mutating func cancel(_ j: Int) -> [(row: Int, chain: Int)] {
        jobs[j].cancelled = true
        let running = jobs[j].chainOfTask.indices.filter { jobs[j].chainOfTask[$0] >= 0 }.map { (jobs[j].runRow[$0], jobs[j].chainOfTask[$0]) }
        jobs[j].queue.cancel()
        return running
    }
}
