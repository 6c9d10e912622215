/// Independent replications of one model with different seeds, and a confidence
/// interval on every metric they report.
///
/// Replication i's seed is the i-th 64-bit draw (`next64`) of the stream "replications" of the
/// base seed, so adding replications never changes the earlier ones. They run in parallel
/// through `run(threads:)` (target ParallelRuns: the kernel has no threads), each on its
/// own, and results are merged in replication order: output does not depend on the thread count.
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
