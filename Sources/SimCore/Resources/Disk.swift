/// A disk (or cloud volume) limited by IOPS and bandwidth, with an access latency.
///
/// Model: each request of `operations` I/Os and `bytes` needs
/// max(operations / iops, bytes / bytesPerSecond) seconds of device time; concurrent
/// requests share the device's time by processor sharing, so a long sequential copy and
/// small random reads interleave rather than queue behind each other. The access latency
/// is then added per request without limiting throughput (it models the device's
/// per-I/O latency at queue depth, like a cloud volume's ~0.5-1 ms).
public struct Disk: Sendable {
    /// I/O operations per second the device sustains.
    public let iops: Double
    /// Bytes per second the device sustains.
    public let bytesPerSecond: Double
    /// Latency added to every request.
    public let accessLatency: SimDuration
    private var device: ProcessorSharingServer
    private var latency = DelayLine()

    /// Throws a `ParameterError` unless iops and bytesPerSecond are > 0 and the latency >= 0.
    public init(iops: Double, bytesPerSecond: Double, accessLatency: SimDuration, at time: SimTime = .zero) throws {
        try ParameterError.requirePositive(iops, "Disk.iops")
        try ParameterError.requirePositive(bytesPerSecond, "Disk.bytesPerSecond")
        guard accessLatency >= .zero else {
            throw ParameterError(parameter: "Disk.accessLatency", value: "\(accessLatency.microseconds) µs", expected: "a duration >= 0")
        }
        self.iops = iops
        self.bytesPerSecond = bytesPerSecond
        self.accessLatency = accessLatency
        device = try ProcessorSharingServer(cores: 1, at: time)
    }

    /// Device time a request needs (before sharing).
    public func serviceTime(operations: Double, bytes: Double) -> SimDuration {
        SimDuration(seconds: max(operations / iops, bytes / bytesPerSecond))
    }

    /// Submits request `request` of `operations` I/Os moving `bytes` at `now`.
    public mutating func submit(request: UInt32, operations: Double, bytes: Double, at now: SimTime) {
        precondition(operations >= 0 && bytes >= 0, "negative disk request")
        device.arrive(job: request, work: serviceTime(operations: operations, bytes: bytes), at: now)
    }

    /// Device busy fraction over time (0...1).
    public var utilization: TimeWeightedAverage { device.busyCores }

    /// The next instant a request finishes on the device or is delivered; nil when idle.
    public var nextEventTime: SimTime? {
        mutating get {
            switch (device.nextCompletionTime, latency.nextDue) {
            case let (a?, b?): return min(a, b)
            case let (a, b): return a ?? b
            }
        }
    }

    /// Returns one request completed (device time and access latency) by `now`, or nil.
    public mutating func popCompleted(at now: SimTime) -> UInt32? {
        while let done = device.popCompleted(at: now) {
            latency.insert(done, due: now + accessLatency)
        }
        return latency.popDue(at: now)
    }

    /// Forgets utilisation history before `now`.
    public mutating func resetStatistics(at now: SimTime) { device.resetStatistics(at: now) }
}
