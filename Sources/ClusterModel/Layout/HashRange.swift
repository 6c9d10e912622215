/// An inclusive range of int32 hash tokens owned by one shard (`shardminvalue`..`shardmaxvalue`).
public struct HashRange: Hashable, Sendable, CustomStringConvertible {
    public var min: Int32
    public var max: Int32

    public init(min: Int32, max: Int32) {
        precondition(min <= max, "empty hash range [\(min), \(max)]")
        self.min = min
        self.max = max
    }

    public func contains(_ hash: Int32) -> Bool { hash >= min && hash <= max }
    public var description: String { "[\(min), \(max)]" }

    /// Number of hash tokens in the range.
    public var tokenCount: Int64 { Int64(max) - Int64(min) + 1 }

    /// The uniform split of the int32 hash space into `shardCount` ranges (FACTS A.2):
    /// width floor(2^32 / N); the last range ends at 2^31 − 1 and absorbs the remainder.
    public static func uniform(shardCount n: Int) -> [HashRange] {
        precondition(n >= 1 && n <= 64_000, "shard count \(n) outside 1...64000")
        let increment = Int64((UInt64(1) << 32) / UInt64(n))
        return (0..<n).map { i in
            let min = Int64(Int32.min) + Int64(i) * increment
            let max = i == n - 1 ? Int64(Int32.max) : min + increment - 1
            return HashRange(min: Int32(min), max: Int32(max))
        }
    }

    /// The uniform index of `hash` among `shardCount` shards (Citus's
    /// `CalculateUniformHashRangeIndex`).
    public static func uniformIndex(of hash: Int32, shardCount n: Int) -> Int {
        let increment = Int64((UInt64(1) << 32) / UInt64(n))
        let index = Int((Int64(hash) - Int64(Int32.min)) / increment)
        return Swift.min(index, n - 1)
    }
}

/// The sorted hash ranges of one table, answering "which shard holds this hash?".
///
/// When the ranges are exactly the uniform layout, the index is computed directly (Citus's
/// fast path); after splits or isolation it is a binary search over the sorted ranges.
public struct ShardIntervalIndex: Sendable {
    /// Ranges sorted by min.
    public let ranges: [HashRange]
    /// True when `ranges` equals `HashRange.uniform(shardCount: ranges.count)`.
    public let isUniform: Bool

    /// Builds the index; throws if the ranges overlap or leave part of the hash space uncovered.
    public init(ranges unsorted: [HashRange]) throws {
        let sorted = unsorted.sorted { $0.min < $1.min }
        guard let first = sorted.first else { throw LayoutError("a hash-distributed table needs at least one shard range") }
        guard first.min == Int32.min else { throw LayoutError("hash ranges start at \(first.min), not at \(Int32.min): values hashing below it have no shard") }
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            if b.min <= a.max { throw LayoutError("hash ranges \(a) and \(b) overlap") }
            if Int64(b.min) != Int64(a.max) + 1 { throw LayoutError("gap between hash ranges \(a) and \(b)") }
        }
        guard sorted.last!.max == Int32.max else { throw LayoutError("hash ranges end at \(sorted.last!.max), not at \(Int32.max)") }
        ranges = sorted
        isUniform = sorted == HashRange.uniform(shardCount: sorted.count)
    }

    /// The index (into `ranges`) of the shard holding `hash`.
    public func index(of hash: Int32) -> Int {
        if isUniform { return HashRange.uniformIndex(of: hash, shardCount: ranges.count) }
        var lo = 0, hi = ranges.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if ranges[mid].min <= hash { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }
}

/// An invalid shard layout.
public struct LayoutError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
