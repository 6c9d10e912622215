import SimCore

/// A sequence of requests: when each arrives, whose it is and what it asks.
///
/// Generated traces depend only on the workload's random streams, so two cluster
/// configurations run with the same seed see the same trace (common random numbers).
/// A trace read from a file replays exactly.
public struct RequestTrace: Sendable, Equatable {
    /// Arrival instants, non-decreasing.
    public private(set) var times: [SimTime] = []
    /// Tenant index (rank − 1).
    public private(set) var tenants: [Int32] = []
    /// Query class index.
    public private(set) var classes: [Int32] = []

    public init() {}

    public var count: Int { times.count }

    /// Appends a request; precondition: not earlier than the last one.
    public mutating func append(time: SimTime, tenant: Int32, cls: Int32) {
        precondition(times.last.map { $0 <= time } ?? true, "trace times must not decrease")
        times.append(time)
        tenants.append(tenant)
        classes.append(cls)
    }
}
