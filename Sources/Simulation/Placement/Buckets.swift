import SimCore

/// Elements grouped by a dense bucket number, each bucket's elements in the order given
/// (compressed sparse rows: bucket b holds `elements[start[b] ..< start[b + 1]]`). The
/// simulation's indexes from a shard group to its shards and from a shard to its tenants, so
/// that a move touches only what it moves.
struct Buckets<Element> {
    private var start: [Int] = [0]
    private var elements: [Element] = []

    init() {}

    /// `items` in order; a bucket outside 0..<count is left out.
    init(count: Int, _ items: some Sequence<(bucket: Int, element: Element)>) {
        var buckets = [[Element]](repeating: [], count: count)
        for (b, e) in items where (0..<count).contains(b) { buckets[b].append(e) }
        var start = [0]
        start.reserveCapacity(count + 1)
        for b in buckets { start.append(start[start.count - 1] + b.count) }
        self.start = start
        elements = buckets.flatMap { $0 }
    }

    /// Elements of bucket `b`, in the order given (empty for an unknown bucket).
    subscript(b: Int) -> ArraySlice<Element> {
        b >= 0 && b + 1 < start.count ? elements[start[b]..<start[b + 1]] : []
    }
}
