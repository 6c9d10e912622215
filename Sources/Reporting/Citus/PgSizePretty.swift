/// PostgreSQL 15's `pg_size_pretty(bigint)` (`utils/adt/dbsize.c`): bytes below 10 kB, then
/// kB, MB, GB, TB and PB, each used below 20 × 1024 − 0.5 of it, rounded half away from zero.
public enum PgSizePretty {
    /// (unit, limit below which it is used, rounded, bits of its divisor).
    private static let units: [(name: String, limit: Int64, round: Bool, bits: Int)] = [
        ("bytes", 10 * 1024, false, 0), ("kB", 20 * 1024 - 1, true, 10), ("MB", 20 * 1024 - 1, true, 20),
        ("GB", 20 * 1024 - 1, true, 30), ("TB", 20 * 1024 - 1, true, 40), ("PB", 20 * 1024 - 1, true, 50),
    ]

    public static func text(_ bytes: Int64) -> String {
        var size = bytes
        for (i, unit) in units.enumerated() {
            if i == units.count - 1 || size.magnitude < unit.limit.magnitude {
                if unit.round { size = (size + (size < 0 ? -1 : 1)) / 2 }
                return "\(size) \(unit.name)"
            }
            // One bit fewer when the next unit rounds (it halves), one more when this one did.
            let next = units[i + 1]
            size /= Int64(1) << (next.bits - unit.bits - (next.round ? 1 : 0) + (unit.round ? 1 : 0))
        }
        return "\(size) bytes"
    }
}
