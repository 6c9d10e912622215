/// One direction of a network interface: messages go one at a time, first come first served,
/// each taking its size over the link's bandwidth (store and forward: a message's last byte
/// leaves `transfer` after the link is free). Latency is the caller's to add.
public struct FIFOLink: Sendable {
    /// When the link has sent everything booked so far.
    public private(set) var freeAt = SimTime.zero
    /// Transfer time booked so far, microseconds (the link's busy time, some of it maybe ahead).
    public private(set) var bookedMicroseconds = 0.0

    public init() {}

    /// Books a message that takes `transfer` on the link, offered at `now`; returns when its
    /// last byte has left.
    public mutating func send(taking transfer: SimDuration, at now: SimTime) -> SimTime {
        freeAt = max(now, freeAt) + transfer
        bookedMicroseconds += Double(transfer.microseconds)
        return freeAt
    }

    /// The link's busy time up to `time`, microseconds: what was booked, less what is still ahead.
    public func busyMicroseconds(at time: SimTime) -> Double {
        bookedMicroseconds - Double(max(0, (freeAt - time).microseconds))
    }
}
