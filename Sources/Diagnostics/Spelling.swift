/// The closest known name to a misspelt one, by edit distance.
public enum Spelling {
    /// The candidate nearest `word` within a third of its length (at least 2 edits), nil if none.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        var best: (distance: Int, name: String)?
        for c in candidates {
            let d = distance(Array(word), Array(c))
            if d <= limit, best.map({ d < $0.distance }) ?? true { best = (d, c) }
        }
        return best?.name
    }

    /// Levenshtein distance (insertions, deletions, substitutions).
    public static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
