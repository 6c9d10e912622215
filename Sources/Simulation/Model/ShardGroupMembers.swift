/// The shards of each dense shard group (`ClusterSimulation.shardGroupFlat`) as (scenario
/// table, shard index) pairs in table then shard order, so that a move touches its group's
/// shards instead of scanning every shard (CSR: group g's members are
/// `members[start[g] ..< start[g + 1]]`).
struct ShardGroupMembers {
    private var start: [Int] = [0]
    private var members: [(table: Int, shard: Int)] = []

    init() {}

    /// `groupOfFlat[f]`: the group of flat shard f (−1: none); `shardOffset[t]`: table t's first flat index.
    init(groupOfFlat: [Int32], shardOffset: [Int], groups: Int) {
        var count = [Int](repeating: 0, count: groups + 1)
        for g in groupOfFlat where g >= 0 { count[Int(g) + 1] += 1 }
        for g in 0..<groups { count[g + 1] += count[g] }
        start = count
        members = Array(repeating: (0, 0), count: count[groups])
        var next = count
        var t = 0
        for (f, g) in groupOfFlat.enumerated() where g >= 0 {
            while t + 1 < shardOffset.count && shardOffset[t + 1] <= f { t += 1 }
            members[next[Int(g)]] = (t, f - shardOffset[t])
            next[Int(g)] += 1
        }
    }

    /// Members of group `g`, in table then shard order (empty for an unknown group).
    subscript(g: Int32) -> ArraySlice<(table: Int, shard: Int)> {
        g >= 0 && Int(g) + 1 < start.count ? members[start[Int(g)]..<start[Int(g) + 1]] : []
    }
}
