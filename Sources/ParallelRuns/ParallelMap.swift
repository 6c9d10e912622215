import Dispatch

/// Independent jobs run on several threads, results in job order: the output does not
/// depend on the number of threads (STYLE: parallelism only across independent runs).
public enum ParallelMap {
    /// `body(i)` for every i in 0..<count on up to `threads` threads; each thread takes the
    /// next job not yet started (jobs of uneven cost keep every thread busy). `finished(done)`
    /// is called from the worker threads after each job with the number done so far.
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
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = box.take() {
                    let done = box.store(i, body(i))
                    finished?(done)
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
    private var next = 0
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next job index nobody has taken, or nil when all are taken.
    func take() -> Int? {
        lock.wait()
        defer { lock.signal() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

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
