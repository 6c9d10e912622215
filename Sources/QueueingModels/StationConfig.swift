import SimCore

/// One queueing station under Poisson arrivals: the validation model for the kernel.
public struct StationConfig: Sendable, Equatable {
    /// How waiting customers are served.
    public enum Discipline: String, Sendable, CaseIterable {
        /// c servers, one customer each, the rest wait in line (`FCFSServer`).
        case fcfs
        /// c cores shared by all customers present (`ProcessorSharingServer`).
        case processorSharing = "ps"
        /// c servers and no waiting room: arrivals finding all busy are lost (`TokenPool`).
        case loss
    }

    public var discipline: Discipline
    /// Number of servers or cores, c.
    public var servers: Int
    /// Poisson arrival rate λ, customers per second.
    public var arrivalRatePerSecond: Double
    /// Service demand in seconds.
    public var service: Distribution
    /// Customers that arrive in a replication (including warm-up).
    public var customers: Int
    /// Customers at the start whose responses are not recorded.
    public var warmupCustomers: Int

    public init(discipline: Discipline, servers: Int, arrivalRatePerSecond: Double, service: Distribution, customers: Int, warmupCustomers: Int) {
        self.discipline = discipline
        self.servers = servers
        self.arrivalRatePerSecond = arrivalRatePerSecond
        self.service = service
        self.customers = customers
        self.warmupCustomers = warmupCustomers
    }

    /// Throws a `ParameterError` naming the first invalid parameter.
    public func validate() throws {
        try ParameterError.requirePositive(servers, "station.servers")
        try ParameterError.requirePositive(arrivalRatePerSecond, "station.arrival_rate_per_second")
        _ = try service.validated("station.service")
        try ParameterError.requirePositive(customers, "station.customers")
        guard warmupCustomers >= 0 && warmupCustomers < customers else {
            throw ParameterError(parameter: "station.warmup_customers", value: "\(warmupCustomers)", expected: "an integer in 0..<customers (\(customers))")
        }
        guard customers <= Int(UInt32.max) else {
            throw ParameterError(parameter: "station.customers", value: "\(customers)", expected: "at most \(UInt32.max)")
        }
    }

    /// Offered load per server, ρ = λ·E[S] / c.
    public var utilization: Double { arrivalRatePerSecond * service.mean / Double(servers) }

    /// The closed-form mean response time in seconds, where one is known: M/M/c (FCFS or
    /// PS) and M/G/1-PS; nil otherwise (and for the loss station).
    public var exactMeanResponseSeconds: Double? {
        guard utilization < 1 else { return nil }
        switch discipline {
        case .loss: return nil
        case .fcfs, .processorSharing:
            if case .exponential(let s) = service {
                return QueueingFormulas.mmcMeanResponse(servers: servers, arrivalRate: arrivalRatePerSecond, meanService: s)
            }
            if discipline == .processorSharing && servers == 1 {
                return QueueingFormulas.mg1PSMeanResponse(arrivalRate: arrivalRatePerSecond, meanService: service.mean)
            }
            return nil
        }
    }

    /// The closed-form blocking probability of the loss station (Erlang B, which holds for
    /// any service distribution); nil for the other disciplines.
    public var exactBlockingProbability: Double? {
        guard discipline == .loss else { return nil }
        return QueueingFormulas.erlangB(servers: servers, offeredLoad: arrivalRatePerSecond * service.mean)
    }
}
