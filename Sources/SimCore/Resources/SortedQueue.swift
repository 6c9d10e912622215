/// Elements a `SortedQueue` can order: a strict order (ties broken by the element itself,
/// e.g. with a sequence number, so the order is total and deterministic).
protocol QueueOrdered: Sendable {
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

/// A min-priority queue of plain values kept as one sorted run, `elements[head..<count]`
/// ascending: the minimum is read and removed in O(1) (the head advances), and an element
/// is inserted by moving the larger ones one place on.
///
/// For the short queues of a processor-sharing server (tens of jobs, new jobs mostly
/// finishing after those present) or a delay line (items mostly due in entry order) this
/// beats a binary heap, whose sifts branch unpredictably at every level; a long queue pays
/// one block move per insertion. Like `RecordTable`, a copy shares its elements (its owner
/// never copies it).
struct SortedQueue<Element: QueueOrdered>: @unchecked Sendable {
    private var elements = RecordTable<Element>(capacity: 16)
    /// Index of the minimum in `elements`.
    private var head = 0

    var count: Int { elements.count - head }
    var isEmpty: Bool { elements.count == head }
    var first: Element? { elements.count == head ? nil : elements.base[head] }

    mutating func push(_ element: Element) {
        if elements.count == head {
            elements.removeAll()
            head = 0
            return elements.append(element)
        }
        let h = elements.base
        var i = elements.count
        if i - head <= 32 {
            // A short run: scan from the end (one mispredicted branch, where bisection
            // would mispredict at about every step).
            while i > head && Element.precedes(element, h[i - 1]) { i -= 1 }
        } else if Element.precedes(element, h[i - 1]) {
            var low = head, high = i - 1  // the place is in low...high
            while low < high {
                let mid = (low + high) >> 1
                if Element.precedes(element, h[mid]) { high = mid } else { low = mid + 1 }
            }
            i = low
        }
        if i == head && head > 0 {
            // A new minimum, with room before the head.
            head -= 1
            (h + head).initialize(to: element)
            return
        }
        if elements.count == elements.capacity && head >= count {
            // Full, at least half of it before the head: move the run to the front.
            elements.removeFirst(head)
            i -= head
            head = 0
        }
        elements.insert(element, at: i)
    }

    /// Removes and returns the minimum; precondition: not empty.
    @discardableResult
    mutating func removeFirst() -> Element {
        precondition(elements.count > head, "removeFirst on an empty queue")
        let first = elements.base[head]
        head += 1
        if head == elements.count {
            elements.removeAll()
            head = 0
        }
        return first
    }

    /// Removes the element at position `index` (0 is the minimum).
    mutating func remove(at index: Int) {
        elements.remove(at: head + index)
        if head == elements.count {
            elements.removeAll()
            head = 0
        }
    }

    /// Position (0 is the minimum) of the first element satisfying `predicate`.
    func firstIndex(where predicate: (Element) -> Bool) -> Int? {
        (head..<elements.count).first { predicate(elements[$0]) }.map { $0 - head }
    }
}
