import ClusterModel
import Diagnostics
import Foundation

/// Reads cluster metadata exported with psql:
/// - NODES.csv: `\copy (SELECT * FROM pg_dist_node) TO 'nodes.csv' CSV HEADER`
/// - SHARDS.csv: `\copy (SELECT s.table_name, s.shardid, s.citus_table_type, s.colocation_id,
///   s.nodename, s.nodeport, s.shard_size, p.shardminvalue, p.shardmaxvalue FROM citus_shards s
///   JOIN pg_dist_shard p USING (shardid) ORDER BY s.shardid) TO 'shards.csv' CSV HEADER`
///
/// Every problem names the file, line and value. Without hash ranges, a hash-distributed
/// table's shards get the uniform layout in shard-id order (right unless shards were split).
public enum ClusterCSV {
    static let nodeColumns = ["nodeid", "groupid", "nodename", "nodeport", "noderack", "hasmetadata", "isactive", "noderole", "nodecluster", "metadatasynced", "shouldhaveshards",
                              "nodeisclone", "nodeprimarynodeid"]
    /// SHARDS.csv's columns; `shard_name` is what `SELECT * FROM citus_shards` adds (read and ignored).
    static let shardColumns = ["table_name", "shardid", "shard_name", "citus_table_type", "colocation_id", "nodename", "nodeport", "shard_size", "shardminvalue", "shardmaxvalue",
                               "distribution_column_type"]

    /// Loads both files into cluster metadata.
    public static func load(nodesPath: String, shardsPath: String) throws -> ClusterState {
        var notes: [Finding] = []
        return try load(nodesPath: nodesPath, shardsPath: shardsPath, notes: &notes)
    }

    /// Loads both files; `notes` receives warnings (columns passed over, nodes that will get shards).
    public static func load(nodesPath: String, shardsPath: String, notes: inout [Finding]) throws -> ClusterState {
        var state = ClusterState()
        try loadNodes(try CSVTable.read(path: nodesPath), into: &state, notes: &notes)
        try loadShards(try CSVTable.read(path: shardsPath), into: &state, notes: &notes)
        return state
    }

    static func error(_ table: CSVTable, _ line: Int, _ message: String, column: String? = nil) -> InputError {
        // Columns are 1-based, as an editor counts them; 0 when the problem is the whole row.
        let at = column.flatMap { table.column($0) }.map { $0 + 1 } ?? 0
        return InputError(findings: [Finding(file: table.file, line: line, column: at, severity: .error, message: message)])
    }

    /// Required columns must be there; columns this reader does not use (a `SELECT *` export's
    /// extras) are passed over with one note.
    static func requireColumns(_ table: CSVTable, _ required: [String], known: [String], notes: inout [Finding]) throws {
        for c in required where table.column(c) == nil {
            throw error(table, 1, "missing column `\(c)`; the header must include \(required.joined(separator: ", "))")
        }
        let extra = table.header.filter { !known.contains($0) }
        if !extra.isEmpty {
            notes.append(Finding(file: table.file, line: 1, column: 0, severity: .warning,
                                 message: "column\(extra.count == 1 ? "" : "s") \(extra.map { "`\($0)`" }.joined(separator: ", ")) passed over (not used; known columns: \(known.joined(separator: ", ")))"))
        }
    }

    public static func loadNodes(_ table: CSVTable, into state: inout ClusterState) throws {
        var notes: [Finding] = []
        try loadNodes(table, into: &state, notes: &notes)
    }

    public static func loadShards(_ table: CSVTable, into state: inout ClusterState) throws {
        var notes: [Finding] = []
        try loadShards(table, into: &state, notes: &notes)
    }

