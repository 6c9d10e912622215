/// A row of `pg_dist_schema`: a distributed (tenant) schema of schema-based sharding and the
/// colocation group every table in it joins. Citus makes the group when the schema is made
/// (`CREATE SCHEMA` with `citus.enable_schema_based_sharding` on, or `citus_schema_distribute`),
/// before it has any table (`commands/schema.c` `PreprocessCreateSchemaStmt`,
/// `schema_based_sharding.c` `CreateTenantSchemaColocationId`).
public struct TenantSchema: Sendable, Equatable {
    public var name: String
    public var colocationID: ColocationID

    public init(name: String, colocationID: ColocationID) {
        self.name = name
        self.colocationID = colocationID
    }

    /// The schema part of a qualified table name as `regclass` prints it (`s1.t1`,
    /// `"My Schema".t1`), or nil for an unqualified name.
    public static func schema(ofTable name: String) -> String? {
        if name.hasPrefix("\"") {
            // A quoted schema name: up to the closing quote (a doubled quote stands for one).
            var i = name.index(after: name.startIndex)
            while i < name.endIndex {
                if name[i] == "\"" {
                    let next = name.index(after: i)
                    if next < name.endIndex && name[next] == "\"" { i = name.index(after: next); continue }
                    guard next < name.endIndex, name[next] == "." else { return nil }
                    return String(name[name.index(after: name.startIndex)..<i]).replacingDoubledQuotes
                }
                i = name.index(after: i)
            }
            return nil
        }
        return name.firstIndex(of: ".").map { String(name[..<$0]) }
    }
}

extension String {
    fileprivate var replacingDoubledQuotes: String {
        var out = "", pendingQuote = false
        for c in self {
            if c == "\"" && pendingQuote { pendingQuote = false; continue }
            pendingQuote = c == "\""
            out.append(c)
        }
        return out
    }
}
