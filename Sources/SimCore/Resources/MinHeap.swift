/// Elements a `MinHeap` can order: a strict order (ties broken by the element itself,
/// e.g. with a sequence number, so the order is total and deterministic).
protocol HeapOrdered: Sendable {
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

/// A binary min-heap, shared by the resources that keep jobs in time or tag order
/// (`ProcessorSharingServer`, `DelayLine`). The event queue has its own, specialised over
/// a manually managed buffer.
struct MinHeap<Element: HeapOrdered>: Sendable {
    private(set) var elements: [Element] = []

    var count: Int { elements.count }
    var isEmpty: Bool { elements.isEmpty }
    var first: Element? { elements.first }

    mutating func push(_ element: Element) {
        elements.append(element)
        siftUp(elements.count - 1)
    }

    /// Removes and returns the element at `index` (0 is the minimum).
    @discardableResult
    mutating func remove(at index: Int) -> Element {
        let removed = elements[index]
        let last = elements.removeLast()
        if index < elements.count {
            elements[index] = last
            siftUp(index)
            siftDown(index)
        }
        return removed
    }

    /// Removes and returns the minimum; precondition: not empty.
    @discardableResult
    mutating func removeFirst() -> Element {
        let first = elements[0]
        let last = elements.removeLast()
        if !elements.isEmpty {
            elements[0] = last
            siftDown(0)
        }
        return first
    }

    func firstIndex(where predicate: (Element) -> Bool) -> Int? { elements.firstIndex(where: predicate) }

    private mutating func siftUp(_ start: Int) {
        elements.withUnsafeMutableBufferPointer { h in
            var child = start
            let element = h[child]
            while child > 0 {
                let parent = (child - 1) / 2
                guard Element.precedes(element, h[parent]) else { break }
                h[child] = h[parent]
                child = parent
            }
            h[child] = element
        }
    }

    private mutating func siftDown(_ start: Int) {
        elements.withUnsafeMutableBufferPointer { h in
            var hole = start
            let element = h[hole]
            let n = h.count
            while true {
                var child = 2 * hole + 1
                if child >= n { break }
                if child + 1 < n && Element.precedes(h[child + 1], h[child]) { child += 1 }
                guard Element.precedes(h[child], element) else { break }
                h[hole] = h[child]
                hole = child
            }
            h[hole] = element
        }
    }
}
