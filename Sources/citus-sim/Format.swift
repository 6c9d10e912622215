/// Locale-independent number formatting for terminal output.
enum Format {
    /// `value` with exactly `digits` digits after the point.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = scaled / scale
        let intPart = Int64(whole.rounded(.down))
        var frac = String(Int64(scaled - Double(intPart) * scale))
        while frac.count < digits { frac = "0" + frac }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        return digits == 0 ? sign + String(intPart) : sign + String(intPart) + "." + frac
    }
}
