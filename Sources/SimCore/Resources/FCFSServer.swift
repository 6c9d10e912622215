import DequeModule

/// A c-server first-come-first-served queue with an unbounded waiting line.
///
/// The server decides only *who* is served and *when service ends*; the owner schedules
/// a completion event for each `Start` it returns and calls `complete(at:)` when that
/// event fires.
public struct FCFSServer: Sendable {
    /// A job entering service: schedule its completion at `completion`.
    public struct Start: Equatable, Sendable {
        public var job: UInt32
        public var completion: SimTime

        public init(job: UInt32, completion: SimTime) {
            self.job = job
            self.completion = completion
        }
    }

    struct Waiting: Sendable {
        var job: UInt32
        var service: SimDuration
    }

    /// Number of servers, c.
    public let servers: Int
    /// Servers currently busy.
    public private(set) var busy = 0
    var line: Deque<Waiting> = []
    /// Busy servers over time.
    public private(set) var busyServers: TimeWeightedAverage
    /// Jobs waiting (not in service) over time.
    public private(set) var queueLength: TimeWeightedAverage

    /// A server with `servers` servers; throws unless servers >= 1.
    public init(servers: Int, at time: SimTime = .zero) throws {
        try ParameterError.requirePositive(servers, "FCFSServer.servers")
        self.servers = servers
        busyServers = TimeWeightedAverage(at: time)
        queueLength = TimeWeightedAverage(at: time)
    }

    /// Jobs waiting for a server.
    public var waiting: Int { line.count }

    /// `job` arrives needing `service`; returns its start if a server is free, else queues it.
    public mutating func arrive(job: UInt32, service: SimDuration, at now: SimTime) -> Start? {
        if busy < servers {
            busy += 1
            busyServers.set(Double(busy), at: now)
            return Start(job: job, completion: now + service)
        }
        line.append(Waiting(job: job, service: service))
        queueLength.set(Double(line.count), at: now)
        return nil
    }

    /// A job finished at `now`; returns the next job to start on the freed server, if any.
    public mutating func complete(at now: SimTime) -> Start? {
        precondition(busy > 0, "FCFSServer.complete with no busy server")
        if let next = line.popFirst() {
            queueLength.set(Double(line.count), at: now)
            return Start(job: next.job, completion: now + next.service)
        }
        busy -= 1
        busyServers.set(Double(busy), at: now)
        return nil
    }

    /// Forgets statistics before `now` (end of warm-up).
    public mutating func resetStatistics(at now: SimTime) {
        busyServers.reset(at: now)
        queueLength.reset(at: now)
    }
}
