import Simulation
import Workload

/// Reads one `workload.classes` entry (a query class and what it costs), and moves fan-out
/// classes' per-task work to their table's shard count (schema in Scenarios/README.md).
enum QueryClassReader {
    static let kib = ClusterScenarioReader.kib

    static func read(_ c: YAMLMapping, tables: [TableSpec]?) -> QueryClass? {
        let name = c.string("name")
        let kind = c.string("kind", allowed: QueryClass.Kind.allCases.map(\.rawValue)).flatMap(QueryClass.Kind.init(rawValue:))
        let share = c.number("share", in: 0...1e9, lowerExclusive: true)
        let distributed = (tables ?? []).filter { $0.kind == .distributed }.map(\.name)
        let table = c.string("table", default: distributed.first ?? "")
        if let t = table, tables != nil, !distributed.contains(t) {
            c.reader.error(c.value("table") ?? c.node, "`\(c.qualified("table"))` is `\(t)`; expected a distributed table: \(distributed.joined(separator: ", "))")
        }
        let worker = c.mapping("worker_cpu").flatMap(DistributionReader.read)
        let coordinator = c.mapping("coordinator_cpu", required: false).flatMap(DistributionReader.read) ?? (c.value("coordinator_cpu") == nil ? .constant(0.0002) : nil)
        // Volumes in KiB, or in rows of the class's table (× its row_bytes); not both.
        let rowBytes = (tables ?? []).first { $0.name == table }?.rowBytes ?? 200
        func volume(_ kibKey: String, _ rowsKey: String, default fallback: Double) -> Double? {
            guard c.value(rowsKey) != nil else { return c.number(kibKey, in: 0...1e9, default: fallback).map { $0 * kib } }
            if c.value(kibKey) != nil {
                c.reader.error(c.value(rowsKey), "give `\(c.qualified(kibKey))` or `\(c.qualified(rowsKey))`, not both")
                return nil
            }
            return c.number(rowsKey, in: 0...1e12).map { $0 * rowBytes }
        }
        let read = volume("bytes_read_kib", "rows_read", default: 8)
        let result = volume("result_bytes_kib", "rows_returned", default: 1)
        let write = volume("write_bytes_kib", "rows_written", default: 0)
        let command = c.value("command") == nil ? "" : c.string("command", allowed: QueryClass.Command.allCases.map(\.rawValue))
        let work = c.value("fan_out_work") == nil ? nil : c.string("fan_out_work", allowed: FanOutWork.allCases.map(\.rawValue))
        let measured = c.value("measured_at_shard_count") == nil ? nil : c.integer("measured_at_shard_count", in: 1...64_000)
        if let kind, kind == .router || kind == .referenceJoin, let key = ["fan_out_work", "measured_at_shard_count", "merge_sort_nodes", "merge_hash_nodes"].first(where: { c.value($0) != nil }) {
            c.reader.error(c.value(key), "`\(c.qualified(key))` is for classes that fan out; a \(kind.rawValue) query runs one task whatever the shard count")
            return nil
        }
        if kind == .acrossSchemas, let key = ["fan_out_work", "measured_at_shard_count", "merge_sort_nodes", "merge_hash_nodes"].first(where: { c.value($0) != nil }) {
            c.reader.error(c.value(key), "`\(c.qualified(key))` is for classes that fan out over a table's shards; an across_schemas query runs one subplan per schema it reads (`schemas`)")
            return nil
        }
        var schemas = 1
        if kind == .acrossSchemas {
            guard let k = c.integer("schemas", in: 2...100_000) else { return nil }
            schemas = k
            if let command, !command.isEmpty, command != "select" {
                c.reader.error(c.value("command"), "`\(c.qualified("command"))` is `\(command)`; an across_schemas class reads (Citus plans each schema's part as a read-only subplan): use `select`, and model writes per schema as `router` classes")
                return nil
            }
            if (write ?? 0) > 0 {
                c.reader.error(c.value("write_bytes_kib") ?? c.value("rows_written"), "an across_schemas class reads: remove `\(c.qualified(c.value("rows_written") != nil ? "rows_written" : "write_bytes_kib"))`")
                return nil
            }
        } else if c.value("schemas") != nil {
            c.reader.error(c.value("schemas"), "`\(c.qualified("schemas"))` is for `kind: across_schemas` (a query reading several tenant schemas); this class is \(kind?.rawValue ?? "not one")")
            return nil
        }
        let sortNodes = c.integer("sort_nodes", in: 0...1_000, default: 0)
        let hashNodes = c.integer("hash_nodes", in: 0...1_000, default: 0)
        let mergeSortNodes = c.integer("merge_sort_nodes", in: 0...1_000, default: 0)
        let mergeHashNodes = c.integer("merge_hash_nodes", in: 0...1_000, default: 0)
        c.finish()
        guard let name, let kind, let share, let table, distributed.contains(table), let worker, let coordinator, let read, let result, let write,
              let command, c.value("fan_out_work") == nil || work != nil, c.value("measured_at_shard_count") == nil || measured != nil,
              let sortNodes, let hashNodes, let mergeSortNodes, let mergeHashNodes else { return nil }
        var q = QueryClass(name: name, kind: kind, share: share, table: table, workerCPU: worker, coordinatorCPU: coordinator,
                           bytesRead: read, resultBytes: result, writeBytes: write, command: QueryClass.Command(rawValue: command))
        q.fanOutWork = work.flatMap(FanOutWork.init(rawValue:))
        q.measuredAtShardCount = measured
        q.schemasPerQuery = schemas
        q.sortNodes = sortNodes
        q.hashNodes = hashNodes
        q.mergeSortNodes = mergeSortNodes
        q.mergeHashNodes = mergeHashNodes
        return q
    }

    /// Multi-shard classes measured at another shard count than their table has now (say,
    /// `run --set citus.shard_count=64` on figures taken at 32) get their per-task work moved to
    /// the table's shard count as their `fan_out_work` says (`per_shard` when not given).
    static func rescaleMeasuredWork(_ workload: inout WorkloadSpec, tables: [TableSpec], citus: CitusSpec) {
        for i in workload.classes.indices {
            let c = workload.classes[i]
            guard let measured = c.measuredAtShardCount, let table = tables.first(where: { $0.name == c.table }) else { continue }
            let now = table.shardCount ?? citus.shardCount
            workload.classes[i] = c.rescaled(fromShards: measured, toShards: now, work: c.fanOutWork ?? .perShard)
            workload.classes[i].measuredAtShardCount = now
        }
    }
}
