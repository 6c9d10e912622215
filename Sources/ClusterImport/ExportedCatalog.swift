import Diagnostics
import Foundation
import Scenario

/// Catalog rows from the CSV files `psql -f export.psql` writes (`import --csv DIR`).
public struct ExportedCatalog: CatalogSource {
    public let directory: String
    public var label: String { "the exports in \(directory)" }

    /// Fails when `directory` is not a readable directory.
    public init(directory: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ImportError("\(directory): not a directory; give the directory where `psql -f export.psql` wrote its CSV files")
        }
        self.directory = directory
    }

    public func read(_ query: CatalogQuery) async throws -> Result<CatalogRows, CatalogUnavailable> {
        let path = (directory as NSString).appendingPathComponent("\(query.name).csv")
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            return .failure(CatalogUnavailable(reason: "\(path) is missing"))
        }
        if (attributes[.size] as? NSNumber)?.intValue == 0 {
            return .failure(CatalogUnavailable(reason: "\(path) is empty (the query failed when it was exported)"))
        }
        let table: CSVTable
        do { table = try CSVTable.read(path: path) } catch let e as InputError {
            throw ImportError(e.findings.map(\.description).joined(separator: "\n"))
        }
        if let twice = table.header.first(where: { name in table.header.filter { $0 == name }.count > 1 }) {
            throw ImportError("\(path):1: column \(twice) appears twice in the header; export it with the query `citus-sim import --psql-script` prints")
        }
        let rows = table.records.map { r in Dictionary(uniqueKeysWithValues: zip(table.header, r.fields).map { ($0, $1) }) }
        let result = CatalogRows(query: query, rows: rows, origins: table.records.map { "\(path):\($0.line)" })
        try result.requireColumns(CatalogColumns.required[query.name] ?? [], header: table.header, file: path)
        return .success(result)
    }
}

/// The columns each query's reader uses (an export must have them).
enum CatalogColumns {
    static let required: [String: [String]] = [
        "server": ["server_version", "database"],
        "settings": ["name", "setting", "unit"],
        "sessions": ["client_sessions"],
        "tables": ["schema_name", "table_name", "total_bytes", "row_estimate", "secondary_indexes", "replica_identity"],
        "columns": ["schema_name", "table_name", "column_name", "data_type"],
        "column_stats": ["schema_name", "table_name", "column_name", "n_distinct", "most_common_freqs"],
        "statements": ["queryid", "calls", "total_exec_time", "mean_exec_time", "stddev_exec_time", "rows", "shared_blks_hit", "shared_blks_read", "wal_bytes", "query"],
        "statements_info": ["seconds_since_reset"],
        "nodes": ["nodeid", "groupid", "nodename", "nodeport", "noderole", "isactive", "shouldhaveshards"],
        "distributed_tables": ["table_name", "partmethod", "colocationid", "distribution_column"],
        "shards": ["table_name", "shardid", "citus_table_type", "colocation_id", "nodename", "nodeport", "shard_size"],
        "tenants": ["colocation_id", "query_count_in_this_period", "query_count_in_last_period", "cpu_usage_in_this_period", "cpu_usage_in_last_period"],
        "citus_statements": ["queryid", "executor", "has_partition_key", "calls"],
    ]
}
