/// One named figure from one run; a run's results are an ordered array of these, so
/// output order never depends on a dictionary.
public struct Metric: Sendable, Equatable {
    /// Snake-case name with its unit, e.g. `latency_p99_ms`, `cpu_utilization`.
    public var name: String
    public var value: Double

    public init(_ name: String, _ value: Double) {
        self.name = name
        self.value = value
    }
}
