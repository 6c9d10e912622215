/// Elements a `MinHeap` can order: a strict order (ties broken by the element itself,
/// e.g. with a sequence number, so the order is total and deterministic).
protocol HeapOrdered: Sendable {
    static func precedes(_ a: Self, _ b: Self) -> Bool
}

/// A binary min-heap of plain values, shared by the resources that keep jobs in time or
/// tag order (`ProcessorSharingServer`, `DelayLine`). The elements live in a `RecordTable`,
/// so no operation pays a copy-on-write check; like the table, a copy of the heap shares
/// its elements (its owner never copies it). The event queue has its own heap.
struct MinHeap<Element: HeapOrdered>: @unchecked Sendable {
    private var elements = RecordTable<Element>(capacity: 16)

    var count: Int { elements.count }
    var isEmpty: Bool { elements.count == 0 }
    var first: Element? { elements.count == 0 ? nil : elements.base.pointee }

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
            elements.base[index] = last
            siftUp(index)
            siftDown(index)
        }
        return removed
    }

    /// Removes and returns the minimum; precondition: not empty.
    @discardableResult
    mutating func removeFirst() -> Element {
        precondition(elements.count > 0, "removeFirst on an empty heap")
        let first = elements.base.pointee
        let last = elements.removeLast()
        if elements.count > 0 {
            elements.base.pointee = last
            siftDown(0)
        }
        return first
    }

    func firstIndex(where predicate: (Element) -> Bool) -> Int? {
        elements.indices.first { predicate(elements[$0]) }
    }

    private func siftUp(_ start: Int) {
        let h = elements.base
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

    private func siftDown(_ start: Int) {
        let h = elements.base
        let n = elements.count
        var hole = start
        let element = h[hole]
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
