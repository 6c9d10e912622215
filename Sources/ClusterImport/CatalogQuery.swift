/// One read-only catalog query of `import`: the same SQL runs on a live server and, as
/// `\copy (SQL) TO 'name.csv' CSV HEADER`, in the psql script for offline exports.
///
/// No query reads table rows or tenant key values: only catalog views, statistics
/// (frequencies, never the values) and statement texts with their parameters stripped.
public struct CatalogQuery: Sendable, Hashable {
    /// File stem of the export (`name.csv`) and the name in messages.
    public let name: String
    /// One line of SQL (psql's `\copy` needs it on one line).
    public let sql: String
    /// What needs to be on for it to answer, named in the warning when it does not.
    public let needs: String
    /// Only meaningful on a Citus coordinator.
    public let citusOnly: Bool

    /// Every query, in the order `import` runs them.
    public static let all: [CatalogQuery] = [server, settings, sessions, tables, columns, columnStats, statements, statementsInfo,
                                             nodes, distributedTables, shards, tenants, citusStatements]

    static let userSchemas = "NOT IN ('pg_catalog', 'information_schema', 'citus', 'citus_internal', 'columnar', 'columnar_internal')"

    public static let server = CatalogQuery(
        name: "server",
        sql: "SELECT current_setting('server_version') AS server_version, current_database() AS database, (SELECT extversion FROM pg_extension WHERE extname = 'citus') AS citus_version, (SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements') AS pg_stat_statements_version, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS read_at",
        needs: "a connection", citusOnly: false)

    public static let settings = CatalogQuery(
        name: "settings",
        sql: "SELECT name, setting, unit FROM pg_settings WHERE name IN ('max_connections', 'shared_buffers', 'work_mem', 'hash_mem_multiplier', 'max_worker_processes', 'statement_timeout', 'block_size') OR name LIKE 'citus.%' ORDER BY name",
        needs: "a connection", citusOnly: false)

    /// The application's sessions now (import while the workload runs): client backends of this
    /// database, without this one and Citus's own.
    public static let sessions = CatalogQuery(
        name: "sessions",
        sql: "SELECT count(*) AS client_sessions FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid() AND coalesce(application_name, '') NOT LIKE 'citus%'",
        needs: "the pg_read_all_stats role (in pg_monitor)", citusOnly: false)

    public static let tables = CatalogQuery(
        name: "tables",
        sql: "SELECT n.nspname AS schema_name, c.relname AS table_name, pg_total_relation_size(c.oid) AS total_bytes, greatest(c.reltuples, 0)::bigint AS row_estimate, (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND NOT i.indisprimary) AS secondary_indexes, CASE WHEN c.relreplident = 'i' OR (c.relreplident <> 'n' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)) THEN 'true' WHEN c.relreplident = 'f' THEN 'full' ELSE 'false' END AS replica_identity FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname \(userSchemas) AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1, 2",
        needs: "a connection", citusOnly: false)

    public static let columns = CatalogQuery(
        name: "columns",
        sql: "SELECT n.nspname AS schema_name, c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname \(userSchemas) AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2, a.attnum",
        needs: "a connection", citusOnly: false)

    /// Frequencies only: `most_common_vals` would be tenant keys (customer data).
    public static let columnStats = CatalogQuery(
        name: "column_stats",
        sql: "SELECT schemaname AS schema_name, tablename AS table_name, attname AS column_name, null_frac, avg_width, n_distinct, most_common_freqs::text AS most_common_freqs FROM pg_stats WHERE schemaname \(userSchemas) ORDER BY 1, 2, 3",
        needs: "ANALYZE on the tables and SELECT on them (pg_stats shows only readable columns)", citusOnly: false)

    public static let statements = CatalogQuery(
        name: "statements",
        sql: "SELECT s.queryid, s.calls, s.total_exec_time, s.mean_exec_time, s.stddev_exec_time, s.rows, s.shared_blks_hit, s.shared_blks_read, s.wal_bytes, s.query FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() AND s.toplevel ORDER BY s.total_exec_time DESC, s.queryid LIMIT 500",
        needs: "the pg_stat_statements extension (shared_preload_libraries = 'pg_stat_statements', CREATE EXTENSION pg_stat_statements) and the pg_read_all_stats role (in pg_monitor)",
        citusOnly: false)

