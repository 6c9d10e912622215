/// An infinite-server delay: items leave exactly their delay after entering, in
/// (time, entry order) order. Models propagation latency and device access latency,
/// which add to response time without limiting throughput.
public struct DelayLine: @unchecked Sendable {
    struct Entry: QueueOrdered {
        var due: SimTime
        var sequence: UInt64
        var item: UInt32
        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            a.due < b.due || (a.due == b.due && a.sequence < b.sequence)
        }
    }

    private var queue = SortedQueue<Entry>()
    private var nextSequence: UInt64 = 0

    public init() {}

    /// Items in flight.
    public var count: Int { queue.count }

    /// `item` enters and leaves at `due`.
    public mutating func insert(_ item: UInt32, due: SimTime) {
        queue.push(Entry(due: due, sequence: nextSequence, item: item))
        nextSequence &+= 1
    }

    /// When the next item leaves; nil when empty.
    public var nextDue: SimTime? { queue.first?.due }

    /// Removes and returns one item due by `now`, or nil.
    public mutating func popDue(at now: SimTime) -> UInt32? {
        guard let first = queue.first, first.due <= now else { return nil }
        queue.removeFirst()
        return first.item
    }
}