    /// pg_dist_node rows. The node in group 0 is the coordinator and, as in Citus, gets no
    /// shards unless `shouldhaveshards` says so; without a `groupid` column each node is its own
    /// group, and a note names the nodes that will receive shards.
    public static func loadNodes(_ table: CSVTable, into state: inout ClusterState, notes: inout [Finding]) throws {
        try requireColumns(table, ["nodeid", "nodename", "nodeport"], known: nodeColumns, notes: &notes)
        func field(_ r: CSVTable.Record, _ c: String) -> String? { table.column(c).map { r.fields[$0] } }
        func bool(_ r: CSVTable.Record, _ c: String, _ fallback: Bool) throws -> Bool {
            guard let v = field(r, c), !v.isEmpty else { return fallback }
            switch v.lowercased() {
            case "t", "true", "1", "yes": return true
            case "f", "false", "0", "no": return false
            default: throw error(table, r.line, "`\(c)` is `\(v)`; expected t or f", column: c)
            }
        }
        for r in table.records {
            guard let id = Int32(field(r, "nodeid")!), id > 0 else { throw error(table, r.line, "`nodeid` is `\(field(r, "nodeid")!)`; expected a positive integer", column: "nodeid") }
            let name = field(r, "nodename")!
            guard !name.isEmpty else { throw error(table, r.line, "`nodename` is empty", column: "nodename") }
            guard let port = Int(field(r, "nodeport")!), (1...65_535).contains(port) else {
                throw error(table, r.line, "`nodeport` is `\(field(r, "nodeport")!)`; expected a port in 1...65535", column: "nodeport")
            }
            var group = id
            if let g = field(r, "groupid"), !g.isEmpty {
                guard let v = Int32(g), v >= 0 else { throw error(table, r.line, "`groupid` is `\(g)`; expected an integer >= 0", column: "groupid") }
                group = v
            }
            guard state.node(NodeID(id)) == nil else { throw error(table, r.line, "duplicate nodeid \(id)") }
            guard state.node(name: name, port: port) == nil else { throw error(table, r.line, "duplicate node \(name):\(port)") }
            var node = Node(id: NodeID(id), groupID: GroupID(group), name: name, port: port, shouldHaveShards: try bool(r, "shouldhaveshards", group != 0))
            node.rack = field(r, "noderack").flatMap { $0.isEmpty ? nil : $0 } ?? "default"
            node.hasMetadata = try bool(r, "hasmetadata", true)
            node.isActive = try bool(r, "isactive", true)
            node.metadataSynced = try bool(r, "metadatasynced", true)
            node.cluster = field(r, "nodecluster").flatMap { $0.isEmpty ? nil : $0 } ?? "default"
            if let role = field(r, "noderole"), !role.isEmpty {
                guard let parsed = Node.Role(rawValue: role) else { throw error(table, r.line, "`noderole` is `\(role)`; expected primary, secondary or unavailable", column: "noderole") }
                node.role = parsed
            }
            state.loadNode(node)
        }
        guard !state.nodes.isEmpty else { throw error(table, 1, "no nodes: the file has a header but no rows") }
        if table.column("groupid") == nil {
            let receiving = state.nodes.filter(\.shouldHaveShards).map(\.address)
            notes.append(Finding(file: table.file, line: 1, column: 0, severity: .warning, message:
                "no `groupid` column: the coordinator (group 0 in pg_dist_node) cannot be told apart, so every node without `shouldhaveshards` = f will receive shards: \(receiving.joined(separator: ", ")); export with SELECT * FROM pg_dist_node"))
        }
    }

