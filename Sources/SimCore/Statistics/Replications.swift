import Dispatch

/// Independent replications of one model with different seeds, and a confidence
/// interval on every metric they report.
///
/// Replication i's seed is the i-th 64-bit draw (`next64`) of the stream "replications" of the
/// base seed, so adding replications never changes the earlier ones. Replications run
/// in parallel on `threads` threads, each on its own, and results are merged in
/// replication order: output does not depend on the thread count.
public struct Replications: Sendable {
    /// The run's base seed.
    public let baseSeed: UInt64
    /// Number of replications.
    public let count: Int

    public init(baseSeed: UInt64, count: Int) throws {
        try ParameterError.requirePositive(count, "replications")
        self.baseSeed = baseSeed
        self.count = count
    }

    /// The seed of each replication, in order.
    public var seeds: [UInt64] {
        let stream = RandomStream(runSeed: baseSeed, name: "replications")
        return (0..<count).map { _ in stream.next64() }
    }

    /// Runs `body(index, seed)` for every replication on up to `threads` threads and
    /// returns the results in replication order. `finished(count)` is called (from the
    /// worker threads) each time a replication completes, with the number done so far.
    public func run<R: Sendable>(threads: Int = 1, finished: (@Sendable (Int) -> Void)? = nil, _ body: @Sendable (Int, UInt64) -> R) -> [R] {
        let seeds = self.seeds
        let box = ResultBox<R>(count: count)
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count {
                // Not `finished?(box.store(...))`: optional chaining would skip the store.
                let done = box.store(i, body(i, seeds[i]))
                finished?(done)
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var i = worker
                while i < count {
                    let done = box.store(i, body(i, seeds[i]))
                    finished?(done)
                    i += workers
                }
            }
        }
        return box.results()
    }

    /// A confidence interval for each metric, in the order of the first replication's
    /// metrics. Precondition: every replication reports the same metric names in order.
    public static func summarize(_ runs: [[Metric]], level: Double = 0.95) throws -> [(name: String, interval: ConfidenceInterval)] {
        guard let first = runs.first else { return [] }
        for (i, run) in runs.enumerated() {
            precondition(run.map(\.name) == first.map(\.name), "replication \(i) reports different metrics")
        }
        return try first.indices.map { m in
            (first[m].name, try ConfidenceInterval(samples: runs.map { $0[m].value }, level: level))
        }
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
