import ClusterModel
import Planner
import Scenario
import TextFormat

/// `get_rebalance_table_shards_plan`'s columns, as CSV, an aligned table (psql style) or JSON.
public enum PlanOutput {
    public enum Format: String, CaseIterable, Sendable { case csv, table, json }

    public static let columns = ["table_name", "shardid", "shard_size", "sourcename", "sourceport", "targetname", "targetport"]

    static func cells(_ row: PlannedMove) -> [String] {
        [row.tableName, "\(row.shardID)", "\(row.shardSize)", row.source.name, "\(row.source.port)", row.target.name, "\(row.target.port)"]
    }

    public static func render(_ rows: [PlannedMove], format: Format) -> String {
        switch format {
        case .csv:
            var w = CSVWriter(columns: columns)
            for r in rows {
                w.appendRow([.text(r.tableName), .integer(r.shardID.rawValue), .integer(r.shardSize), .text(r.source.name),
                             .integer(Int64(r.source.port)), .text(r.target.name), .integer(Int64(r.target.port))])
            }
            return w.text
        case .table:
            return TextTable.render(header: columns, rows: rows.map(cells), footer: "(\(rows.count) row\(rows.count == 1 ? "" : "s"))")
        case .json:
            return JSONValue.array(rows.map { r in
                .object([("table_name", .string(r.tableName)), ("shardid", .integer(r.shardID.rawValue)), ("shard_size", .integer(r.shardSize)),
                         ("sourcename", .string(r.source.name)), ("sourceport", .integer(Int64(r.source.port))),
                         ("targetname", .string(r.target.name)), ("targetport", .integer(Int64(r.target.port)))])
            }).render()
        }
    }
}

/// An aligned text table in psql's style.
public enum TextTable {
    public static func render(header: [String], rows: [[String]], footer: String? = nil) -> String {
        let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            " " + cells.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }.joined(separator: " | ")
        }
        var out = [line(header), widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+")]
        out += rows.map(line)
        if let footer { out.append(footer) }
        return out.joined(separator: "\n") + "\n"
    }
}

/// Cluster metadata in the SHARDS.csv format (`citus_shards` joined with `pg_dist_shard`),
/// one row per placement, ordered by shard id then node, so `apply`'s output can be fed back.
public enum ShardsCSV {
    public static let columns = ["table_name", "shardid", "citus_table_type", "colocation_id", "nodename", "nodeport", "shard_size", "shardminvalue", "shardmaxvalue"]

    /// SHARDS.csv of `state`. When a hash-distributed table's column is not `bigint` (the
    /// importer's default), or the input had the column, `distribution_column_type` keeps it, so
    /// a chained runbook hashes text or uuid keys as the first one did. `carried` columns of the
    /// input follow, each shard with its input values; a shard the runbook made gets its
    /// `shard_name` (`table_shardid`, as Citus's `shard_name()` names it) and empty others.
    public static func render(_ state: ClusterState, carrying carried: ClusterCSV.CarriedColumns = .init()) -> String {
        let typed = carried.columnType || state.tables.contains { $0.columnType.map { $0 != .bigint } ?? false }
        var w = CSVWriter(columns: columns + (typed ? ["distribution_column_type"] : []) + carried.names)
        func carriedCells(_ shard: Shard) -> [CSVWriter.Cell] {
            if let values = carried.valuesByShard[shard.id] { return values.map { .text($0) } }
            return carried.names.map { .text($0 == "shard_name" ? "\(shard.table)_\(shard.id.rawValue)" : "") }
        }
        // One pass over shards and placements (a table at a time would be quadratic in shards).
        var placementsOfShard: [ShardID: [NodeID]] = [:]  // lookup only
        for p in state.placements { placementsOfShard[p.shard, default: []].append(p.node) }
        var tableNamed: [String: DistributedTable] = [:]  // lookup only
        for t in state.tables { tableNamed[t.name] = t }
        var rows: [(ShardID, Node, Shard, DistributedTable)] = []
        for s in state.shards {
            guard let t = tableNamed[s.table] else { continue }
            for n in placementsOfShard[s.id] ?? [] { rows.append((s.id, state.node(n)!, s, t)) }
        }
        rows.sort { a, b in a.0 != b.0 ? a.0 < b.0 : Node.citusOrder(a.1, b.1) }
        let schemaGroups = Set(state.tenantSchemas.map(\.colocationID))  // membership only
        for (_, node, shard, table) in rows {
            w.appendRow([
                .text(table.name), .integer(shard.id.rawValue), .text(schemaGroups.contains(table.colocationID) ? "schema" : table.citusTableType),
                .integer(Int64(table.colocationID.rawValue)), .text(node.name), .integer(Int64(node.port)), .integer(shard.sizeBytes),
                shard.range.map { .integer(Int64($0.min)) } ?? .text(""), shard.range.map { .integer(Int64($0.max)) } ?? .text(""),
            ] + (typed ? [.text(table.columnType?.rawValue ?? "")] : []) + carriedCells(shard))
        }
        return w.text
    }
}

/// pg_dist_node as `SELECT * FROM pg_dist_node` exports it (the columns NODES.csv reads), in
/// node id order: what `apply --nodes-out` writes so a runbook after `citus_add_node` chains.
public enum NodesCSV {
    public static let columns = ["nodeid", "groupid", "nodename", "nodeport", "noderack", "hasmetadata", "isactive", "noderole", "nodecluster", "metadatasynced", "shouldhaveshards"]

    public static func render(_ state: ClusterState) -> String {
        var w = CSVWriter(columns: columns)
        let flag = { (b: Bool) -> CSVWriter.Cell in .text(b ? "t" : "f") }
        for n in state.nodes.sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            w.appendRow([.integer(Int64(n.id.rawValue)), .integer(Int64(n.groupID.rawValue)), .text(n.name), .integer(Int64(n.port)), .text(n.rack),
                         flag(n.hasMetadata), flag(n.isActive), .text(n.role.rawValue), .text(n.cluster), flag(n.metadataSynced), flag(n.shouldHaveShards)])
        }
        return w.text
    }
}

/// The `citus_schemas` view (schema_name, colocation_id, schema_size, schema_owner) in
/// schema-name order: each tenant schema with the bytes of its tables' shards, which Citus
/// prints with `pg_size_pretty` (`schema_size_bytes` keeps the number). The owner is not in
/// Citus's metadata exports; citus-sim writes the role it cannot know as empty.
public enum CitusSchemasCSV {
    public static let columns = ["schema_name", "colocation_id", "schema_size", "schema_size_bytes", "schema_owner"]

    public static func render(_ state: ClusterState) -> String {
        var groupOf: [String: ColocationID] = [:]  // lookup only
        for t in state.tables where t.kind == .singleShard { groupOf[t.name] = t.colocationID }
        var bytes: [ColocationID: Int64] = [:]  // lookup only
        for s in state.shards { if let g = groupOf[s.table] { bytes[g, default: 0] += s.sizeBytes } }
        var w = CSVWriter(columns: columns)
        for schema in state.tenantSchemas.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) {
            let size = bytes[schema.colocationID] ?? 0
            w.appendRow([.text(schema.name), .integer(Int64(schema.colocationID.rawValue)), .text(PgSizePretty.text(size)), .integer(size), .text("")])
        }
        return w.text
    }
}
