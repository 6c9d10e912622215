/// Locale-independent, fixed-precision number text for every output (STYLE: print with
/// fixed precision, so output bytes do not depend on the platform's float printing).
public enum NumberFormat {
    /// `value` with exactly `digits` digits after the point (`nan`, `inf`, `-inf` as such).
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        precondition(digits >= 0 && digits <= 15)
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let units = UInt64(scaled)
        let factor = UInt64(scale)
        let intPart = units / factor
        var frac = String(units % factor)
        while frac.count < digits { frac = "0" + frac }
        let sign = value < 0 && units != 0 ? "-" : ""
        return digits == 0 ? sign + String(intPart) : sign + String(intPart) + "." + frac
    }
}
