import Dispatch

/// Independent jobs run on several threads, results in job order: the output does not
/// depend on the number of threads (STYLE: parallelism only across independent runs).
public enum ParallelMap {
    /// `body(i)` for every i in 0..<count on up to `threads` threads (job i on thread
    /// i mod threads). `finished(done)` is called from the worker threads after each job
    /// with the number done so far.
    public static func map<R: Sendable>(count: Int, threads: Int, finished: (@Sendable (Int) -> Void)? = nil,
                                        _ body: @Sendable (Int) -> R) -> [R] {
        let box = ResultBox<R>(count: count)
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count {
                // Not `finished?(box.store(...))`: optional chaining would skip the store.
                let done = box.store(i, body(i))
                finished?(done)
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var i = worker
                while i < count {
                    let done = box.store(i, body(i))
                    finished?(done)
                    i += workers
                }
            }
        }
        return box.results()
    }
}

/// Slots filled by index from several threads; each slot is written exactly once.
private final class ResultBox<R>: @unchecked Sendable {
    private var slots: [R?]
    private var stored = 0
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// Stores a result; returns how many are stored now.
    @discardableResult
    func store(_ index: Int, _ value: R) -> Int {
        lock.wait()
        slots[index] = value
        stored += 1
        let done = stored
        lock.signal()
        return done
    }

    func results() -> [R] { slots.map { $0! } }
}
