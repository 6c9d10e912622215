import TextFormat

/// Builds RFC 4180 CSV text in memory: a header row, CRLF-free `\n` line ends, fields
/// quoted when they hold a comma, quote, CR or LF, quotes doubled.
///
/// Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`,
/// `@`, tab or CR) get a leading `'` (OWASP's CSV-injection advice); numeric cells are
/// written by `NumberFormat` and never neutralised, so `-3.5` stays a number.
public struct CSVWriter {
    public private(set) var text = ""
    public let columns: [String]

    /// Starts a CSV with the header row `columns`.
    public init(columns: [String]) {
        self.columns = columns
        appendRow(columns.map(CSVWriter.Cell.text))
    }

    /// One cell: text (escaped and neutralised) or a number (fixed digits).
    public enum Cell {
        case text(String)
        case number(Double, digits: Int)
        case integer(Int64)
    }

    /// Appends a row; precondition: one cell per column.
    public mutating func appendRow(_ cells: [Cell]) {
        precondition(cells.count == columns.count, "CSV row has \(cells.count) cells for \(columns.count) columns")
        text += cells.map(CSVWriter.render).joined(separator: ",")
        text += "\n"
    }

    static func render(_ cell: Cell) -> String {
        switch cell {
        case .number(let v, let digits): return NumberFormat.fixed(v, digits)
        case .integer(let i): return String(i)
        case .text(let s): return escape(neutralise(s))
        }
    }

    /// Prefixes `'` to text a spreadsheet would read as a formula.
    public static func neutralise(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first) ? "'" + s : s
    }

    /// Quotes a field per RFC 4180 when needed.
    public static func escape(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
