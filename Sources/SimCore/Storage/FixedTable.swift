/// A fixed number of values (a model's resources: one CPU or disk per node) addressed by
/// index and modified in place.
///
/// Unlike `Array`, a mutation through the subscript pays no copy-on-write uniqueness check.
/// The price is `RecordTable`'s: reference semantics (a copy shares the values), so a model
/// holds one table per kind and never copies it. Indices are checked with `precondition`.
public struct FixedTable<Element>: @unchecked Sendable {
    /// Owns the values; deinitializes and frees them with the last copy of the table.
    final class Storage {
        let base: UnsafeMutablePointer<Element>
        let count: Int
        init(_ elements: [Element]) {
            count = elements.count
            base = .allocate(capacity: max(1, count))
            _ = UnsafeMutableBufferPointer(start: base, count: count).initialize(from: elements)
        }
        deinit {
            base.deinitialize(count: count)
            base.deallocate()
        }
    }

    private let storage: Storage
    @usableFromInline let base: UnsafeMutablePointer<Element>
    /// Values in the table.
    public let count: Int
    /// 1, or 0 when every index addresses one shared value.
    @usableFromInline let stride: Int

    /// A table holding `elements`.
    public init(_ elements: [Element]) {
        storage = Storage(elements)
        base = storage.base
        count = elements.count
        stride = 1
    }

    /// A table of `count` indices that all address one value, `shared` (nodes sharing one
    /// host's CPU or disk).
    public init(sharing shared: Element, count: Int) {
        storage = Storage([shared])
        base = storage.base
        self.count = count
        stride = 0
    }

    /// The value at `index`, read and modified in place.
    @inlinable
    public subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(index >= 0 && index < count, "element \(index) out of 0..<\(count)")
            return UnsafePointer(base + index &* stride)
        }
        nonmutating unsafeMutableAddress {
            precondition(index >= 0 && index < count, "element \(index) out of 0..<\(count)")
            return base + index &* stride
        }
    }

    /// `0..<count`.
    public var indices: Range<Int> { 0..<count }

    /// The values transformed, in index order.
    public func map<T>(_ transform: (Element) throws -> T) rethrows -> [T] {
        try indices.map { try transform(self[$0]) }
    }
}