    public static let statementsInfo = CatalogQuery(
        name: "statements_info",
        sql: "SELECT extract(epoch FROM now() - stats_reset) AS seconds_since_reset FROM pg_stat_statements_info",
        needs: "the pg_stat_statements extension", citusOnly: false)

    public static let nodes = CatalogQuery(
        name: "nodes",
        sql: "SELECT nodeid, groupid, nodename, nodeport, noderole, isactive, shouldhaveshards FROM pg_dist_node ORDER BY nodeid",
        needs: "the citus extension (a Citus coordinator)", citusOnly: true)

    public static let distributedTables = CatalogQuery(
        name: "distributed_tables",
        sql: "SELECT logicalrelid::regclass::text AS table_name, partmethod, colocationid, column_to_column_name(logicalrelid, partkey) AS distribution_column FROM pg_dist_partition ORDER BY logicalrelid::regclass::text",
        needs: "the citus extension (a Citus coordinator)", citusOnly: true)

    /// Columns of the nodes export, in order (NODES.csv for `plan`, `cluster.layout`).
    public static let nodeColumns = ["nodeid", "groupid", "nodename", "nodeport", "noderole", "isactive", "shouldhaveshards"]
    /// Columns of the shards export, in order (SHARDS.csv for `plan`, `cluster.layout`).
    public static let shardColumns = ["table_name", "shardid", "citus_table_type", "colocation_id", "nodename", "nodeport", "shard_size", "shardminvalue", "shardmaxvalue"]

    /// The columns of the SHARDS.csv export `plan` and `apply` read.
    public static let shards = CatalogQuery(
        name: "shards",
        sql: "SELECT s.table_name::text AS table_name, s.shardid, s.citus_table_type, s.colocation_id, s.nodename, s.nodeport, s.shard_size, p.shardminvalue, p.shardmaxvalue FROM citus_shards s JOIN pg_dist_shard p USING (shardid) ORDER BY s.shardid, s.nodename, s.nodeport",
        needs: "the citus extension (a Citus coordinator)", citusOnly: true)

    /// Activity per tenant, most active first; the tenant values themselves are not read.
    public static let tenants = CatalogQuery(
        name: "tenants",
        sql: "SELECT colocation_id, query_count_in_this_period, query_count_in_last_period, cpu_usage_in_this_period, cpu_usage_in_last_period FROM citus_stat_tenants ORDER BY query_count_in_this_period + query_count_in_last_period DESC, cpu_usage_in_this_period + cpu_usage_in_last_period DESC",
        needs: "citus.stat_tenants_track = 'all' on every node (the workers count the tenants)", citusOnly: true)

    /// Router or multi-shard per statement; only whether a partition key was seen, not its value.
    public static let citusStatements = CatalogQuery(
        name: "citus_statements",
        sql: "SELECT queryid, executor::text AS executor, bool_or(partition_key IS NOT NULL) AS has_partition_key, sum(calls) AS calls FROM citus_stat_statements GROUP BY queryid, executor ORDER BY queryid, executor",
        needs: "citus.stat_statements_track = 'all' and pg_stat_statements on the coordinator", citusOnly: true)

    /// The psql script that writes every query's CSV into the current directory, for
    /// operators who cannot connect a new tool to production (`import --csv DIR`).
    public static var psqlScript: String {
        var s = "-- citus-sim import: read-only exports for `citus-sim import --csv DIR`.\n"
        s += "-- Run in an empty directory: psql \"$URL\" -X -f export.psql (a query that fails leaves an empty file; import warns what is missing and goes on).\n"
        s += "SET statement_timeout = '30s';\n"
        for q in all {
            s += "-- \(q.name).csv needs \(q.needs)\n"
            s += "\\copy (\(q.sql)) TO '\(q.name).csv' CSV HEADER\n"
        }
        return s
    }
}
