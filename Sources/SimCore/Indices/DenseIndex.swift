/// A typed index: an `Int32` that addresses only its own kind of thing (a
/// worker, a CPU/disk server, a tenant, a shard of a table, a shard group, a transfer, a client
/// session), dense from 0, with −1 as its `none`.
/// Per-kind arrays are read with `index`; tests may write the numbers as literals.
public protocol DenseIndex: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible
    where IntegerLiteralType == Int32 {
    var raw: Int32 { get }
    init(_ raw: Int32)
}

extension DenseIndex {
    @inlinable @inline(__always) public init(_ index: Int) { self.init(Int32(index)) }
    @inlinable public init(integerLiteral value: Int32) { self.init(value) }
    /// The position in per-kind arrays.
    @inlinable @inline(__always) public var index: Int { Int(raw) }
    /// Nothing of this kind (−1).
    @inlinable @inline(__always) public static var none: Self { Self(Int32(-1)) }
    public var description: String { "\(raw)" }
}

/// The typed indices that loops run over (workers, shards, tenants) step by `Int`, so
/// `WorkerIndex.all(n)` and `ShardIndex(0)..<ShardIndex(n)` are ranges of them.
extension DenseIndex where Self: Strideable, Stride == Int {
    @inlinable @inline(__always) public func distance(to other: Self) -> Int { Int(other.raw) - Int(raw) }
    @inlinable @inline(__always) public func advanced(by n: Int) -> Self { Self(raw + Int32(n)) }
    @inlinable @inline(__always) public static func < (a: Self, b: Self) -> Bool { a.raw < b.raw }
    /// 0..<count, for a loop over every one.
    @inlinable public static func all(_ count: Int) -> Range<Self> { Self(0)..<Self(count) }
}
