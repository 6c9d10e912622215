import Diagnostics

/// Parses a runbook of Citus statements as the Citus documentation writes them.
///
/// Supported: `SELECT [* FROM | 1 FROM] [pg_catalog.]function(args)`, `CALL function(args)`,
/// `SET [SESSION|LOCAL] name {=|TO} value`, `ALTER SYSTEM SET name {=|TO} value`,
/// `CREATE SCHEMA [IF NOT EXISTS] name`, `CREATE TABLE name (column type, ...)`,
/// `ALTER TABLE name REPLICA IDENTITY ...`,
/// `ALTER TABLE name ADD PRIMARY KEY (...)`, `BEGIN`, `COMMIT`, `ROLLBACK`. Arguments are
/// strings, numbers, booleans, NULL and `ARRAY[...]`, positional or named (`:=`, `=>`);
/// casts (`'{1,2}'::int[]`) are accepted and dropped. Anything else is an error naming
/// the statement and its line.
public enum SQLRunbookParser {
    public static func parse(_ text: String, file: String) throws -> [SQLStatement] {
        // psql meta-commands (a line starting with `\`: \set, \timing, \echo...) are psql's, not
        // the server's: each becomes a passed-over statement, its line blanked for the lexer.
        var meta: [SQLStatement] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (n, line) in lines.enumerated() {
            let body = line.drop { $0 == " " || $0 == "\t" }
            guard body.hasPrefix("\\") else { continue }
            let command = body.prefix { $0 != " " && $0 != "\t" && $0 != "\r" }
            meta.append(SQLStatement(kind: .passedOver(reason: "psql meta-command \(command) (psql's, not Citus's)"), line: n + 1, column: line.count - body.count + 1))
            lines[n] = String(repeating: " ", count: line.count)
        }
        let tokens: [SQLToken]
        do { tokens = try SQLLexer.tokens(meta.isEmpty ? text : lines.joined(separator: "\n")) } catch let e as SQLLexer.LexError {
            throw InputError(findings: [Finding(file: file, line: e.line, column: e.column, severity: .error, message: e.message)])
        }
        var parser = Parser(tokens: tokens, file: file)
        var statements: [SQLStatement] = []
        while !parser.atEnd {
            if parser.take(symbol: ";") { continue }
            statements.append(try parser.statement())
        }
        guard !meta.isEmpty else { return statements }
        return (statements + meta).enumerated().sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }.map(\.element)
    }

    struct Parser {
        let tokens: [SQLToken]
        let file: String
        var i = 0

        var atEnd: Bool { i >= tokens.count }
        var current: SQLToken? { atEnd ? nil : tokens[i] }

        func error(_ token: SQLToken?, _ message: String) -> InputError {
            let t = token ?? tokens.last
            return InputError(findings: [Finding(file: file, line: t?.line ?? 0, column: t?.column ?? 0, severity: .error, message: message)])
        }

        mutating func take(symbol: String) -> Bool {
            if case .symbol(symbol)? = current?.kind { i += 1; return true }
            return false
        }

        mutating func take(keyword: String) -> Bool {
            if case .identifier(keyword)? = current?.kind { i += 1; return true }
            return false
        }

        mutating func expect(symbol: String, _ context: String) throws {
            guard take(symbol: symbol) else { throw error(current, "expected `\(symbol)` \(context)") }
        }

        mutating func identifier(_ context: String) throws -> String {
            guard case .identifier(let name)? = current?.kind else { throw error(current, "expected \(context)") }
            i += 1
            var full = name
            while take(symbol: ".") {
                guard case .identifier(let part)? = current?.kind else { throw error(current, "expected a name after `.`") }
                i += 1
                full += "." + part
            }
            return full
        }

        /// The text of the statement starting at `start`, for error messages.
        func excerpt(from start: Int) -> String {
            var words: [String] = []
            var j = start
            while j < tokens.count, words.count < 6 {
                if case .symbol(";") = tokens[j].kind { break }
                switch tokens[j].kind {
                case .identifier(let s): words.append(tokens[j].text.isEmpty ? s : tokens[j].text)
                case .number(let s), .symbol(let s): words.append(s)
                case .string(let s): words.append("'\(s)'")
                }
                j += 1
            }
            return words.joined(separator: " ")
        }

        mutating func statement() throws -> SQLStatement {
            let start = i
            let first = tokens[i]
            func done(_ kind: SQLStatement.Kind) throws -> SQLStatement {
                guard atEnd || take(symbol: ";") else { throw error(current, "expected `;` after the statement that starts on line \(first.line)") }
                return SQLStatement(kind: kind, line: first.line, column: first.column)
            }
            func unsupported() -> InputError {
                error(first, "unsupported statement `\(excerpt(from: start))`; supported: SELECT/CALL of Citus functions, SET, ALTER SYSTEM SET, CREATE SCHEMA, CREATE TABLE, ALTER TABLE ... REPLICA IDENTITY / ADD PRIMARY KEY, BEGIN, COMMIT, ROLLBACK")
            }
            switch first.kind {
            case .identifier("select") where readOnlyRelation(from: i) != nil:
                // `SELECT ... FROM citus_shards ...`: a read of a view or table changes nothing.
                let relation = readOnlyRelation(from: i)!
                skipToStatementEnd()
                return try done(.passedOver(reason: "a read-only query of \(relation)"))
            case .identifier("select"), .identifier("call"):
                i += 1
                if take(symbol: "*") {
                    guard take(keyword: "from") else { throw error(current, "expected `FROM` after `SELECT *`") }
                } else if case .number? = current?.kind, i + 1 < tokens.count, tokens[i + 1].kind == .identifier("from") {
                    i += 2  // `SELECT 1 FROM f(...)`, as Citus's tests and docs call set-returning functions
                }
                var name = try identifier("a function name")
                if name.hasPrefix("pg_catalog.") { name = String(name.dropFirst(11)) }
                let args = try arguments()
                return try done(.call(function: name, arguments: args))
            case .identifier("set"):
                i += 1
                _ = take(keyword: "session") || take(keyword: "local")
                return try done(try setting(system: false))
            case .identifier("alter"):
                i += 1
                if take(keyword: "database") {
                    // ALTER DATABASE name SET x = v: the default of new sessions, as the docs set
                    // statement_timeout; RESET and other forms are not modelled.
                    _ = try identifier("a database name")
                    guard take(keyword: "set") else { throw unsupported() }
                    guard case .set(let name, let value, _) = try setting(system: false) else { throw unsupported() }
                    return try done(.setDatabaseDefault(name: name, value: value))
                }
                if take(keyword: "system") {
                    guard take(keyword: "set") else { throw unsupported() }
                    return try done(try setting(system: true))
                }
                guard take(keyword: "table") else { throw unsupported() }
                _ = take(keyword: "only")
                let table = try identifier("a table name")
                if take(keyword: "replica") {
                    let full = take(keyword: "identity") && take(keyword: "full")
                    skipToStatementEnd()
                    return try done(.addReplicaIdentity(table: table, full: full))
                }
                if take(keyword: "add") && (take(keyword: "primary") || take(keyword: "constraint")) {
                    skipToStatementEnd()
                    return try done(.addReplicaIdentity(table: table, full: false))
                }
                throw unsupported()
            case .identifier("create"):
                i += 1
                if take(keyword: "schema") {
                    let ifNotExists = take(keyword: "if") && take(keyword: "not") && take(keyword: "exists")
                    // CREATE SCHEMA AUTHORIZATION role: the schema takes the role's name.
                    let name = take(keyword: "authorization") ? try identifier("a role name") : try identifier("a schema name")
                    if take(keyword: "authorization") { _ = try identifier("a role name") }
                    guard atEnd || current?.kind == .symbol(";") else {
                        throw error(current, "CREATE SCHEMA with elements (tables, views) is not supported: Citus refuses to create a distributed schema and its tables in one statement; create the tables in separate statements")
                    }
                    return try done(.createSchema(name: name, ifNotExists: ifNotExists))
                }
                guard take(keyword: "table") else { throw unsupported() }
                _ = take(keyword: "if") && take(keyword: "not") && take(keyword: "exists")
                let table = try identifier("a table name")
                let bodyStart = i
                let cols = try columns()
                let primaryKey = tokens[bodyStart..<i].contains { $0.kind == .identifier("primary") }
                return try done(.createTable(name: table, columns: cols, hasPrimaryKey: primaryKey))
            case .identifier("begin"), .identifier("start"):
                i += 1
                _ = take(keyword: "transaction") || take(keyword: "work")
                return try done(.begin)
            case .identifier("commit"), .identifier("end"):
                i += 1
                _ = take(keyword: "transaction") || take(keyword: "work")
                return try done(.commit)
            case .identifier("rollback"), .identifier("abort"):
                i += 1
                _ = take(keyword: "transaction") || take(keyword: "work")
                return try done(.rollback)
            default:
                throw unsupported()
            }
        }

        /// The relation a `SELECT` statement starting at `start` reads, when it reads one: a
        /// `FROM name` at the top level not followed by `(` (a function call is not a relation).
        func readOnlyRelation(from start: Int) -> String? {
            var depth = 0, j = start
            while j < tokens.count {
                switch tokens[j].kind {
                case .symbol("("): depth += 1
                case .symbol(")"): depth -= 1
                case .symbol(";") where depth <= 0: return nil
                case .identifier("from") where depth == 0:
                    var k = j + 1, name = ""
                    while k < tokens.count, case .identifier(let part) = tokens[k].kind {
                        name += part
                        k += 1
                        guard k < tokens.count, case .symbol(".") = tokens[k].kind else { break }
                        name += "."
                        k += 1
                    }
                    if name.isEmpty { return nil }
                    if k < tokens.count, case .symbol("(") = tokens[k].kind { return nil }
                    return name
                default: break
                }
                j += 1
            }
            return nil
        }

        mutating func skipToStatementEnd() {
            var depth = 0
            while let t = current {
                if case .symbol("(") = t.kind { depth += 1 }
                if case .symbol(")") = t.kind { depth -= 1 }
                if case .symbol(";") = t.kind, depth <= 0 { return }
                i += 1
            }
        }

        mutating func setting(system: Bool) throws -> SQLStatement.Kind {
            let name = try identifier("a setting name")
            guard take(symbol: "=") || take(keyword: "to") else { throw error(current, "expected `=` or `TO` after `\(name)`") }
            let value: SQLValue
            if case .identifier(let word)? = current?.kind, !["true", "false", "on", "off", "null"].contains(word) {
                i += 1
                value = .string(word)  // SET x TO default / an unquoted word
            } else {
                value = try literal()
            }
            return .set(name: name, value: value, system: system)
        }

        mutating func arguments() throws -> [SQLArgument] {
            try expect(symbol: "(", "after the function name")
            var args: [SQLArgument] = []
            if take(symbol: ")") { return args }
            while true {
                let at = current
                var name: String?
                if case .identifier(let n)? = current?.kind, i + 1 < tokens.count,
                   [.symbol(":="), .symbol("=>")].contains(tokens[i + 1].kind) {
                    name = n
                    i += 2
                }
                args.append(SQLArgument(name: name, value: try literal(), line: at?.line ?? 0, column: at?.column ?? 0))
                if take(symbol: ")") { return args }
                try expect(symbol: ",", "or `)` between arguments")
            }
        }

        mutating func literal() throws -> SQLValue {
            let t = current
            var value: SQLValue
            switch t?.kind {
            case .string(let s)?: i += 1; value = .string(s)
            case .number(let n)?: i += 1; value = .number(n)
            case .symbol("-")?, .symbol("+")?:
                i += 1
                guard case .number(let n)? = current?.kind else { throw error(current, "expected a number after the sign") }
                i += 1
                value = .number(t?.kind == .symbol("-") ? "-" + n : n)
            case .identifier("true")?, .identifier("on")?: i += 1; value = .bool(true)
            case .identifier("false")?, .identifier("off")?: i += 1; value = .bool(false)
            case .identifier("null")?: i += 1; value = .null
            case .identifier("array")?:
                i += 1
                try expect(symbol: "[", "after ARRAY")
                var items: [SQLValue] = []
                if !take(symbol: "]") {
                    while true {
                        items.append(try literal())
                        if take(symbol: "]") { break }
                        try expect(symbol: ",", "or `]` in ARRAY[...]")
                    }
                }
                value = .array(items)
            default:
                throw error(t, "expected a value (a 'string', a number, true/false, NULL or ARRAY[...])")
            }
            while take(symbol: "::") {  // a cast: the type is dropped
                _ = try identifier("a type after `::`")
                while take(symbol: "[") { try expect(symbol: "]", "in the array type") }
            }
            return value
        }

        mutating func columns() throws -> [(name: String, type: String)] {
            try expect(symbol: "(", "after the table name")
            var out: [(String, String)] = []
            var depth = 1
            var element: [SQLToken] = []
            func flush() {
                guard element.count >= 2, case .identifier(let n) = element[0].kind, case .identifier(let ty) = element[1].kind else { return }
                if ["primary", "constraint", "unique", "foreign", "check", "exclude"].contains(n) { return }
                out.append((n, ty))
            }
            while let t = current {
                i += 1
                switch t.kind {
                case .symbol("("): depth += 1; element.append(t)
                case .symbol(")"):
                    depth -= 1
                    if depth == 0 { flush(); return out }
                    element.append(t)
                case .symbol(",") where depth == 1: flush(); element = []
                default: element.append(t)
                }
            }
            throw error(nil, "CREATE TABLE column list is never closed (a `)` is missing)")
        }
    }
}
