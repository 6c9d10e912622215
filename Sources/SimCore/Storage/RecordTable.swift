/// A growable table of plain records (no references inside) addressed by index, for a
/// model's hot state: tasks, requests, pools.
///
/// Unlike `Array`, an element access pays no copy-on-write uniqueness check: the records
/// live in a manually managed buffer that one owner object frees. The price is reference
/// semantics: a copy of the table shares its records, and growing one copy leaves the
/// other's view dangling. A model holds exactly one table per kind and never copies it
/// (the engine owns the model). Indices are checked with `precondition`.
public struct RecordTable<Record>: @unchecked Sendable {
    /// Frees the buffer when the last copy of the table goes.
    final class Owner {
        var base: UnsafeMutablePointer<Record>
        init(_ base: UnsafeMutablePointer<Record>) { self.base = base }
        deinit { base.deallocate() }
    }

    @usableFromInline var base: UnsafeMutablePointer<Record>
    /// Records in the table.
    public private(set) var count = 0
    @usableFromInline var capacity: Int
    private var owner: Owner

    /// An empty table with room for `capacity` records before it grows.
    public init(capacity: Int = 64) {
        precondition(_isPOD(Record.self), "RecordTable holds plain records only, not \(Record.self)")
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
        owner = Owner(base)
    }

    /// The record at `index`, read and modified in place.
    @inlinable
    public subscript(index: Int) -> Record {
        unsafeAddress {
            precondition(index >= 0 && index < count, "record \(index) out of 0..<\(count)")
            return UnsafePointer(base + index)
        }
        nonmutating unsafeMutableAddress {
            precondition(index >= 0 && index < count, "record \(index) out of 0..<\(count)")
            return base + index
        }
    }

    /// The record `id` names, read and modified in place: a model's typed index (`RecordIndex`)
    /// can address only the table of its own kind of record.
    @inlinable
    public subscript<ID: RecordIndex>(id: ID) -> Record where ID.Record == Record {
        unsafeAddress {
            let index = id.index
            precondition(index >= 0 && index < count, "record \(index) out of 0..<\(count)")
            return UnsafePointer(base + index)
        }
        nonmutating unsafeMutableAddress {
            let index = id.index
            precondition(index >= 0 && index < count, "record \(index) out of 0..<\(count)")
            return base + index
        }
    }

    /// Adds `record` at index `count`.
    public mutating func append(_ record: Record) {
        if count == capacity { grow(to: 2 * capacity) }
        (base + count).initialize(to: record)
        count += 1
    }

    /// Adds `n` copies of `record`.
    public mutating func append(_ record: Record, count n: Int) {
        if count + n > capacity { grow(to: max(2 * capacity, count + n)) }
        (base + count).initialize(repeating: record, count: n)
        count += n
    }

    /// Removes every record, keeping the buffer.
    public mutating func removeAll() {
        count = 0
    }

    /// Removes the first `k` records, moving the rest to the front.
    public mutating func removeFirst(_ k: Int) {
        precondition(k >= 0 && k <= count, "removeFirst(\(k)) of \(count) records")
        base.moveInitialize(from: base + k, count: count - k)  // plain records: overlap allowed
        count -= k
    }

    /// Inserts `record` at `index`, moving the records from there one place on.
    public mutating func insert(_ record: Record, at index: Int) {
        precondition(index >= 0 && index <= count, "insert at \(index) of \(count) records")
        if count == capacity { grow(to: 2 * capacity) }
        (base + index + 1).moveInitialize(from: base + index, count: count - index)
        (base + index).initialize(to: record)
        count += 1
    }

    /// Removes the record at `index`, moving the later ones one place back.
    public mutating func remove(at index: Int) {
        precondition(index >= 0 && index < count, "remove at \(index) of \(count) records")
        (base + index).moveInitialize(from: base + index + 1, count: count - index - 1)
        count -= 1
    }

    /// Indices of the records, `0..<count`.
    public var indices: Range<Int> { 0..<count }

    /// The records for which `isIncluded` holds, in index order.
    public func filter(_ isIncluded: (Record) -> Bool) -> [Record] {
        indices.compactMap { isIncluded(self[$0]) ? self[$0] : nil }
    }

    private mutating func grow(to newCapacity: Int) {
        let bigger = UnsafeMutablePointer<Record>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = bigger
        owner.base = bigger
        capacity = newCapacity
    }
}

/// A typed index into a `RecordTable` of `Record`s (a task's id, a request's...), so that an
/// index of one kind cannot address another kind's table.
public protocol RecordIndex {
    associatedtype Record
    /// The record's position in its table.
    var index: Int { get }
}
