/// How every experiment is repeated and summarised (the scenario's `run:` keys `seed`,
/// `replications`, `confidence`), whatever the model: a station's scenario holds only this,
/// a cluster's `RunSpec` adds the run's length and sampling.
public struct ReplicationSettings: Sendable, Equatable {
    /// Base seed; replication seeds derive from it (`Replications.seeds`).
    public var seed: UInt64
    /// Independent replications (each with its own seed).
    public var replications: Int
    /// Confidence level of every reported interval.
    public var confidence: Double

    public init(seed: UInt64 = 1, replications: Int = 10, confidence: Double = 0.95) {
        self.seed = seed
        self.replications = replications
        self.confidence = confidence
    }
}
