import Diagnostics
import Runbook
import SQL
import SimCore
import Simulation
import Yams

/// Reads a scenario's `timeline` (schema in Scenarios/README.md): each entry has `at` and
/// either `sql` (one or more Citus statements) or `event` (node_fails, node_returns,
/// rate_multiplier, tenant_grows, add_coordinator, new_tenants). Statements are parsed now; a parse error,
/// an unknown function, or a table or node the scenario does not have is a validation error
/// located in the file. Errors Citus raises at run time (a node that must be emptied first, a
/// missing replica identity) are recorded when the statement runs.
enum TimelineReader {
    static func read(_ root: YAMLMapping, tables: [TableSpec]?, cluster: ClusterSpec?, tenantCount: Int?) -> [TimelineEntry]? {
        let tenantCount = max(1, tenantCount ?? 10_000_000)
        guard let node = root.value("timeline") else { return [] }
        let reader = root.reader
        guard case .sequence = node else {
            reader.error(node, "`timeline` must be a list of entries with `at` and `sql` or `event`")
            return nil
        }
        // Names are checked only against sections that parsed: errors that depend on a failed
        // section wait until it is fixed rather than mislead.
        var nodes: [String]? = cluster.map { c in c.coordinatorNames + c.workerNames }
        let tableNames = tables?.map(\.name)
        var entries: [TimelineEntry] = []
        var ok = true
        var newTenants = 0  // tenants the timeline's `new_tenants` events add so far
        for (i, item) in node.array().enumerated() {
            guard let m = reader.mapping(item, path: "timeline[\(i)]") else { ok = false; continue }
            let at = m.duration("at", allowZero: true)
            let line = item.mark?.line ?? 0, column = item.mark?.column ?? 0
            let sql = m.value("sql"), event = m.value("event")
            switch (sql, event) {
            case (let text?, nil):
                guard let at, let statements = statements(text, reader: reader, path: m.qualified("sql"), indent: column + 2) else { ok = false; break }
                for (statement, source) in statements {
                    if let problem = check(statement, tables: tableNames, nodes: &nodes) {
                        reader.append(Finding(file: reader.file, line: statement.line, column: statement.column, severity: .error, message: problem))
                        ok = false
                    }
                    entries.append(TimelineEntry(at: SimDuration(seconds: at), action: .sql(statement, text: source), line: statement.line, column: statement.column))
                }
            case (nil, _?):
                let kind = m.string("event", allowed: ["node_fails", "node_returns", "rate_multiplier", "tenant_grows", "add_coordinator", "new_tenants"])
                var action: TimelineEntry.Action?
                switch kind {
                case "node_fails", "node_returns":
                    let name = m.string("node")
                    let standby = kind == "node_fails" ? m.bool("standby", default: false) : false
                    if let name, let known = nodes, !known.contains(name) {
                        reader.error(m.value("node"), "`\(m.qualified("node"))` is `\(name)`; nodes at this point of the timeline: \(known.joined(separator: ", "))")
                    } else if let name, let standby {
                        action = kind == "node_fails" ? .nodeFails(node: name, standby: standby) : .nodeReturns(node: name)
                    }
                case "rate_multiplier":
                    if let f = m.number("factor", in: 0...1_000) { action = .rateMultiplier(f) }
                case "tenant_grows":
                    let rank = m.integer("rank", in: 1...tenantCount)
                    let size = m.number("size_factor", in: 0...1_000_000, lowerExclusive: true, default: 1)
                    let activity = m.number("activity_factor", in: 0...1_000_000, lowerExclusive: true, default: 1)
                    if let rank, let size, let activity { action = .tenantGrows(rank: rank, size: size, activity: activity) }
                case "new_tenants":
                    let count = m.integer("count", in: 1...1_000_000)
                    let size = m.value("size_mib") == nil ? Optional<Double>.none : m.number("size_mib", in: 0...1e9, lowerExclusive: true).map { $0 * 1_048_576 }
                    let activity = m.number("activity_factor", in: 0...1_000_000, lowerExclusive: true, default: 1)
                    if let count, let activity, m.value("size_mib") == nil || size != nil {
                        action = .newTenants(first: tenantCount + newTenants, count: count, sizeBytes: size, activity: activity)
                        newTenants += count
                    }
                case "add_coordinator":
                    if let name = m.string("node") {
                        if let known = nodes, known.contains(name) {
                            reader.error(m.value("node"), "`\(m.qualified("node"))` is `\(name)`, already a node of the cluster; name the new coordinator differently (nodes at this point: \(known.joined(separator: ", ")))")
                        } else {
                            nodes?.append(name)
                            action = .coordinatorAdded(name: name)
                        }
                    }
                default:
                    break  // an unknown event name is already reported by `string(_:allowed:)`
                }
                if let at, let action {
                    entries.append(TimelineEntry(at: SimDuration(seconds: at), action: action, line: line, column: column))
                } else {
                    ok = false
                }
            case (_?, _?):
                reader.error(event, "a timeline entry has either `sql` or `event`, not both")
                ok = false
            case (nil, nil):
                reader.error(item, "`timeline[\(i)]` needs `sql` (Citus statements) or `event` (node_fails, node_returns, rate_multiplier, tenant_grows, add_coordinator, new_tenants)")
                ok = false
            }
            m.finish()
        }
        guard ok else { return nil }
        // Stable by time: entries with the same `at` keep their file order.
        let sorted = entries.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        warnExecutorLimits(sorted, reader: reader)
        return sorted
    }

