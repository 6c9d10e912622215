/// An array addressed by one kind of typed index (`DenseIndex`): per-worker state reads
/// `backends[w]`, so a worker's slot cannot be read with a node's or a tenant's number, and
/// call sites carry no `.index`. Elements are dense from index 0, as the index's kind is.
public struct IndexedArray<Index: DenseIndex & Strideable, Element>: RandomAccessCollection, MutableCollection where Index.Stride == Int {
    /// The elements in index order.
    public var elements: [Element]

    @inlinable public init(_ elements: [Element]) { self.elements = elements }
    @inlinable public init(repeating value: Element, count: Int) { elements = Array(repeating: value, count: count) }

    @inlinable public var startIndex: Index { Index(0) }
    @inlinable public var endIndex: Index { Index(elements.count) }
    @inlinable public var count: Int { elements.count }

    @inlinable public subscript(i: Index) -> Element {
        @inline(__always) _read { yield elements[i.index] }
        @inline(__always) _modify { yield &elements[i.index] }
    }
}

extension IndexedArray: Sendable where Element: Sendable {}
extension IndexedArray: Equatable where Element: Equatable {}

extension IndexedArray: ExpressibleByArrayLiteral {
    @inlinable public init(arrayLiteral elements: Element...) { self.elements = elements }
}
