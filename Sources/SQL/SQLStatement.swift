/// A literal in a runbook.
public indirect enum SQLValue: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    /// The number as written (converted by whoever needs it).
    case number(String)
    case bool(Bool)
    case null
    case array([SQLValue])

    public var description: String {
        switch self {
        case .string(let s): return "'\(s)'"
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "NULL"
        case .array(let items): return "ARRAY[\(items.map(\.description).joined(separator: ", "))]"
        }
    }
}

/// One function argument, positional or named (`name := value`, `name => value`).
public struct SQLArgument: Equatable, Sendable {
    public var name: String?
    public var value: SQLValue
    public var line: Int
    public var column: Int

    public init(name: String?, value: SQLValue, line: Int, column: Int) {
        self.name = name
        self.value = value
        self.line = line
        self.column = column
    }
}

/// One runbook statement with where it starts.
public struct SQLStatement: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// `SELECT [* FROM] f(args)` or `CALL f(args)`; the name without `pg_catalog.`.
        case call(function: String, arguments: [SQLArgument])
        /// `SET name = value` (session), or `ALTER SYSTEM SET` when `system`.
        case set(name: String, value: SQLValue, system: Bool)
        /// `CREATE TABLE name (column type, ...)`: the columns' names and types, and whether
        /// it declares a primary key (which gives it a replica identity).
        case createTable(name: String, columns: [(name: String, type: String)], hasPrimaryKey: Bool)
        /// `CREATE SCHEMA [IF NOT EXISTS] name` (or `CREATE SCHEMA AUTHORIZATION role`, which
        /// names the schema after the role).
        case createSchema(name: String, ifNotExists: Bool)
        /// `ALTER TABLE name REPLICA IDENTITY ...` or `ALTER TABLE name ADD PRIMARY KEY ...`.
        /// `full`: `REPLICA IDENTITY FULL` (rows matched by every column during logical replication).
        case addReplicaIdentity(table: String, full: Bool)
        case begin, commit, rollback
        /// `ALTER DATABASE ... SET name = value`: the setting's default for new sessions.
        case setDatabaseDefault(name: String, value: SQLValue)
        /// Something a DBA's runbook holds that changes no placement and is passed over with a
        /// note: a psql meta-command (`\timing`), a read-only query of a view (`SELECT * FROM
        /// citus_shards`). `reason` says what it was.
        case passedOver(reason: String)

        public static func == (a: Kind, b: Kind) -> Bool {
            switch (a, b) {
            case let (.call(f1, a1), .call(f2, a2)): return f1 == f2 && a1 == a2
            case let (.set(n1, v1, s1), .set(n2, v2, s2)): return n1 == n2 && v1 == v2 && s1 == s2
            case let (.createTable(n1, c1, k1), .createTable(n2, c2, k2)):
                return n1 == n2 && k1 == k2 && c1.map(\.name) == c2.map(\.name) && c1.map(\.type) == c2.map(\.type)
            case let (.addReplicaIdentity(t1, f1), .addReplicaIdentity(t2, f2)): return t1 == t2 && f1 == f2
            case let (.createSchema(n1, e1), .createSchema(n2, e2)): return n1 == n2 && e1 == e2
            case (.begin, .begin), (.commit, .commit), (.rollback, .rollback): return true
            case let (.passedOver(r1), .passedOver(r2)): return r1 == r2
            case let (.setDatabaseDefault(n1, v1), .setDatabaseDefault(n2, v2)): return n1 == n2 && v1 == v2
            default: return false
            }
        }
    }

    public var kind: Kind
    public var line: Int
    public var column: Int
}
