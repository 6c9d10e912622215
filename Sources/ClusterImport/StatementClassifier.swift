/// Reads a normalised statement text from pg_stat_statements (`$1` for constants) far enough
/// to place it in a query class: its command, the tables it names, and whether it pins the
/// distribution column of a distributed table to one value (a router query in Citus).
///
/// A heuristic over tokens, not a SQL parser: CTEs and subqueries count every table they
/// name; `col = $n`, `col = const` and `col IN ($n)` pin a column; an `INSERT ... VALUES` naming
/// the column (or all columns) is routed. What it cannot place is reported, never guessed.
public struct StatementClassifier: Sendable {
    public enum Command: String, Sendable { case select, insert, update, delete }

    public struct Reading: Sendable, Equatable {
        public var command: Command
        /// Tables named after FROM, JOIN, UPDATE, INTO (schema `public.` dropped), in order.
        public var tables: [String]
        /// Columns pinned to one value (`col = $1`), lower-case, without a table prefix.
        public var pinnedColumns: Set<String>
        /// `INSERT ... SELECT`.
        public var insertSelect: Bool
        /// An `INSERT` listing these columns (empty: all, in table order).
        public var insertColumns: [String]
    }

    public init() {}

    /// nil for statements that are not a SELECT, INSERT, UPDATE or DELETE (BEGIN, SET, ...).
    public func read(_ query: String) -> Reading? {
        let tokens = Self.tokens(query)
        // WITH ... AS (...) main: the command is the first top-level DML keyword after the CTEs.
        var command: Command?
        var depth = 0
        for (k, t) in tokens.enumerated() {
            if t == "(" { depth += 1 } else if t == ")" { depth -= 1 }
            if depth == 0, let c = Command(rawValue: t) { command = c; break }
            if k == 0 && t != "with" { break }
        }
        guard let command else { return nil }
        var tables: [String] = [], pinned = Set<String>(), insertColumns: [String] = []
        var insertSelect = false
        let stop: Set<String> = ["where", "group", "order", "limit", "on", "using", "set", "values", "returning", "having", "union", "join",
                                 "inner", "left", "right", "full", "cross", "natural", "lateral", "(", ")", "select", "window", "for", "offset"]
        var k = 0
        while k < tokens.count {
            let t = tokens[k]
            switch t {
            case "from", "join", "update", "into":
                // a list of tables after FROM (`FROM a, b x`), one after the others
                var j = k + 1
                func isName(_ j: Int) -> Bool {
                    j < tokens.count && !stop.contains(tokens[j]) && tokens[j] != "," && (tokens[j].first?.isLetter == true || tokens[j].first == "_" || tokens[j].first == "\"")
                }
                while true {
                    if j < tokens.count, tokens[j] == "only" { j += 1 }
                    guard isName(j) else { break }
                    tables.append(Self.tableName(tokens[j]))
                    j += 1
                    if j < tokens.count, tokens[j] == "as" { j += 2 } else if t != "into", isName(j) { j += 1 }  // an alias
                    guard t == "from", j < tokens.count, tokens[j] == "," else { break }
                    j += 1
                }
                if t == "into", j < tokens.count, tokens[j] == "(" {
                    var m = j + 1
                    while m < tokens.count, tokens[m] != ")" { if tokens[m] != "," { insertColumns.append(Self.column(tokens[m])) }; m += 1 }
                    j = m + 1
                }
                if t == "into", j < tokens.count, tokens[j] == "select" || tokens[j] == "with" { insertSelect = true }
                k = max(j, k + 1)
                continue
            case "=":
                if k > 0, k + 1 < tokens.count, Self.isValue(tokens[k + 1]) { pinned.insert(Self.column(tokens[k - 1])) }
                if k > 0, k + 1 < tokens.count, Self.isValue(tokens[k - 1]) { pinned.insert(Self.column(tokens[k + 1])) }
            case "in":
                // col IN ($1): one value pins it; IN ($1, $2) does not
                if k > 0, k + 3 < tokens.count, tokens[k + 1] == "(", Self.isValue(tokens[k + 2]), tokens[k + 3] == ")" {
                    pinned.insert(Self.column(tokens[k - 1]))
                }
            default: break
            }
            k += 1
        }
        if command == .insert, tokens.contains("select") { insertSelect = true }
        return Reading(command: command, tables: tables, pinnedColumns: pinned, insertSelect: insertSelect, insertColumns: insertColumns)
    }

    /// Tokens, lower-cased outside double quotes: words (with dots: `public.t`, `a.col`), `$n`, numbers, quoted
    /// strings as `'`, and single punctuation characters.
    static func tokens(_ query: String) -> [String] {
        var out: [String] = [], word = ""
        // Lower-case outside double quotes (a quoted identifier keeps its case, as in PostgreSQL).
        var quoted = false
        var chars = query.map { c -> Character in
            if c == "\"" { quoted.toggle() }
            return quoted ? c : Character(c.lowercased())
        }
        var i = 0
        func flush() { if !word.isEmpty { out.append(word); word = "" } }
        while i < chars.count {
            let c = chars[i]
            if c == "'" {  // a string literal is one value token
                flush()
                i += 1
                while i < chars.count { if chars[i] == "'" { if i + 1 < chars.count, chars[i + 1] == "'" { i += 2; continue }; break }; i += 1 }
                out.append("'")
            } else if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                flush()
                while i < chars.count, chars[i] != "\n" { i += 1 }
            } else if c.isLetter || c.isNumber || c == "_" || c == "." || c == "$" || c == "\"" {
                word.append(c)
            } else if c.isWhitespace {
                flush()
            } else {
                flush()
                out.append(String(c))
            }
            i += 1
        }
        flush()
        chars = []
        return out
    }

    static func isValue(_ t: String) -> Bool { t.hasPrefix("$") || t == "'" || t.first?.isNumber == true }
    static func column(_ t: String) -> String { String(t.split(separator: ".").last ?? Substring(t)).replacingQuotes() }
    static func tableName(_ t: String) -> String {
        let parts = t.split(separator: ".").map { String($0).replacingQuotes() }
        return parts.count == 2 && parts[0] == "public" ? parts[1] : parts.joined(separator: ".")
    }
}

extension String {
    fileprivate func replacingQuotes() -> String { filter { $0 != "\"" } }
}
