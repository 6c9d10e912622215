/// The type of a table's distribution column, which decides its hash function.
public enum DistributionColumnType: String, Sendable, CaseIterable, Hashable {
    case smallint, integer, bigint, text, varchar, bpchar, uuid, date

    /// Parses the names PostgreSQL and users write (`int4`, `int`, `character varying`...).
    public init?(sqlName: String) {
        switch sqlName.lowercased() {
        case "smallint", "int2": self = .smallint
        case "integer", "int", "int4": self = .integer
        case "bigint", "int8": self = .bigint
        case "text": self = .text
        case "varchar", "character varying": self = .varchar
        case "bpchar", "char", "character": self = .bpchar
        case "uuid": self = .uuid
        case "date": self = .date
        default: return nil
        }
    }

    /// Parses `text` as a value of this type; nil with a reason if it is not one.
    public func parse(_ text: String) -> Result<DistributionValue, ValueError> {
        switch self {
        case .smallint, .integer, .bigint:
            guard let v = Int64(text.trimmingASCIISpaces) else { return .failure(ValueError("`\(text)` is not an integer")) }
            let (lo, hi): (Int64, Int64) = self == .smallint ? (Int64(Int16.min), Int64(Int16.max))
                : self == .integer ? (Int64(Int32.min), Int64(Int32.max)) : (Int64.min, Int64.max)
            guard v >= lo && v <= hi else { return .failure(ValueError("`\(text)` is out of range for type \(rawValue) (\(lo)...\(hi))")) }
            return .success(.integer(v))
        case .text, .varchar: return .success(.text(text))
        case .bpchar: return .success(.bpchar(text))
        case .uuid:
            guard let bytes = UUIDText.bytes(text) else { return .failure(ValueError("`\(text)` is not a uuid (expected 32 hex digits, optionally with dashes)")) }
            return .success(.uuid(bytes))
        case .date:
            guard let days = DateText.daysSince2000(text) else { return .failure(ValueError("`\(text)` is not a date (expected YYYY-MM-DD)")) }
            return .success(.date(daysSince2000: days))
        }
    }

    /// Whether two columns of these types could be colocated (same hash function).
    public var hashFamily: String {
        switch self {
        case .smallint, .integer, .bigint: return "integer"
        case .text, .varchar: return "text"
        default: return rawValue
        }
    }
}

/// A value that cannot be read as the distribution column's type.
public struct ValueError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A distribution-column value.
public enum DistributionValue: Hashable, Sendable {
    case integer(Int64)
    case text(String)
    case bpchar(String)
    case uuid([UInt8])
    case date(daysSince2000: Int32)

    /// The hash Citus computes for this value (`worker_hash`), given the column type.
    public func hash(as type: DistributionColumnType) -> Int32 {
        switch (self, type) {
        case (.integer(let v), .bigint): return PostgresHash.hashInt8(v)
        case (.integer(let v), _): return PostgresHash.hashInt4(Int32(truncatingIfNeeded: v))
        case (.text(let s), _): return PostgresHash.hashText(s)
        case (.bpchar(let s), _): return PostgresHash.hashBPChar(s)
        case (.uuid(let b), _): return PostgresHash.hashUUID(b)
        case (.date(let d), _): return PostgresHash.hashDate(daysSince2000: d)
        }
    }
}

enum UUIDText {
    static func bytes(_ text: String) -> [UInt8]? {
        var s = Substring(text.trimmingASCIISpaces)
        if s.hasPrefix("{") && s.hasSuffix("}") { s = s.dropFirst().dropLast() }
        let hex = s.filter { $0 != "-" }
        guard hex.count == 32 else { return nil }
        var out: [UInt8] = []
        var it = hex.makeIterator()
        while let h = it.next(), let l = it.next() {
            guard let hv = h.hexDigitValue, let lv = l.hexDigitValue else { return nil }
            out.append(UInt8(hv << 4 | lv))
        }
        return out
    }
}

enum DateText {
    /// Days from 2000-01-01 to `YYYY-MM-DD` (proleptic Gregorian), as PostgreSQL stores dates.
    static func daysSince2000(_ text: String) -> Int32? {
        let parts = text.trimmingASCIISpaces.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= daysInMonth(y, m) else { return nil }
        return Int32(julianDay(y, m, d) - julianDay(2000, 1, 1))
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    static func daysInMonth(_ y: Int, _ m: Int) -> Int { [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] }

    /// PostgreSQL's date2j (Fliegel–Van Flandern).
    static func julianDay(_ year: Int, _ month: Int, _ day: Int) -> Int {
        var y = year, m = month
        if m > 2 { m += 1; y += 4800 } else { m += 13; y += 4799 }
        let century = y / 100
        var julian = y * 365 - 32167
        julian += y / 4 - century + century / 4
        julian += 7834 * m / 256 + day
        return julian
    }
}

extension String {
    var trimmingASCIISpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
