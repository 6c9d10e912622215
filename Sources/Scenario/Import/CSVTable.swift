import CSV
import Diagnostics
import Foundation

/// A CSV file read with CSV.swift, with each record's starting line, and the checks the
/// lenient parser leaves out: an unterminated quote and rows whose field count differs
/// from the header's are errors naming the line.
public struct CSVTable {
    public struct Record {
        /// 1-based line where the record starts.
        public var line: Int
        public var fields: [String]
    }

    public let file: String
    public let header: [String]
    public let records: [Record]

    /// Reads `path`; throws an `InputError` locating the first problem.
    public static func read(path: String) throws -> CSVTable {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error, message: "cannot read the file (missing or not readable)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error, message: "the file is not UTF-8 text")])
        }
        return try parse(text, file: path)
    }

    /// Parses CSV text with a header row.
    public static func parse(_ raw: String, file: String) throws -> CSVTable {
        func fail(_ line: Int, _ message: String) -> InputError {
            InputError(findings: [Finding(file: file, line: line, column: 0, severity: .error, message: message)])
        }
        var text = raw
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let secondLine = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).dropFirst().first ?? ""
        // psql's aligned output (`SELECT * FROM ...` without \copy): a header with ` | ` and a rule.
        if firstLine.contains("|") && !firstLine.contains(",") && !secondLine.isEmpty && secondLine.allSatisfy({ "-+ \r".contains($0) }) {
            throw fail(1, "this is psql's aligned table output, not CSV; export with \\copy (SELECT * FROM pg_dist_node) TO 'nodes.csv' CSV HEADER (or run psql with --csv)")
        }
        // `\copy ... TO 'file'` without CSV writes PostgreSQL's text format: tab-separated, \N for NULL.
        if firstLine.contains("\t") && !firstLine.contains(",") { return try parseText(text, file: file) }
        if let open = unterminatedQuoteLine(text) {
            throw fail(open, "a quoted field starting on this line is never closed (a `\"` is missing)")
        }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: false) } catch { throw fail(1, "not CSV: \(error)") }
        var rows: [Record] = []
        var line = 1
        while let fields = reader.next() {
            let embedded = fields.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 == "\n" || $1 == "\r\n" || $1 == "\r" ? 1 : 0) } }
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Record(line: line, fields: fields)) }
            line += 1 + embedded
        }
        guard let header = rows.first else { throw fail(1, "the file is empty; expected a header row") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for r in rows.dropFirst() where r.fields.count != names.count {
            throw fail(r.line, "this row has \(r.fields.count) fields but the header has \(names.count)")
        }
        return CSVTable(file: file, header: names, records: Array(rows.dropFirst()))
    }

    /// PostgreSQL's COPY text format with a header row: fields split by tabs, `\N` for NULL
    /// (read as empty), backslash escapes `\t`, `\n`, `\r`, `\\`.
    static func parseText(_ text: String, file: String) throws -> CSVTable {
        func unescape(_ field: Substring) -> String {
            if field == "\\N" { return "" }
            var out = "", escaped = false
            for c in field {
                if escaped {
                    switch c {
                    case "t": out.append("\t")
                    case "n": out.append("\n")
                    case "r": out.append("\r")
                    default: out.append(c)
                    }
                    escaped = false
                } else if c == "\\" { escaped = true } else { out.append(c) }
            }
            return out
        }
        var rows: [Record] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let body = line.hasSuffix("\r") ? line.dropLast() : line[...]
            if body.isEmpty { continue }
            rows.append(Record(line: n + 1, fields: body.split(separator: "\t", omittingEmptySubsequences: false).map(unescape)))
        }
        guard let header = rows.first else { throw InputError(findings: [Finding(file: file, line: 1, column: 0, severity: .error, message: "the file is empty; expected a header row")]) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for r in rows.dropFirst() where r.fields.count != names.count {
            throw InputError(findings: [Finding(file: file, line: r.line, column: 0, severity: .error,
                                                message: "this row has \(r.fields.count) tab-separated fields but the header has \(names.count)")])
        }
        return CSVTable(file: file, header: names, records: Array(rows.dropFirst()))
    }

    /// The line where an unclosed quoted field opens, or nil if quotes balance (RFC 4180:
    /// a field is quoted if it starts with `"`; inside, `""` is a literal quote).
    static func unterminatedQuoteLine(_ text: String) -> Int? {
        var line = 1, openedAt = 0
        var inQuotes = false, atFieldStart = true
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        while let c = pending ?? scalars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    let next = scalars.next()
                    if next == "\"" { continue }
                    inQuotes = false
                    pending = next
                } else if c == "\n" { line += 1 }
                continue
            }
            switch c {
            case "\"" where atFieldStart: inQuotes = true; openedAt = line; atFieldStart = false
            case ",": atFieldStart = true
            case "\n": line += 1; atFieldStart = true
            case "\r": atFieldStart = true
            default: atFieldStart = false
            }
        }
        return inQuotes ? openedAt : nil
    }

    /// The index of column `name`, if present.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}
