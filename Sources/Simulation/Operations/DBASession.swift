import SimCore

/// The DBA session: the one psql session on the first coordinator that runs the timeline's SQL
/// statements, one at a time and in the order they were due. A statement that takes time holds
/// the session, and the statements due meanwhile queue behind it, as they would in psql.
///
/// The session owns its queue and what holds it; the simulation runs the statements it hands
/// out and ends the operation it returns when it is released.
package struct DBASession: Equatable {
    /// What holds the session.
    package enum Hold: Equatable {
        case free
        /// A chain of transfers (a move or rebalance run in the session, a split, a clone, a
        /// conversion): the chain ends the statement when it finishes.
        case transfers
        /// The statement `operation`, ended when the session is released: a node's metadata sync
        /// (`error`: the error it ends with, a transactional sync that ran out of memory).
        case statement(operation: Int, error: String?)
        /// `citus_rebalance_wait()`, statement `operation`: released when no job runs.
        case jobs(operation: Int)
    }

    package private(set) var hold = Hold.free
    /// Timeline entries of the statements due, in order; `next` is the first not yet run.
    private var queue: [Int] = []
    private var next = 0

    package init() {}

    package var isBusy: Bool { hold != .free }
    /// Every statement due has run and none holds the session.
    package var isDone: Bool { next == queue.count && hold == .free }
    /// The session waits in `citus_rebalance_wait()`.
    package var waitsForJobs: Bool {
        if case .jobs = hold { return true }
        return false
    }

    /// A statement (timeline entry `entry`) is due.
    package mutating func submit(entry: Int) { queue.append(entry) }

    /// The next statement to run: the first due one, while nothing holds the session.
    package mutating func nextEntry() -> Int? {
        guard hold == .free, next < queue.count else { return nil }
        next += 1
        return queue[next - 1]
    }

    /// The statement just run started a chain of transfers.
    package mutating func holdForTransfers() { hold = .transfers }
    /// The statement `operation` runs until the simulation releases the session.
    package mutating func hold(statement operation: Int, error: String? = nil) { hold = .statement(operation: operation, error: error) }
    /// `citus_rebalance_wait()` (statement `operation`) waits for the running jobs.
    package mutating func holdUntilJobsEnd(operation: Int) { hold = .jobs(operation: operation) }

    /// Frees the session. Returns the held statement for the caller to end, with its error;
    /// nil when a chain of transfers held it (the chain ends its own statement).
    package mutating func release() -> (operation: Int, error: String?)? {
        defer { hold = .free }
        switch hold {
        case .free, .transfers: return nil
        case .statement(let op, let error): return (op, error)
        case .jobs(let op): return (op, nil)
        }
    }
}