    /// Warns at a `SET` of a `citus.` name Citus does not have (PostgreSQL accepts it silently),
    /// and at each background rebalance (`citus_rebalance_start`) that starts while
    /// `citus.max_background_task_executors_per_node` exceeds `citus.max_background_task_executors`
    /// (1 on a fresh Citus 13.2 cluster): the global limit caps the tasks running at once, so the
    /// per-node setting cannot take effect.
    static func warnExecutorLimits(_ entries: [TimelineEntry], reader: YAMLReader) {
        var global = 1, perNode = 1
        for e in entries {
            guard case .sql(let statement, _) = e.action else { continue }
            switch statement.kind {
            case .set(let name, let value, _):
                if let w = RunbookRunner.unknownSettingWarning(name) {
                    reader.append(Finding(file: reader.file, line: statement.line, column: statement.column, severity: .warning, message: w.text))
                }
                let v: Int?
                switch value {
                case .number(let n), .string(let n): v = Int(n)
                default: v = nil
                }
                if name == "citus.max_background_task_executors", let v { global = v }
                if name == "citus.max_background_task_executors_per_node", let v { perNode = v }
            case .call(let function, _) where function == "citus_rebalance_start" && perNode > global:
                reader.append(Finding(file: reader.file, line: statement.line, column: statement.column, severity: .warning, message:
                    "\(function) runs with citus.max_background_task_executors_per_node = \(perNode) but citus.max_background_task_executors = \(global)\(global == 1 ? " (Citus 13.2's default)" : ""): at most \(global) task\(global == 1 ? "" : "s") run at once cluster-wide, so the per-node setting cannot take effect; also set citus.max_background_task_executors (for example ALTER SYSTEM SET citus.max_background_task_executors = \(perNode * 4); SELECT pg_reload_conf();)"))
            default:
                break
            }
        }
    }

    /// The statements of a `sql` value with their positions in the scenario file and their text.
    static func statements(_ node: Node, reader: YAMLReader, path: String, indent: Int) -> [(SQLStatement, String)]? {
        guard let scalar = node.scalar else {
            reader.error(node, "`\(path)` must be a string of SQL statements")
            return nil
        }
        let mark = scalar.mark
        let block = scalar.style == .literal || scalar.style == .folded
        // Block scalars start on the next line, indented; others where the value starts.
        let lineOffset = (mark?.line ?? 1) - (block ? 0 : 1)
        let columnOffset = block ? indent - 1 : (mark?.column ?? 1) + (scalar.style == .plain ? 0 : 1) - 1
        do {
            let parsed = try SQLRunbookParser.parse(scalar.string, file: reader.file)
            let lines = scalar.string.split(separator: "\n", omittingEmptySubsequences: false)
            return parsed.map { s in
                var located = s
                located.line = s.line + lineOffset
                located.column = s.line == 1 && !block ? s.column + columnOffset : s.column + (block ? columnOffset : 0)
                let rest = s.line - 1 < lines.count ? String(lines[s.line - 1].dropFirst(max(0, s.column - 1))) : ""
                return (located, firstStatement(rest).trimmingSpaces)
            }
        } catch let e as InputError {
            for f in e.findings {
                reader.append(Finding(file: f.file, line: f.line + lineOffset, column: f.column + (block || f.line == 1 ? columnOffset : 0),
                                      severity: f.severity, message: f.message))
            }
            return nil
        } catch {
            reader.error(node, "\(error)")
            return nil
        }
    }

    /// The text up to the first `;` outside quotes (the statement's own text on its line).
    static func firstStatement(_ line: String) -> String {
        var quoted = false
        var out = ""
        for c in line {
            out.append(c)
            if c == "'" { quoted.toggle() }
            if c == ";" && !quoted { break }
        }
        return out
    }

    /// A problem citus-sim can see before running: an unknown function, table or node.
    /// `nodes` nil: the cluster section did not parse, so node names are not checked (an error
    /// listing only the coordinator would mislead); `tables` likewise when the tables did not.
    static func check(_ s: SQLStatement, tables: [String]?, nodes: inout [String]?) -> String? {
        guard case .call(let f, let arguments) = s.kind else { return nil }
        guard RunbookRunner.knownFunctions.contains(f) else {
            return "citus-sim does not simulate \(f)() in a timeline; supported: \(RunbookRunner.knownFunctions.joined(separator: ", "))"
        }
        func argument(_ name: String, _ position: Int) -> String? {
            let a = arguments.first { $0.name == name } ?? (arguments.count > position && arguments[position].name == nil ? arguments[position] : nil)
            if case .string(let v)? = a?.value { return v }
            return nil
        }
        let tableArgument: [String: (String, Int)] = ["rebalance_table_shards": ("relation", 0), "isolate_tenant_to_new_shard": ("table_name", 0),
                                                       "replicate_table_shards": ("relation", 0), "get_rebalance_table_shards_plan": ("relation", 0),
                                                       "alter_distributed_table": ("table_name", 0)]
        if let tables, let (name, position) = tableArgument[f], let t = argument(name, position), !tables.contains(t) {
            return "\(f): table `\(t)` is not in the scenario; tables: \(tables.joined(separator: ", "))"
        }
        if f == "alter_distributed_table" {
            let unsupported = arguments.enumerated().contains { i, a in
                (a.name == "distribution_column" || a.name == "colocate_with" || (a.name == nil && (i == 1 || i == 3))) && a.value != .null
            }
            if unsupported {
                return "alter_distributed_table: citus-sim simulates a change of shard_count (with cascade_to_colocated) only; distribution_column and colocate_with are not modelled"
            }
        }
        let nodeArguments: [String: [(String, Int)]] = [
            "citus_remove_node": [("nodename", 0)], "citus_set_node_property": [("nodename", 0)], "citus_drain_node": [("nodename", 0)],
            "citus_move_shard_placement": [("source_node_name", 1), ("target_node_name", 3)], "citus_add_clone_node": [("primary_hostname", 2)],
            "get_snapshot_based_node_split_plan": [("primary_node_name", 0)],
        ]
        guard let known = nodes else { return nil }
        for (name, position) in nodeArguments[f] ?? [] {
            if let n = argument(name, position), !known.contains(n) {
                return "\(f): node `\(n)` is not in the cluster at this point of the timeline; nodes: \(known.joined(separator: ", "))"
            }
        }
        if f == "citus_add_node", let n = argument("nodename", 0), !known.contains(n) { nodes?.append(n) }
        if f == "citus_add_clone_node" || f == "citus_add_clone_node_with_nodeid", let n = argument("replica_hostname", 0), !known.contains(n) { nodes?.append(n) }
        return nil
    }
}
