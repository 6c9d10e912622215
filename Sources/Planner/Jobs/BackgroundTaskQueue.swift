import ClusterModel

/// The state of one background job's tasks and Citus's rules for running them
/// (FACTS C.1–C.2): which tasks may start now, what a finished or failed task unblocks.
///
/// Pure and clock-free: times are plain microsecond counts supplied by the caller.
public struct BackgroundTaskQueue: Sendable {
    public enum Status: String, Sendable { case blocked, runnable, running, done, error, cancelled, unscheduled }

    public let tasks: [BackgroundJobGraph.Task]
    public private(set) var status: [Status]
    /// Earliest start (µs) after a failure; nil when none.
    public private(set) var notBefore: [Int64?]
    /// Failed attempts per task.
    public private(set) var failures: [Int]

    /// Retries before a task ends in `error`.
    public static let maxRetries = 32

    public init(tasks: [BackgroundJobGraph.Task]) {
        self.tasks = tasks
        status = tasks.map { $0.dependsOn.isEmpty ? .runnable : .blocked }
        notBefore = Array(repeating: nil, count: tasks.count)
        failures = Array(repeating: 0, count: tasks.count)
    }

    /// Position of task `id` in `tasks`.
    public func index(_ id: Int64) -> Int {
        // Task ids are consecutive from the first (BackgroundJobGraph.build): O(1) on that path.
        if let first = tasks.first, id >= first.id, id - first.id < tasks.count, tasks[Int(id - first.id)].id == id { return Int(id - first.id) }
        guard let i = tasks.firstIndex(where: { $0.id == id }) else { preconditionFailure("unknown task \(id)") }
        return i
    }

    public func status(of id: Int64) -> Status { status[index(id)] }

    /// True when every task has ended (done, error, cancelled or unscheduled).
    public var isFinished: Bool { status.allSatisfy { $0 == .done || $0 == .error || $0 == .cancelled || $0 == .unscheduled } }

    /// The tasks the queue monitor would start now, in task-id order: runnable, past their
    /// `not_before`, dependencies done, every involved node below `maxPerNode` running
    /// tasks, and no more than `maxExecutors` running in all (or `workerProcesses` free).
    public func startable(now: Int64, maxExecutors: Int, maxPerNode: Int, workerProcesses: Int = .max) -> [Int64] {
        var running = status.filter { $0 == .running }.count
        var perNode: [NodeID: Int] = [:]  // lookup only
        for (i, s) in status.enumerated() where s == .running { for n in tasks[i].nodesInvolved { perNode[n, default: 0] += 1 } }
        var started: [Int64] = []
        var processes = workerProcesses
        for (i, task) in tasks.enumerated() where status[i] == .runnable {
            if running >= maxExecutors || processes <= 0 { break }
            if let t = notBefore[i], t > now { continue }
            guard task.dependsOn.allSatisfy({ status(of: $0) == .done }) else { continue }
            guard task.nodesInvolved.allSatisfy({ perNode[$0, default: 0] < maxPerNode }) else { continue }
            started.append(task.id)
            running += 1
            processes -= 1
            for n in task.nodesInvolved { perNode[n, default: 0] += 1 }
        }
        return started
    }

    /// Marks a task running.
    public mutating func start(_ id: Int64) {
        let i = index(id)
        precondition(status[i] == .runnable, "task \(id) started while \(status[i])")
        status[i] = .running
    }

    /// Marks a task done; dependents whose dependencies are all done become runnable.
    public mutating func finish(_ id: Int64) {
        let i = index(id)
        precondition(status[i] == .running, "task \(id) finished while \(status[i])")
        status[i] = .done
        for (j, t) in tasks.enumerated() where status[j] == .blocked && t.dependsOn.contains(id) {
            if t.dependsOn.allSatisfy({ status(of: $0) == .done }) { status[j] = .runnable }
        }
    }

    /// A running task failed at `now`: it is retried after the back-off (5 s, 20 s, then
    /// 60 s), or after the 32nd retry ends in `error`, unscheduling every task that depends
    /// on it. Returns the retry delay in seconds, or nil when the task ended in error.
    @discardableResult
    public mutating func fail(_ id: Int64, now: Int64) -> Int? {
        let i = index(id)
        precondition(status[i] == .running, "task \(id) failed while \(status[i])")
        failures[i] += 1
        if failures[i] > Self.maxRetries {
            status[i] = .error
            unscheduleDependents(of: id)
            return nil
        }
        let delay = Self.retryDelaySeconds(attempt: failures[i])
        status[i] = .runnable
        notBefore[i] = now + Int64(delay) * 1_000_000
        return delay
    }

    /// `citus_rebalance_stop()`: every task not yet ended is cancelled.
    public mutating func cancel() {
        for i in status.indices where status[i] != .done && status[i] != .error && status[i] != .unscheduled { status[i] = .cancelled }
    }

    /// Citus's back-off before retry `attempt` (1-based): 5 s, 20 s, then 60 s.
    public static func retryDelaySeconds(attempt: Int) -> Int { attempt == 1 ? 5 : attempt == 2 ? 20 : 60 }

    private mutating func unscheduleDependents(of id: Int64) {
        var frontier = [id]
        while let failed = frontier.popLast() {
            for (j, t) in tasks.enumerated() where t.dependsOn.contains(failed) && (status[j] == .blocked || status[j] == .runnable) {
                status[j] = .unscheduled
                frontier.append(t.id)
            }
        }
    }
}
