import SQL
import SimCore
import Workload

/// The schema-based sharding benchmark's scenario (`citus-sim bench schemas`): `schemas` tenant
/// schemas, each with three tables (orders, order_items, customers; ~10 MiB per schema on
/// average, Zipf sizes), on 6 workers × 16 cores under 1,000 single-schema queries/s; at 60 s
/// two workers are added and `rebalance_table_shards` (by_shard_count, block_writes) spreads
/// the schemas over all 8. The goal: 100,000 schemas in under 30 s and 2 GiB.
public enum ReferenceSchemaRebalance {
    public static func make(schemas: Int, rate: Double = 1_000) throws -> ClusterScenario {
        var s = try ReferenceScenario.make(rate: rate, duration: .hours(6))
        s.name = "bench-schemas"
        s.citus.schemaBasedSharding = true
        s.cluster.workerCount = 6
        s.tables = [TableSpec(name: "orders", kind: .distributed, dataShare: 0.6),
                    TableSpec(name: "order_items", kind: .distributed, dataShare: 0.3),
                    TableSpec(name: "customers", kind: .distributed, dataShare: 0.1)]
        s.workload.tenants = try TenantPopulation(count: schemas, totalBytes: Double(schemas) * 10 * 1_048_576, sizeExponent: 0.8, activityExponent: 0.9)
        s.workload.classes = [
            QueryClass(name: "order_lookup", kind: .router, share: 0.9, table: "orders", workerCPU: try .lognormal(mean: 0.002, cv: 1.5),
                       coordinatorCPU: .exponential(mean: 0.0002), bytesRead: 16 * 8_192, resultBytes: 4_096),
            QueryClass(name: "order_update", kind: .router, share: 0.1, table: "orders", workerCPU: .exponential(mean: 0.001),
                       coordinatorCPU: .exponential(mean: 0.0002), bytesRead: 8_192, writeBytes: 4_096, command: .update),
        ]
        let sql = """
            SELECT citus_add_node('\(ClusterSpec.workerName(6))', 5432);
            SELECT citus_add_node('\(ClusterSpec.workerName(7))', 5432);
            SELECT rebalance_table_shards(rebalance_strategy := 'by_shard_count', shard_transfer_mode := 'block_writes');
            """
        s.timeline = try SQLRunbookParser.parse(sql, file: "bench").map { TimelineEntry(at: .seconds(60), action: .sql($0, text: "\($0.kind)"), line: $0.line, column: $0.column) }
        return s
    }
}
