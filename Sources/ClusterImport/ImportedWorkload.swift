import Foundation

/// The query classes of an import: pg_stat_statements' statements placed by
/// `StatementClassifier` (and, on Citus, by `citus_stat_statements`) and grouped by kind,
/// command and table.
public struct ImportedWorkload: Sendable {
    /// One class of the scenario, with the observed figures it was made from.
    public struct QueryClass: Sendable, Equatable {
        public var name: String
        /// `router` or `multi_shard`.
        public var kind: String
        public var command: StatementClassifier.Command
        public var table: String
        public var calls: Double
        /// Observed mean execution time, ms (calls-weighted over the grouped statements).
        public var observedMeanMs: Double
        /// Coefficient of variation of the execution time (pooled over the statements).
        public var cv: Double
        public var bytesReadKiB: Double
        public var writeKiB: Double
        public var rowsReturned: Double
        public var queryIDs: [String]
        /// The first statement's text, one line, shortened.
        public var example: String
        /// worker_cpu mean, ms: a first guess from the observed mean, then the demand calibration's.
        public var demandMs: Double
    }

    public var classes: [QueryClass] = []
    /// Calls of statements that are not placed in a class, with why.
    public var skipped: [(reason: String, calls: Double)] = []
    public var totalCalls: Double { classes.reduce(0) { $0 + $1.calls } }

    /// Places every statement: `distributed` maps a table to its distribution column,
    /// `reference` lists reference tables; `routed` (Citus) says which queryids Citus routed.
    public static func classify(_ statements: [CatalogSnapshot.Statement], distributed: [(table: String, column: String)],
                                reference: Set<String>, routed: [String: Bool]?, blockKiB: Double) -> ImportedWorkload {
        let classifier = StatementClassifier()
        var groups: [String: [CatalogSnapshot.Statement]] = [:]
        var keys: [(key: String, kind: String, command: StatementClassifier.Command, table: String)] = []
        var skipped: [String: Double] = [:]
        let distributedNames = distributed.map(\.table)
        for st in statements where st.calls > 0 {
            guard let r = classifier.read(st.query) else {
                skipped["not a SELECT, INSERT, UPDATE or DELETE (BEGIN, COMMIT, SET, DDL...)", default: 0] += st.calls
                continue
            }
            guard let table = r.tables.first(where: { distributedNames.contains($0) }) else {
                if r.tables.contains(where: { reference.contains($0) }) {
                    skipped[r.command == .select ? "reads only reference tables (not modelled as a class yet)" : "writes a reference table (not modelled)", default: 0] += st.calls
                } else {
                    skipped["names no distributed or reference table of the scenario", default: 0] += st.calls
                }
                continue
            }
            let kind: String
            if let routed, let seen = routed[st.queryID] {
                kind = seen ? "router" : "multi_shard"
            } else {
                let column = distributed.first { $0.table == table }?.column.lowercased() ?? ""
                let pinned = r.pinnedColumns.contains(column)
                    || (r.command == .insert && !r.insertSelect && (r.insertColumns.isEmpty || r.insertColumns.contains(column)))
                kind = pinned ? "router" : "multi_shard"
            }
            let key = "\(kind) \(r.command.rawValue) \(table)"
            if groups[key] == nil { keys.append((key, kind, r.command, table)) }
            groups[key, default: []].append(st)
        }
        var w = ImportedWorkload()
        var usedNames = Set<String>()
        for k in keys {
            let sts = groups[k.key] ?? []
            let calls = sts.reduce(0) { $0 + $1.calls }
            let mean = sts.reduce(0) { $0 + $1.calls * $1.meanMs } / calls
            let second = sts.reduce(0) { $0 + $1.calls * ($1.stddevMs * $1.stddevMs + $1.meanMs * $1.meanMs) } / calls
            let sd = max(0, second - mean * mean).squareRoot()
            var name = Self.identifier("\(k.command.rawValue)_\(k.table)\(k.kind == "multi_shard" ? "_all_shards" : "")")
            var n = 2
            while usedNames.contains(name) { name = Self.identifier("\(k.command.rawValue)_\(k.table)_\(n)"); n += 1 }
            usedNames.insert(name)
            w.classes.append(QueryClass(
                name: name, kind: k.kind, command: k.command, table: k.table, calls: calls, observedMeanMs: mean,
                cv: mean > 0 ? min(3, sd / mean) : 0,
                // An INSERT touches the table's last page and index leaves, which stay cached: only
                // the blocks it really read count. Other commands read their tenant's data.
                // The model reads whole pages per task, so the mean is rounded to whole blocks.
                bytesReadKiB: (sts.reduce(0) { $0 + (k.command == .insert ? 0 : $1.blocksHit) + $1.blocksRead } / calls).rounded() * blockKiB,
                writeKiB: k.command == .select ? 0 : sts.reduce(0) { $0 + $1.walBytes } / 1024 / calls,
                rowsReturned: k.command == .select ? sts.reduce(0) { $0 + $1.rows } / calls : 0,
                queryIDs: sts.map(\.queryID), example: Self.oneLine(sts[0].query, limit: 100), demandMs: mean))
        }
        w.skipped = skipped.keys.sorted().map { ($0, skipped[$0] ?? 0) }
        return w
    }

    /// A scenario class name: lower-case letters, digits and `_`.
    static func identifier(_ s: String) -> String {
        let mapped = s.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        return String(mapped)
    }

    /// Text safe inside a YAML comment: one line, control characters dropped, at most `limit` characters.
    static func oneLine(_ s: String, limit: Int) -> String {
        let flat = s.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : String($0) }.joined()
        let words = flat.split(whereSeparator: { $0 == " " }).joined(separator: " ")
        return words.count > limit ? String(words.prefix(limit - 1)) + "…" : words
    }
}
