import Scenario
import SimCore
import Simulation
import TextFormat

/// Outputs of a timeline's operations (first replication; durations with intervals over all
/// replications are in summary.json / summary.csv as `opN.*`).
extension ClusterReport {
    var operationLog: OperationLog? { first.operations }

    static func seconds(_ t: SimTime?) -> CSVWriter.Cell { t.map { .number($0.seconds, digits: 3) } ?? .text("") }

    /// One row per timeline entry (and per background job): start, end, status, Citus's error.
    var operationsCSV: String {
        var w = CSVWriter(columns: ["operation", "line", "statement", "start_s", "end_s", "duration_s", "status", "bytes_copied_gib",
                                    "write_blocked_group_s", "error"])
        for (i, op) in (operationLog?.operations ?? []).enumerated() {
            let duration: CSVWriter.Cell = op.end.map { .number(($0 - op.start).seconds, digits: 3) } ?? .text("")
            w.appendRow([.integer(Int64(i + 1)), .integer(Int64(op.line)), .text(op.label), Self.seconds(op.start), Self.seconds(op.end), duration,
                         .text(op.status), .number(op.bytesCopied / 1_073_741_824, digits: 4), .number(op.writeBlockedGroupSeconds, digits: 3), .text(op.error ?? "")])
        }
        return w.text
    }

    /// Citus's metadata when the first replication's timeline ended, in the formats `plan` and
    /// `apply` read (`shards_after.csv`, `nodes_after.csv`), and the `citus_schemas` view when
    /// the cluster has tenant schemas. Statements plan from metadata alone, so replications
    /// differ only when a statement failed in one and not another (a timeout).
    var metadataAfterFiles: [(name: String, contents: String)] {
        guard let state = first.metadataAfter else { return [] }
        var out = [("shards_after.csv", ShardsCSV.render(state)), ("nodes_after.csv", NodesCSV.render(state))]
        if !state.tenantSchemas.isEmpty { out.append(("citus_schemas_after.csv", CitusSchemasCSV.render(state))) }
        return out
    }

    /// One row per shard-group transfer with its phases: Gantt-ready (source and target rows).
    var transfersCSV: String {
        var w = CSVWriter(columns: ["operation", "task_id", "kind", "anchor_shard", "source", "target", "mode", "bytes_gib", "start_s", "copy_start_s",
                                    "copy_end_s", "indexes_start_s", "indexes_end_s", "catch_up_end_s", "write_block_start_s", "end_s", "status", "writes_delayed", "write_delay_total_s",
                                    "writes_failed", "error"])
        for t in operationLog?.transfers ?? [] {
            w.appendRow([.integer(Int64(t.operation + 1)), t.task.map { .integer($0) } ?? .text(""), .text(t.kind), .integer(t.anchorShard), .text(t.source),
                         .text(t.target), .text(t.mode), .number(t.bytes / 1_073_741_824, digits: 4), Self.seconds(t.start), Self.seconds(t.copyStart),
                         Self.seconds(t.copyEnd), Self.seconds(t.indexStart), Self.seconds(t.indexEnd), Self.seconds(t.catchUpEnd), Self.seconds(t.blockStart), Self.seconds(t.end), .text(t.status),
                         .integer(Int64(t.writesDelayed)), .number(t.writeBlockedSeconds, digits: 3), .integer(Int64(t.writesFailed)), .text(t.error ?? "")])
        }
        return w.text
    }

    /// Background task executions (citus_rebalance_status-style), one row per attempt.
    var tasksCSV: String {
        var w = CSVWriter(columns: ["job_id", "task_id", "attempt", "command", "nodes", "depends_on", "start_s", "end_s", "status", "error"])
        for r in operationLog?.taskRuns ?? [] {
            w.appendRow([.integer(r.job), .integer(r.task), .integer(Int64(r.attempt)), .text(r.command), .text(r.nodes),
                         .text(r.dependsOn.map(String.init).joined(separator: " ")), Self.seconds(r.start),
                         Self.seconds(r.end), .text(r.status), .text(r.error ?? "")])
        }
        return w.text
    }

    /// NOTICE/WARNING/ERROR lines as Citus printed them, with the simulated time.
    var messagesCSV: String {
        var w = CSVWriter(columns: ["time_s", "message"])
        for m in operationLog?.messages ?? [] { w.appendRow([.number(m.time.seconds, digits: 3), .text(m.text)]) }
        return w.text
    }

    /// summary.json's `operations` block: each operation with its duration over replications.
    var operationsJSON: JSONValue {
        .array((operationLog?.operations ?? []).enumerated().map { i, op in
            var fields: [(String, JSONValue)] = [("operation", .integer(Int64(i + 1))), ("line", .integer(Int64(op.line))), ("statement", .string(op.label)),
                                                 ("start_seconds", .number(op.start.seconds, digits: 3)), ("status", .string(op.status))]
            fields += figures(of: "op\(i + 1)").map { ($0.0, Self.ciJSON($0.1)) }
            if let e = op.error { fields.append(("error", .string(e))) }
            return .object(fields)
        })
    }
}
