import Diagnostics

/// Durations as scenario files write them: a number and a unit, `us`, `ms`, `s`, `m` or `h`.
public enum DurationText {
    static let units: [(suffix: String, seconds: Double)] = [("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3_600)]

    /// Seconds for `text` (e.g. `250ms` → 0.25), or nil if it has no valid unit or number.
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingSpaces
        // Longest suffix first so `ms` is not read as `s`, `us` not as `s`.
        for unit in units.sorted(by: { $0.suffix.count > $1.suffix.count }) where t.hasSuffix(unit.suffix) {
            let number = String(t.dropLast(unit.suffix.count)).trimmingSpaces.replacingUnderscores
            guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
            let seconds = value * unit.seconds
            return seconds < 9e12 ? seconds : nil
        }
        return nil
    }
}
