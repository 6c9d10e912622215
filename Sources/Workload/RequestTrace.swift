import SimCore

/// A sequence of requests: when each arrives, whose it is and what it asks.
///
/// Generated traces depend only on the workload's random streams, so two cluster
/// configurations run with the same seed see the same trace (common random numbers).
/// A trace read from a file replays exactly.
public struct RequestTrace: Sendable, Equatable {
    /// Arrival instants, non-decreasing.
    public private(set) var times: [SimTime] = []
    /// Each request's tenant.
    package private(set) var tenants: [TenantIndex] = []
    /// Each request's query class.
    package private(set) var classes: [QueryClassIndex] = []

    public init() {}

    public var count: Int { times.count }

    /// Appends a request; precondition: not earlier than the last one.
    package mutating func append(time: SimTime, tenant: TenantIndex, cls: QueryClassIndex) {
        precondition(times.last.map { $0 <= time } ?? true, "trace times must not decrease")
        times.append(time)
        tenants.append(tenant)
        classes.append(cls)
    }
}
