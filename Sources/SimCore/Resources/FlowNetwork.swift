/// Links with bandwidth and latency, shared by concurrent flows max-min fairly
/// (the SimGrid flow-level model).
///
/// A flow crosses a route of links, typically the sender's NIC egress and the
/// receiver's NIC ingress (`addHost` makes both). While flows are active, their rates are
/// the max-min fair allocation (progressive filling): no flow can go faster without
/// slowing one that is no faster. Rates are recomputed whenever a flow starts or
/// finishes, O(links × flows). A flow's bytes finish at the rate it is given; it is
/// then delivered after its route's latency (the sum of its links' latencies).
/// TCP window limits and slow start are not modelled.
///
/// Protocol for the owner: as for `ProcessorSharingServer`, keep a wake-up at
/// `nextEventTime`, and on wake-up call `popDelivered(at:)` until it returns nil.
public struct FlowNetwork: Sendable {
    /// A link: bandwidth in bytes per second and one-way latency.
    public struct Link: Sendable, Equatable {
        public var bytesPerSecond: Double
        public var latency: SimDuration
    }

    /// A host's NIC: one link out, one link in (full duplex).
    public struct Host: Sendable, Equatable {
        public var egress: Int
        public var ingress: Int
    }

    struct Flow: Sendable {
        var tag: UInt32
        var route: [Int]
        var remainingBytes: Double
        var rate: Double  // bytes per microsecond
        var latency: SimDuration
        var sequence: UInt64
    }

    /// The links, indexed by link id.
    public private(set) var links: [Link] = []
    private var active: [Flow] = []  // in start order: deterministic iteration
    private var delivering = DelayLine()
    private var lastUpdate: SimTime = .zero
    private var nextSequence: UInt64 = 0
    /// Bytes delivered so far, per link.
    public private(set) var bytesCarried: [Double] = []

    public init() {}

    /// Adds a link; returns its id. Throws for a bandwidth that is not > 0 or a negative latency.
    public mutating func addLink(bytesPerSecond: Double, latency: SimDuration = .zero) throws -> Int {
        try ParameterError.requirePositive(bytesPerSecond, "FlowNetwork.link.bytesPerSecond")
        guard latency >= .zero else {
            throw ParameterError(parameter: "FlowNetwork.link.latency", value: "\(latency.microseconds) µs", expected: "a duration >= 0")
        }
        links.append(Link(bytesPerSecond: bytesPerSecond, latency: latency))
        bytesCarried.append(0)
        return links.count - 1
    }

    /// Adds a host whose NIC carries `nicBytesPerSecond` each way; `latency` is charged on
    /// each of its two links, so a flow between two hosts sees both hosts' latencies.
    public mutating func addHost(nicBytesPerSecond: Double, latency: SimDuration = .zero) throws -> Host {
        let egress = try addLink(bytesPerSecond: nicBytesPerSecond, latency: latency)
        let ingress = try addLink(bytesPerSecond: nicBytesPerSecond, latency: latency)
        return Host(egress: egress, ingress: ingress)
    }

    /// Flows transferring bytes now (not counting those in their latency phase).
    public var activeFlows: Int { active.count }

    /// The current rate of the flow tagged `tag`, in bytes per second; nil if not active.
    public func rate(of tag: UInt32) -> Double? {
        active.first(where: { $0.tag == tag }).map { $0.rate * 1e6 }
    }

    /// Starts a flow of `bytes` over `route` (link ids, each at most once) at `now`.
    public mutating func startFlow(tag: UInt32, bytes: Double, route: [Int], at now: SimTime) throws {
        try ParameterError.requireNonNegative(bytes, "FlowNetwork.flow.bytes")
        guard !route.isEmpty, route.allSatisfy({ links.indices.contains($0) }), Set(route).count == route.count else {
            throw ParameterError(parameter: "FlowNetwork.flow.route", value: "\(route)", expected: "distinct link ids below \(links.count)")
        }
        advance(to: now)
        var latency = SimDuration.zero
        for l in route { latency += links[l].latency }
        active.append(Flow(tag: tag, route: route, remainingBytes: bytes, rate: 0, latency: latency, sequence: nextSequence))
        nextSequence &+= 1
        reallocate()
    }

    /// Starts a flow from host `from` to host `to`.
    public mutating func startFlow(tag: UInt32, bytes: Double, from: Host, to: Host, at now: SimTime) throws {
        try startFlow(tag: tag, bytes: bytes, route: [from.egress, to.ingress], at: now)
    }

    /// The next instant a flow finishes its bytes or is delivered; nil when idle.
    public var nextEventTime: SimTime? {
        var next = delivering.nextDue
        for f in active {
            let wait = f.rate > 0 ? Int64((f.remainingBytes / f.rate).rounded(.up)) : Int64.max / 4
            let t = lastUpdate + .microseconds(max(0, wait))
            if next == nil || t < next! { next = t }
        }
        return next
    }

    /// Moves finished flows to their latency phase and returns one delivered flow's tag,
    /// or nil if none is delivered by `now`.
    public mutating func popDelivered(at now: SimTime) -> UInt32? {
        advance(to: now)
        var finishedAny = false
        var i = 0
        while i < active.count {
            let f = active[i]
            if f.remainingBytes <= max(1e-6, f.rate * 1e-9) {
                active.remove(at: i)
                delivering.insert(f.tag, due: now + f.latency)
                finishedAny = true
            } else {
                i += 1
            }
        }
        if finishedAny { reallocate() }
        return delivering.popDue(at: now)
    }

    private mutating func advance(to now: SimTime) {
        precondition(now >= lastUpdate, "FlowNetwork advanced backwards")
        let dt = Double(now.microseconds - lastUpdate.microseconds)
        if dt > 0 {
            for i in active.indices {
                let moved = min(active[i].remainingBytes, active[i].rate * dt)
                active[i].remainingBytes -= moved
                for l in active[i].route { bytesCarried[l] += moved }
            }
        }
        lastUpdate = now
    }

    /// Max-min fair rates by progressive filling: repeatedly find the link whose
    /// remaining capacity per unfixed flow is smallest, fix its flows at that share,
    /// and subtract them from their other links. Ties go to the lowest link id.
    private mutating func reallocate() {
        var capacity = links.map { $0.bytesPerSecond / 1e6 }  // bytes per microsecond
        var unfixedCount = [Int](repeating: 0, count: links.count)
        var fixed = [Bool](repeating: false, count: active.count)
        for f in active { for l in f.route { unfixedCount[l] += 1 } }
        var remaining = active.count
        while remaining > 0 {
            var bottleneck = -1
            var share = Double.infinity
            for l in links.indices where unfixedCount[l] > 0 {
                let s = max(0, capacity[l]) / Double(unfixedCount[l])
                if s < share { share = s; bottleneck = l }
            }
            precondition(bottleneck >= 0, "flow with no link")
            for i in active.indices where !fixed[i] && active[i].route.contains(bottleneck) {
                fixed[i] = true
                remaining -= 1
                active[i].rate = share
                for l in active[i].route {
                    capacity[l] -= share
                    unfixedCount[l] -= 1
                }
            }
        }
    }
}
