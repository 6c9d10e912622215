import SimCore

/// Events of a `StationModel`.
public enum StationEvent: UInt8, Sendable {
    case arrival, departure, wakeup
}

/// A queueing station in simulated time: Poisson arrivals, a service distribution, and
/// one of the kernel's resources (FCFS server, processor-sharing CPU, or token pool).
///
/// Customers are records in arrays indexed by a slot id reused through a free list, so
/// nothing is allocated per customer. Arrival and service draws come from the streams
/// "arrivals" and "service" of the run seed.
public struct StationModel: EventHandler {
    public typealias Kind = StationEvent

    public let config: StationConfig
    let arrivals: RandomStream
    let services: RandomStream
    let meanInterarrivalMicroseconds: Double
    var fcfs: FCFSServer
    var ps: ProcessorSharingServer
    var pool: TokenPool
    var wakeup = WakeupSlot()
    var lossDepartures = DelayLine()
    var arrivalTime: [SimTime] = []
    var freeSlots: [UInt32] = []
    var arrived = 0
    var measuredFrom: SimTime = .zero
    /// Response times of customers after the warm-up.
    public private(set) var responses = LatencyHistogram()
    /// Customers that arrived after the warm-up (loss station: offered).
    public private(set) var measuredArrivals = 0
    /// Customers lost (loss station) after the warm-up.
    public private(set) var lost = 0

    /// A station; `config` must be valid (see `StationConfig.validate`).
    public init(config: StationConfig, seed: UInt64) throws {
        try config.validate()
        self.config = config
        arrivals = RandomStream(runSeed: seed, name: "arrivals")
        services = RandomStream(runSeed: seed, name: "service")
        meanInterarrivalMicroseconds = 1e6 / config.arrivalRatePerSecond
        fcfs = try FCFSServer(servers: config.servers)
        ps = try ProcessorSharingServer(cores: config.servers)
        pool = try TokenPool(capacity: config.servers)
    }

    /// Schedules the first arrival.
    public func start(_ scheduler: inout Scheduler<StationEvent>) {
        scheduler.schedule(.arrival, after: nextInterarrival(), priority: .arrival)
    }

    @inline(__always) func nextInterarrival() -> SimDuration {
        .microseconds(Int64(arrivals.exponential(mean: meanInterarrivalMicroseconds).rounded()))
    }

    @inline(__always) func nextService() -> SimDuration {
        .microseconds(Int64((services.sample(config.service) * 1e6).rounded()))
    }

    public mutating func handle(_ event: Event<StationEvent>, scheduler: inout Scheduler<StationEvent>) {
        let now = scheduler.now
        switch event.kind {
        case .arrival:
            arrived += 1
            if arrived < config.customers {
                scheduler.schedule(.arrival, after: nextInterarrival(), priority: .arrival)
            }
            if arrived == config.warmupCustomers + 1 { beginMeasurement(at: now) }
            if arrived > config.warmupCustomers { measuredArrivals += 1 }
            let slot = takeSlot(arrivedAt: now)
            let service = nextService()
            switch config.discipline {
            case .fcfs:
                if let start = fcfs.arrive(job: slot, service: service, at: now) {
                    scheduler.schedule(.departure, at: start.completion, priority: .completion, payload: start.job)
                }
            case .processorSharing:
                ps.arrive(job: slot, work: service, at: now)
                armWakeup(&scheduler)
            case .loss:
                if pool.tryAcquire(at: now) {
                    scheduler.schedule(.departure, after: service, priority: .completion, payload: slot)
                } else {
                    if arrived > config.warmupCustomers { lost += 1 }
                    freeSlots.append(slot)
                }
            }
        case .departure:
            depart(event.payload, at: now)
            switch config.discipline {
            case .fcfs:
                if let start = fcfs.complete(at: now) {
                    scheduler.schedule(.departure, at: start.completion, priority: .completion, payload: start.job)
                }
            case .loss:
                _ = pool.release(at: now)
            case .processorSharing:
                preconditionFailure("PS departures come through wake-ups")
            }
        case .wakeup:
            wakeup.fired(at: now)
            while let job = ps.popCompleted(at: now) { depart(job, at: now) }
            armWakeup(&scheduler)
        }
    }

    mutating func armWakeup(_ scheduler: inout Scheduler<StationEvent>) {
        let due = ps.nextCompletionTime
        if wakeup.needsWakeup(at: due) { scheduler.schedule(.wakeup, at: due!, priority: .completion) }
    }

    @inline(__always) mutating func takeSlot(arrivedAt now: SimTime) -> UInt32 {
        if let slot = freeSlots.popLast() {
            arrivalTime[Int(slot)] = now
            return slot
        }
        arrivalTime.append(now)
        return UInt32(arrivalTime.count - 1)
    }

    @inline(__always) mutating func depart(_ slot: UInt32, at now: SimTime) {
        let arrivedAt = arrivalTime[Int(slot)]
        if arrivedAt >= measuredFrom && arrived > config.warmupCustomers {
            responses.record(now - arrivedAt)
        }
        freeSlots.append(slot)
    }

    mutating func beginMeasurement(at now: SimTime) {
        measuredFrom = now
        fcfs.resetStatistics(at: now)
        ps.resetStatistics(at: now)
        pool.resetStatistics(at: now)
    }

    /// Time-average busy servers per server (0...1) from the end of the warm-up to `now`.
    public func utilization(at now: SimTime) -> Double {
        switch config.discipline {
        case .fcfs: return fcfs.busyServers.mean(at: now) / Double(config.servers)
        case .processorSharing: return ps.busyCores.mean(at: now) / Double(config.servers)
        case .loss: return pool.held.mean(at: now) / Double(config.servers)
        }
    }

    /// Start of the measurement window.
    public var measurementStart: SimTime { measuredFrom }
}
