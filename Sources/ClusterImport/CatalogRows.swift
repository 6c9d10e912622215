import Foundation

/// The answer to one `CatalogQuery`: text values by column name (nil for NULL), each row
/// with where it came from (`statements.csv:12`, or the query and row number) for messages.
public struct CatalogRows: Sendable {
    public let query: CatalogQuery
    public let rows: [[String: String]]
    public let origins: [String]

    public init(query: CatalogQuery, rows: [[String: String]], origins: [String]) {
        self.query = query
        self.rows = rows
        self.origins = origins
    }

    /// The text of `column` in row `i` (nil for NULL or an empty CSV field).
    public func text(_ i: Int, _ column: String) -> String? {
        guard let v = rows[i][column], !v.isEmpty else { return nil }
        return v
    }

    /// A number, or an error naming the row's origin, the column and the value.
    public func number(_ i: Int, _ column: String) throws -> Double? {
        guard let v = text(i, column) else { return nil }
        guard let d = Double(v), d.isFinite else {
            throw ImportError("\(origins[i]): column \(column): '\(v)' is not a number")
        }
        return d
    }

    /// A number that must be present.
    public func required(_ i: Int, _ column: String) throws -> Double {
        guard let d = try number(i, column) else { throw ImportError("\(origins[i]): column \(column) is empty; expected a number") }
        return d
    }

    /// PostgreSQL's boolean as `\copy` (`t`/`f`) or JSON (`true`/`false`) writes it.
    public func bool(_ i: Int, _ column: String) throws -> Bool? {
        switch text(i, column) {
        case nil: return nil
        case "t", "true": return true
        case "f", "false": return false
        case let v?: throw ImportError("\(origins[i]): column \(column): '\(v)' is not a boolean (t or f)")
        }
    }

    /// The rows as CSV with a header, in `columns`' order, quoted as psql's `\copy ... CSV` quotes
    /// (a field with a comma, quote, line break or edge space is quoted; NULL is empty).
    public func csv(columns: [String]) -> String {
        func field(_ v: String?) -> String {
            guard let v else { return "" }
            let needsQuotes = v.isEmpty || v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || v.first == " " || v.last == " "
            return needsQuotes ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
        }
        var out = columns.joined(separator: ",") + "\n"
        for row in rows { out += columns.map { field(row[$0]) }.joined(separator: ",") + "\n" }
        return out
    }

    /// Checks that every column the importer uses is there (an export from another query).
    func requireColumns(_ names: [String], header: [String], file: String) throws {
        let missing = names.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw ImportError("\(file): missing column(s) \(missing.joined(separator: ", ")); export it with the query `citus-sim import --psql-script` prints")
        }
    }
}

/// An import problem: one line, naming the file, row and column or the connection (redacted).
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where catalog rows come from: a live server or a directory of psql exports.
public protocol CatalogSource: Sendable {
    /// What the import reads from, for messages and the scenario's comments (redacted).
    var label: String { get }
    /// The rows of `query`, or why they are unavailable (a missing view, extension or
    /// permission: the import warns and goes on). Malformed exports throw.
    func read(_ query: CatalogQuery) async throws -> Result<CatalogRows, CatalogUnavailable>
}

/// Why a query gave no rows: the message the server or the file system gave.
public struct CatalogUnavailable: Error, Sendable {
    public var reason: String
}
