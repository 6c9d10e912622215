/// Timers with fixed ids whose single pending event can be moved in place: a resource's
/// next-completion wake-up. Setting a timer again replaces its event, so a wake-up that
/// moved never fires early or twice, and the main event queue never holds stale ones.
///
/// An indexed binary min-heap in (time, order) order, like `EventQueue`, over manually
/// managed buffers (no copy-on-write checks); events sit in heap order, so comparisons
/// read contiguous memory, and a table maps each id to its place. Ids are dense small integers chosen by the
/// model (e.g. one per CPU node); the tables grow to the largest id used.
public struct TimerHeap<Kind: Sendable>: ~Copyable {
    /// Armed timers' events in heap order, and each one's id.
    @usableFromInline var heap: UnsafeMutablePointer<Event<Kind>>
    @usableFromInline var ids: UnsafeMutablePointer<Int32>
    /// Per id: its index in `heap`, or −1 when not armed.
    @usableFromInline var position: UnsafeMutablePointer<Int32>
    @usableFromInline var capacity: Int = 0
    /// Timers armed.
    @usableFromInline var used: Int = 0

    public init() {
        heap = .allocate(capacity: 0)
        ids = .allocate(capacity: 0)
        position = .allocate(capacity: 0)
    }

    deinit {
        heap.deallocate()
        ids.deallocate()
        position.deallocate()
    }

    /// Timers armed.
    @inlinable public var count: Int { used }

    /// The earliest armed timer's id and event.
    @inlinable public var top: (id: Int, event: Event<Kind>)? {
        used > 0 ? (Int(ids[0]), heap[0]) : nil
    }

    /// True when timer `id` is armed.
    @inlinable public func isArmed(_ id: Int) -> Bool { id < capacity && position[id] >= 0 }

    /// The event timer `id` will fire, if armed.
    @inlinable public func event(of id: Int) -> Event<Kind>? { isArmed(id) ? heap[Int(position[id])] : nil }

    /// Arms timer `id` with `event`, or moves it there if already armed.
    @inlinable
    public mutating func set(_ id: Int, _ event: Event<Kind>) {
        if id >= capacity { grow(to: id + 1) }
        let p = Int(position[id])
        if p < 0 {
            used += 1
            siftUp(used - 1, event, Int32(id))
        } else if p > 0 && Event.precedes(event, heap[(p - 1) >> 1]) {
            siftUp(p, event, Int32(id))
        } else {
            siftDown(p, event, Int32(id))
        }
    }

    /// Disarms timer `id` (nothing if not armed).
    @inlinable
    public mutating func cancel(_ id: Int) {
        guard isArmed(id) else { return }
        let p = Int(position[id])
        position[id] = -1
        used -= 1
        guard p < used else { return }
        let last = heap[used], lastId = ids[used]
        if p > 0 && Event.precedes(last, heap[(p - 1) >> 1]) {
            siftUp(p, last, lastId)
        } else {
            siftDown(p, last, lastId)
        }
    }

    /// Places (`event`, `id`) at the hole `start` and moves it up to its place.
    @inlinable
    mutating func siftUp(_ start: Int, _ event: Event<Kind>, _ id: Int32) {
        var child = start
        while child > 0 {
            let parent = (child - 1) >> 1
            guard Event.precedes(event, heap[parent]) else { break }
            heap[child] = heap[parent]
            ids[child] = ids[parent]
            position[Int(ids[child])] = Int32(child)
            child = parent
        }
        heap[child] = event
        ids[child] = id
        position[Int(id)] = Int32(child)
    }

    /// Places (`event`, `id`) at the hole `start` and moves it down to its place.
    @inlinable
    mutating func siftDown(_ start: Int, _ event: Event<Kind>, _ id: Int32) {
        var hole = start
        while true {
            var child = 2 * hole + 1
            if child >= used { break }
            if child + 1 < used && Event.precedes(heap[child + 1], heap[child]) { child += 1 }
            guard Event.precedes(heap[child], event) else { break }
            heap[hole] = heap[child]
            ids[hole] = ids[child]
            position[Int(ids[hole])] = Int32(hole)
            hole = child
        }
        heap[hole] = event
        ids[hole] = id
        position[Int(id)] = Int32(hole)
    }

    @usableFromInline
    mutating func grow(to minimum: Int) {
        let n = max(minimum, 2 * capacity, 16)
        let h = UnsafeMutablePointer<Event<Kind>>.allocate(capacity: n)
        let d = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        h.moveInitialize(from: heap, count: used)
        d.update(from: ids, count: used)
        p.update(from: position, count: capacity)
        (p + capacity).initialize(repeating: -1, count: n - capacity)
        heap.deallocate()
        ids.deallocate()
        position.deallocate()
        heap = h
        ids = d
        position = p
        capacity = n
    }

    /// Checks the heap property and the position index; for tests.
    public func checkInvariants() -> Bool {
        for i in 0..<used {
            if position[Int(ids[i])] != Int32(i) { return false }
            if i > 0 && Event.precedes(heap[i], heap[(i - 1) / 2]) { return false }
        }
        return (0..<capacity).filter { position[$0] >= 0 }.count == used
    }
}
