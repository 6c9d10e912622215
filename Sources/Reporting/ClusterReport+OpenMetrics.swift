import Foundation
import Simulation

extension ClusterReport {
    /// The first replication's time series in the OpenMetrics text format (1.0), one sample
    /// per family, label set and sample interval, stamped `startSeconds` (Unix time) + the
    /// interval's end in simulated seconds, so a what-if can sit beside production in
    /// Prometheus or Grafana (`promtool tsdb create-blocks-from openmetrics FILE DIR`).
    ///
    /// Units are Prometheus's base units (seconds, ratios); an interval without a completed
    /// query has no percentile sample (a gap, as in the HTML chart). Families are gauges: each
    /// value describes one sample interval.
    public func openMetrics(startSeconds: Int64) -> String {
        let series = first.measurements.series
        let scenarioLabel = "scenario=\"\(Self.labelValue(scenario.name))\""
        var out = ""
        func family(_ name: String, _ help: String, unit: String? = nil, _ samples: (SeriesRow) -> [(labels: String, value: Double)]) {
            out += "# TYPE \(name) gauge\n"
            if let unit { out += "# UNIT \(name) \(unit)\n" }
            out += "# HELP \(name) \(help)\n"
            // Grouped by label set, each in time order (OpenMetrics wants one series' samples together).
            var order: [String] = []
            var lines: [String: [String]] = [:]
            for row in series {
                let stamp = Self.timestamp(startSeconds, row.timeSeconds)
                for s in samples(row) where s.value.isFinite {
                    let labels = s.labels.isEmpty ? scenarioLabel : "\(scenarioLabel),\(s.labels)"
                    if lines[labels] == nil { order.append(labels) }
                    lines[labels, default: []].append("\(name){\(labels)} \(Self.value(s.value)) \(stamp)")
                }
            }
            for labels in order { out += (lines[labels] ?? []).joined(separator: "\n") + "\n" }
        }
        let classes = scenario.workload.classes.map { "class=\"\(Self.labelValue($0.name))\"" }
        family("citus_sim_class_queries_per_second", "Queries of the class completed per second in the sample interval.") { row in
            classes.indices.map { (classes[$0], row.throughput[$0]) }
        }
        family("citus_sim_class_latency_p50_seconds", "Median latency of the class's queries completed in the interval.", unit: "seconds") { row in
            classes.indices.filter { row.completed[$0] > 0 }.map { (classes[$0], row.p50Ms[$0] / 1_000) }
        }
        family("citus_sim_class_latency_p99_seconds", "99th-percentile latency of the class's queries completed in the interval.", unit: "seconds") { row in
            classes.indices.filter { row.completed[$0] > 0 }.map { (classes[$0], row.p99Ms[$0] / 1_000) }
        }
        family("citus_sim_class_timeouts", "Queries of the class cancelled by statement_timeout in the interval.") { row in
            classes.indices.map { (classes[$0], Double(row.timeouts[$0])) }
        }
        family("citus_sim_class_waiting", "Queries of the class arrived and not answered at the interval's end.") { row in
            classes.indices.map { (classes[$0], Double(row.waiting[$0])) }
        }
        family("citus_sim_class_oldest_waiting_seconds", "Age of the class's oldest unanswered query at the interval's end.", unit: "seconds") { row in
            classes.indices.map { (classes[$0], row.oldestWaitingMs[$0] / 1_000) }
        }
        let nodes = nodeNames.map { "node=\"\(Self.labelValue($0))\"" }
        family("citus_sim_node_cpu_utilization_ratio", "CPU busy share of the node in the interval (0 to 1).", unit: "ratio") { row in
            nodes.indices.map { (nodes[$0], row.cpuUtilization[$0]) }
        }
        let shardNodes = nodes.indices.compactMap { i in workerIndex(ofNode: i).map { (label: nodes[i], worker: $0) } }
        family("citus_sim_worker_disk_utilization_ratio", "Disk busy share of the worker in the interval (0 to 1).", unit: "ratio") { row in
            shardNodes.map { ($0.label, row.diskUtilization[$0.worker]) }
        }
        family("citus_sim_worker_connections", "Connections from the coordinators to the worker at the interval's end.") { row in
            shardNodes.map { ($0.label, Double(row.connections[$0.worker])) }
        }
        family("citus_sim_worker_shared_pool_in_use", "Slots of citus.max_shared_pool_size in use for the worker at the interval's end.") { row in
            shardNodes.map { ($0.label, Double(row.sharedPoolInUse[$0.worker])) }
        }
        family("citus_sim_sessions_in_use", "Client sessions (the application's pool) in use at the interval's end.") { row in [("", Double(row.sessionsInUse))] }
        family("citus_sim_session_waiters", "Requests waiting for a client session at the interval's end.") { row in [("", Double(row.sessionWaiters))] }
        if operationLog != nil {
            family("citus_sim_transfers_running", "Shard transfers (moves, splits, copies) running at the interval's end.") { row in [("", Double(row.transfersRunning))] }
            family("citus_sim_write_blocked_groups", "Shard groups whose writes are blocked at the interval's end.") { row in [("", Double(row.writeBlockedGroups))] }
        }
        return out + "# EOF\n"
    }

    /// A label value with OpenMetrics's escapes (backslash, double quote, line feed).
    static func labelValue(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A sample value: shortest exact decimal.
    static func value(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)" }

    /// Unix seconds with milliseconds, without floating-point drift: start + simulated seconds.
    static func timestamp(_ start: Int64, _ seconds: Double) -> String {
        let ms = Int64((seconds * 1_000).rounded())
        let total = start * 1_000 + ms
        let whole = total / 1_000, frac = abs(total % 1_000)
        return "\(whole).\(String(repeating: "0", count: 3 - String(frac).count))\(frac)"
    }
}