    public static func loadShards(_ table: CSVTable, into state: inout ClusterState, notes: inout [Finding]) throws {
        try requireColumns(table, ["table_name", "shardid", "colocation_id", "nodename", "nodeport", "shard_size"], known: shardColumns, notes: &notes)
        func field(_ r: CSVTable.Record, _ c: String) -> String? { table.column(c).map { r.fields[$0] }.flatMap { $0.isEmpty ? nil : $0 } }
        struct Row { var line: Int; var table: String; var shard: Int64; var type: String?; var colocation: Int32; var node: NodeID; var size: Int64; var range: HashRange?; var columnType: DistributionColumnType? }
        var rows: [Row] = []
        var localRows = 0
        for r in table.records {
            // Citus local tables (`citus_table_type` local) live on the coordinator and never move.
            if field(r, "citus_table_type") == "local" { localRows += 1; continue }
            guard let tableName = field(r, "table_name").map(unneutralise) else { throw error(table, r.line, "`table_name` is empty", column: "table_name") }
            guard let shard = Int64(field(r, "shardid") ?? ""), shard > 0 else { throw error(table, r.line, "`shardid` is `\(field(r, "shardid") ?? "")`; expected a positive integer", column: "shardid") }
            guard let colocation = Int32(field(r, "colocation_id") ?? "") else { throw error(table, r.line, "`colocation_id` is `\(field(r, "colocation_id") ?? "")`; expected an integer", column: "colocation_id") }
            let name = field(r, "nodename") ?? ""
            guard let port = Int(field(r, "nodeport") ?? ""), let node = state.node(name: name, port: port) else {
                throw error(table, r.line, "shard \(shard) is placed on \(name):\(field(r, "nodeport") ?? ""), which is not in the nodes file (after citus_add_node in a runbook, pass the node table `apply --nodes-out` wrote)", column: "nodename")
            }
            guard let size = Int64(field(r, "shard_size") ?? "0"), size >= 0 else { throw error(table, r.line, "`shard_size` is `\(field(r, "shard_size")!)`; expected bytes >= 0", column: "shard_size") }
            var range: HashRange?
            switch (field(r, "shardminvalue"), field(r, "shardmaxvalue")) {
            case (nil, nil): range = nil
            case let (lo?, hi?):
                guard let l = Int32(lo), let h = Int32(hi), l <= h else {
                    throw error(table, r.line, "hash range [\(lo), \(hi)] of shard \(shard) is not a pair of int32 values with min <= max", column: "shardminvalue")
                }
                range = HashRange(min: l, max: h)
            default: throw error(table, r.line, "shard \(shard) has only one of shardminvalue and shardmaxvalue")
            }
            var columnType: DistributionColumnType?
            if let t = field(r, "distribution_column_type") {
                guard let parsed = DistributionColumnType(sqlName: t) else {
                    throw error(table, r.line, "`distribution_column_type` is `\(t)`; expected one of \(DistributionColumnType.allCases.map(\.rawValue).joined(separator: ", "))", column: "distribution_column_type")
                }
                columnType = parsed
            }
            if let t = field(r, "citus_table_type"), !["distributed", "reference", "schema"].contains(t) {
                throw error(table, r.line, "`citus_table_type` is `\(t)`; expected distributed, reference or schema", column: "citus_table_type")
            }
            rows.append(Row(line: r.line, table: tableName, shard: shard, type: field(r, "citus_table_type"), colocation: colocation, node: node.id, size: size, range: range, columnType: columnType))
        }
        if localRows > 0 {
            notes.append(Finding(file: table.file, line: 1, column: 0, severity: .warning,
                                 message: "\(localRows) shard\(localRows == 1 ? "" : "s") of Citus local tables passed over (they stay on the coordinator; the rebalancer never moves them)"))
        }
        let rangesExported = table.column("shardminvalue") != nil
        // Tables in order of their first shard id; kind from citus_table_type and ranges.
        var seen: [String] = []
        for row in rows.sorted(by: { ($0.shard, $0.line) < ($1.shard, $1.line) }) where !seen.contains(row.table) { seen.append(row.table) }
        for name in seen {
            let own = rows.filter { $0.table == name }
            let first = own[0]
            if let other = own.first(where: { $0.colocation != first.colocation }) {
                throw error(table, other.line, "table \(name) has shards in colocation groups \(first.colocation) and \(other.colocation)")
            }
            let shardIDs = own.map(\.shard).reduce(into: [Int64]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
            // Single-shard tables: schema-based tenants, or distributed tables exported without a
            // range when ranges were exported for the file.
            let kind: DistributedTable.Kind
            if first.type == "reference" {
                kind = .reference
            } else if first.type == "schema" || (rangesExported && own.allSatisfy { $0.range == nil }) {
                kind = .singleShard
            } else {
                kind = .hashDistributed(first.columnType ?? .bigint)
            }
            if first.type == "schema" { try registerTenantSchema(of: (first.line, name, first.colocation), in: &state, file: table) }
            let columnType: DistributionColumnType? = { if case .hashDistributed(let t) = kind { return t } else { return nil } }()
            let group = ColocationGroup(id: ColocationID(first.colocation), shardCount: shardIDs.count, replicationFactor: 1, columnType: columnType)
            state.loadTable(DistributedTable(name: name, kind: kind, colocationID: group.id), group: group)
            let uniform = shardIDs.count <= 64_000 ? HashRange.uniform(shardCount: shardIDs.count) : []
            for (i, id) in shardIDs.enumerated() {
                let placementsOfShard = own.filter { $0.shard == id }
                if state.shard(ShardID(id)) != nil {
                    throw error(table, placementsOfShard[0].line, "duplicate shard id \(id): it already belongs to another table")
                }
                var range: HashRange?
                if case .hashDistributed = kind { range = placementsOfShard[0].range ?? uniform[i] }
                if let bad = placementsOfShard.first(where: { $0.range != placementsOfShard[0].range }) {
                    throw error(table, bad.line, "shard \(id) has different hash ranges on different rows")
                }
                state.insertShard(Shard(id: ShardID(id), table: name, range: range, sizeBytes: placementsOfShard.map(\.size).max() ?? 0))
                for p in placementsOfShard {
                    if state.placements(of: ShardID(id)).contains(where: { $0.node == p.node }) {
                        throw error(table, p.line, "duplicate placement: shard \(id) is listed twice on \(state.node(p.node)!.address)")
                    }
                    state.insertPlacement(Placement(id: state.nextPlacementID(), shard: ShardID(id), node: p.node))
                }
            }
            if case .hashDistributed = kind {
                do {
                    _ = try ShardIntervalIndex(ranges: state.shards(of: name).map { $0.range! })
                } catch let e as LayoutError {
                    throw error(table, first.line, "table \(name): \(e.description)")
                }
            }
        }
        state.shardIDSequence = max(state.shardIDSequence, (rows.map(\.shard).max() ?? 0) + 1)
        // Colocated tables must have the same number of shards.
        for g in state.colocationGroups {
            let counts = state.tables(in: g.id).map { state.shards(of: $0.name).count }
            if Set(counts).count > 1 {
                throw error(table, 1, "colocation group \(g.id.rawValue) has tables with different shard counts (\(counts.map(String.init).joined(separator: ", ")))")
            }
        }
    }

    /// A `schema` row's table is in a tenant schema (`pg_dist_schema`): its schema is the
    /// table name's qualifier, its colocation group the schema's, one group per schema.
    static func registerTenantSchema(of row: (line: Int, table: String, colocation: Int32), in state: inout ClusterState, file table: CSVTable) throws {
        guard let schema = TenantSchema.schema(ofTable: row.table) else {
            throw error(table, row.line, "table \(row.table) is of type `schema` but its name has no schema (expected schema.table)", column: "table_name")
        }
        let group = ColocationID(row.colocation)
        if let known = state.tenantSchema(named: schema) {
            guard known.colocationID == group else {
                throw error(table, row.line, "schema \(schema) has tables in colocation groups \(known.colocationID.rawValue) and \(group.rawValue); a tenant schema has one group", column: "colocation_id")
            }
            return
        }
        if let other = state.tenantSchema(of: group) {
            throw error(table, row.line, "schemas \(other.name) and \(schema) share colocation group \(group.rawValue); each tenant schema has its own", column: "colocation_id")
        }
        state.tenantSchemas.append(TenantSchema(name: schema, colocationID: group))
    }

    /// The columns of a SHARDS.csv that the reader passes over (`shard_name`, a DBA's own
    /// columns), so `apply` can write them back: each shard's values from its first row.
    public struct CarriedColumns: Sendable {
        public var names: [String] = []
        public var valuesByShard: [ShardID: [String]] = [:]
        /// The input had `distribution_column_type`: the output keeps it, even when every table is bigint.
        public var columnType = false
        public init() {}
    }

    /// What `apply` carries from `table` into the SHARDS.csv it writes.
    public static func carriedColumns(of table: CSVTable, read: [String]) -> CarriedColumns {
        var carried = CarriedColumns()
        carried.columnType = table.column("distribution_column_type") != nil
        let indices = table.header.indices.filter { !read.contains(table.header[$0]) && table.header[$0] != "distribution_column_type" }
        carried.names = indices.map { table.header[$0] }
        guard !indices.isEmpty, let shardColumn = table.column("shardid") else { return carried }
        for r in table.records {
            guard let id = Int64(r.fields[shardColumn]), carried.valuesByShard[ShardID(id)] == nil else { continue }
            carried.valuesByShard[ShardID(id)] = indices.map { unneutralise(r.fields[$0]) }
        }
        return carried
    }

    /// Undoes the `'` our CSV writer puts before text a spreadsheet would run as a formula.
    static func unneutralise(_ s: String) -> String {
        guard s.hasPrefix("'"), let second = s.dropFirst().unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(second) else { return s }
        return String(s.dropFirst())
    }
}
