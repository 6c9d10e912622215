import SimCore

extension Replications {
    /// Runs `body(index, seed)` for every replication on up to `threads` threads and
    /// returns the results in replication order. `finished(count)` is called (from the
    /// worker threads) each time a replication completes, with the number done so far.
    public func run<R: Sendable>(threads: Int = 1, finished: (@Sendable (Int) -> Void)? = nil, _ body: @Sendable (Int, UInt64) -> R) -> [R] {
        let seeds = self.seeds
        return ParallelMap.map(count: count, threads: threads, finished: finished) { i in body(i, seeds[i]) }
    }
}
