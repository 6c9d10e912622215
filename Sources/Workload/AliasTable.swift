import SimCore

/// Walker's alias method over arbitrary non-negative weights: O(1) draws of an index.
public struct AliasTable: Sendable {
    /// Per index: the probability of keeping it, and its alias; one array, so a draw
    /// touches one cache line (tables of 100,000 tenants do not fit in the cache).
    private let entries: [(probability: Double, alias: UInt32)]

    /// Throws if there are no weights, a weight is negative or not finite, or all are 0.
    public init(weights: [Double]) throws {
        let n = weights.count
        guard n > 0 else { throw ParameterError(parameter: "weights", value: "[]", expected: "at least one weight") }
        if let bad = weights.first(where: { !$0.isFinite || $0 < 0 }) {
            throw ParameterError(parameter: "weights", value: "\(bad)", expected: "finite weights >= 0")
        }
        let total = weights.reduce(0, +)
        guard total > 0 else { throw ParameterError(parameter: "weights", value: "all 0", expected: "a positive total") }
        var scaled = weights.map { $0 / total * Double(n) }
        var small: [Int] = [], large: [Int] = []
        for i in stride(from: n - 1, through: 0, by: -1) { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        var probability = [Double](repeating: 1, count: n)
        var alias = (0..<n).map { UInt32($0) }
        while let s = small.popLast() {
            guard let l = large.popLast() else { break }
            probability[s] = scaled[s]
            alias[s] = UInt32(l)
            scaled[l] = (scaled[l] + scaled[s]) - 1
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        entries = (0..<n).map { (probability[$0], alias[$0]) }
    }

    /// An index in 0..<count.
    @inline(__always)
    public func sample(_ stream: RandomStream) -> Int {
        sample(uniform: stream.uniform())
    }

    /// The index a uniform draw `uniform` in [0, 1) selects (`sample(_:)` with the draw
    /// made by the caller, who may draw it ahead and `prefetch` its entry).
    @inline(__always)
    public func sample(uniform: Double) -> Int {
        let n = entries.count
        let u = uniform * Double(n)
        let i = min(Int(u), n - 1)
        let e = entries[i]
        return (u - Double(i)) < e.probability ? i : Int(e.alias)
    }

    /// Starts fetching the entry `sample(uniform: uniform)` will read: a table of 100,000
    /// tenants does not fit in the cache, and its entries are read at random.
    @inline(__always)
    public func prefetch(uniform: Double) {
        Prefetch.read(entries, at: min(Int(uniform * Double(entries.count)), entries.count - 1))
    }
}
