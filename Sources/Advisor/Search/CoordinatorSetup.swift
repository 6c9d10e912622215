/// How many coordinators of which size: what the coordinator search chooses.
///
/// Clients are spread evenly over the coordinators (the application's load balancer or
/// pool), so each plans and merges its share of the queries on its own cores; timeline SQL
/// (DDL, rebalancing) runs through the first.
public struct CoordinatorSetup: Sendable, Equatable {
    public var instance: InstanceType
    public var count: Int

    public init(instance: InstanceType, count: Int) {
        self.instance = instance
        self.count = count
    }

    /// Price per hour of all the coordinators.
    public var costPerHour: Double { Double(count) * instance.pricePerHour }

    /// `compute-16` or `2 x compute-16`.
    public var label: String { count == 1 ? instance.name : "\(count) x \(instance.name)" }

    /// Mean CPU utilisation of each coordinator for `demand` core-seconds per second of
    /// planning and merging (no queueing: a lower bound).
    public func utilisation(demand: Double) -> Double { demand / Double(count * instance.cores) }
}
