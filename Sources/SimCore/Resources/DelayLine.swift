/// An infinite-server delay: items leave exactly their delay after entering, in
/// (time, entry order) order. Models propagation latency and device access latency,
/// which add to response time without limiting throughput.
public struct DelayLine: Sendable {
    struct Entry: Sendable {
        var due: SimTime
        var sequence: UInt64
        var item: UInt32
        static func < (a: Entry, b: Entry) -> Bool {
            a.due < b.due || (a.due == b.due && a.sequence < b.sequence)
        }
    }

    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    public init() {}

    /// Items in flight.
    public var count: Int { heap.count }

    /// `item` enters and leaves at `due`.
    public mutating func insert(_ item: UInt32, due: SimTime) {
        heap.append(Entry(due: due, sequence: nextSequence, item: item))
        nextSequence &+= 1
        var child = heap.count - 1
        let entry = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry < heap[parent] else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    /// When the next item leaves; nil when empty.
    public var nextDue: SimTime? { heap.first?.due }

    /// Removes and returns one item due by `now`, or nil.
    public mutating func popDue(at now: SimTime) -> UInt32? {
        guard let first = heap.first, first.due <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            var hole = 0
            let n = heap.count
            while true {
                var child = 2 * hole + 1
                if child >= n { break }
                if child + 1 < n && heap[child + 1] < heap[child] { child += 1 }
                guard heap[child] < last else { break }
                heap[hole] = heap[child]
                hole = child
            }
            heap[hole] = last
        }
        return first.item
    }
}
