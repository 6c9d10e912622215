import Foundation
import Simulation

extension ImportedScenario {
    /// What to write: the scenario the user gets, or the model of the measured single server
    /// the demand calibration runs (one worker of the source's size, every shard on it, no
    /// coordinator or network cost, so a class's latency is its time on the server).
    public enum Rendering: Sendable { case scenario, sourceReplica }

    /// Sizes of the nodes, with a comment saying where they came from.
    struct NodeSizes {
        var node: HardwareFile.Node
        var comment: String
    }

    var sourceSize: NodeSizes {
        if let n = options.hardware.source { return NodeSizes(node: n, comment: "the measured server, from \(options.hardware.file ?? "--hardware")") }
        let sharedGiB = sharedBuffersGiB ?? 1
        return NodeSizes(node: HardwareFile.Node(cores: 4, memoryGiB: max(4, (sharedGiB * 4).rounded(.up))),
                         comment: "assumption: 4 cores and 4 × shared_buffers of RAM (SQL cannot see the hardware; give source: in --hardware)")
    }

    var coordinatorSize: NodeSizes {
        if let n = options.hardware.coordinator { return NodeSizes(node: n, comment: "from \(options.hardware.file ?? "--hardware")") }
        var s = snapshot.isCitus ? NodeSizes(node: HardwareFile.Node(cores: 4, memoryGiB: 16), comment: "") : sourceSize
        s.comment = "assumption: \(snapshot.isCitus ? "4 cores, 16 GiB" : "the source server's size") (give coordinator: in --hardware)"
        return s
    }

    var workerSize: NodeSizes {
        if let n = options.hardware.workers { return NodeSizes(node: n, comment: "from \(options.hardware.file ?? "--hardware")") }
        var s = snapshot.isCitus ? NodeSizes(node: HardwareFile.Node(cores: 4, memoryGiB: 16), comment: "") : sourceSize
        s.comment = "assumption: \(snapshot.isCitus ? "4 cores, 16 GiB" : "the source server's size") (give workers: in --hardware)"
        return s
    }

    /// `shared_buffers` from pg_settings (in 8 kB blocks), GiB.
    var sharedBuffersGiB: Double? { Double(snapshot.settings["shared_buffers"] ?? "").map { $0 * 8192 / 1_073_741_824 } }
    var maxConnections: Int? { Int(snapshot.settings["max_connections"] ?? "") }
    /// `work_mem` from pg_settings (in kB), MiB, and `hash_mem_multiplier`.
    var workMemMiB: Double? { Double(snapshot.settings["work_mem"] ?? "").map { $0 / 1_024 } }
    var hashMemMultiplier: Double? { Double(snapshot.settings["hash_mem_multiplier"] ?? "") }

    /// The scenario as YAML, every number with its source.
    public func yaml(_ rendering: Rendering = .scenario) -> String {
        let replica = rendering == .sourceReplica
        var y = ""
        func line(_ s: String, _ comment: String = "") { y += comment.isEmpty ? "\(s)\n" : "\(s)  # \(ImportedWorkload.oneLine(comment, limit: 400))\n" }
        let what = snapshot.isCitus ? "a Citus \(snapshot.citusVersion ?? "") coordinator" : "a single PostgreSQL server (no Citus), as a Citus cluster"
        line("# Imported by `citus-sim import` from \(ImportedWorkload.oneLine(snapshot.source, limit: 200)) (\(what); PostgreSQL \(ImportedWorkload.oneLine(snapshot.serverVersion, limit: 60)))")
        line("# at \(snapshot.readAt ?? "an unknown time"), database \(ImportedWorkload.oneLine(snapshot.database, limit: 80)). A starting point to edit: each number says where it")
        line("# came from; \"assumption\" marks what SQL cannot see.")
        if replica { line("# The measured server as the calibration models it: one worker, no coordinator or network cost.") }
        for n in notes { line("# note: \(ImportedWorkload.oneLine(n, limit: 300))") }
        line("version: 1")
        line("kind: cluster")
        line("run:")
        line("  seed: 1")
        line("  duration: \(replica ? "60s" : "5m")")
        line("  warmup: \(replica ? "10s" : "30s")")
        line("  replications: \(replica ? 1 : 3)")
        line("cluster:")
        let maxConn = maxConnections
        if replica {
            line("  coordinator: {cores: 256, memory_gib: 1024}", "large enough never to queue")
            line("  workers: {count: 1, \(nodeFields(sourceSize.node))\(maxConn.map { ", max_connections: \($0)" } ?? "")}", sourceSize.comment)
            line("  network_latency: 0us")
            line("  tls: false")
        } else {
            line("  coordinator: {\(nodeFields(coordinatorSize.node))\(maxConn.map { ", max_connections: \($0)" } ?? "")}", coordinatorSize.comment + (maxConn == nil ? "" : "; max_connections from pg_settings"))
            let groups = options.hardware.workerGroups
            if groups.count > 1 && groups.reduce(0, { $0 + $1.count }) == workers {
                // Workers of different sizes, in node order, as the hardware file lists them.
                line("  workers:", "\(workersComment); sizes from \(options.hardware.file ?? "--hardware"), in node order")
                for g in groups { line("    - {count: \(g.count), \(nodeFields(g.node))}") }
            } else {
                line("  workers: {count: \(workers), \(nodeFields(workerSize.node))}", "\(workersComment); size \(workerSize.comment)")
            }
            if let l = options.hardware.networkLatencySeconds { line("  network_latency: \(duration(l))", "from \(options.hardware.file ?? "--hardware")") }
            if let l = layout {
                line("  layout: {nodes: \(yamlString(l.nodes)), shards: \(yamlString(l.shards))}", "the cluster's own placement (pg_dist_node, citus_shards): nodes renamed coordinator, worker-1... in node-id order")
            }
            if let c = options.hardware.sharedHostCores { line("  shared_host_cores: \(c)", "every node on one host, from \(options.hardware.file ?? "--hardware")") }
        }
        line("citus:")
        line("  shard_count: \(replica ? 1 : shardCount)", replica ? "every shard on the one worker" : (snapshot.isCitus ? "the first distributed table's shards in citus_shards" : "citus.shard_count (Citus's default for new tables)"))
        line("tables:")
        let total = totalDistributedBytes
        var colocationSeen: [Int: String] = [:]
        for t in tables {
            var fields = "name: \(yamlString(t.name)), type: \(t.distributed ? "distributed" : "reference")"
            if t.distributed {
                fields += ", distribution_column_type: \(t.columnType), data_share: \(number(total > 0 ? t.bytes / total : 1))"
                if let r = t.rowBytes, r >= 1 { fields += ", row_bytes: \(number(r))" }
                if !replica, snapshot.isCitus, let c = snapshot.distributedTables.first(where: { $0.name == t.name })?.colocationID {
                    if let first = colocationSeen[c] { fields += ", colocate_with: \(yamlString(first))" } else {
                        colocationSeen[c] = t.name
                        if let n = t.shardCount, n != shardCount { fields += ", shard_count: \(n)" }
                    }
                }
            } else {
                fields += ", size_mib: \(number(max(0.01, t.bytes / 1_048_576)))"
            }
            fields += ", replica_identity: \(t.replicaIdentityFull ? "full" : "\(t.replicaIdentity)"), secondary_indexes: \(t.secondaryIndexes)"
            line("  - {\(fields)}", t.comment)
        }
        line("tenants:")
        line("  count: \(tenantCount)", tenantComment)
        line("  total_size_gib: \(number(max(total, 1_048_576) / 1_073_741_824))", "the distributed tables' sizes (at least 1 MiB)")
        line("  size_zipf: \(number(sizeZipf))", sizeComment)
        line("  activity_zipf: \(number(activityZipf))", activityComment)
        if !observedShares.isEmpty || !observedSizeShares.isEmpty {
            line("  largest:", observedComment)
            // Shares rounded down so that they never sum above 1 (sizes above the total).
            for i in 0..<max(observedShares.count, observedSizeShares.count) {
                var fields = "rank: \(i + 1)"
                if i < observedSizeShares.count { fields += ", size_gib: \(roundedDown(observedSizeShares[i] * max(total, 1_048_576) / 1_073_741_824))" }
                if i < observedShares.count { fields += ", activity_share: \(roundedDown(min(1, observedShares[i])))" }
                line("    - {\(fields)}")
            }
        }
        line("workload:")
        line("  arrivals:")
        line("    rate_per_second: \(number(ratePerSecond))", rateComment)
        if let n = snapshot.clientSessions, n > 0 {
            line("    sessions: \(n)", "pg_stat_activity: client sessions of the database at the import")
        } else {
            line("    sessions: \(min(100, max(1, (maxConn ?? 103) - 3)))", "assumption: no client session at the import (import while the application runs to read its pool); at most max_connections − 3")
        }
        line("  classes:")
        for c in workload.classes {
            line("    # \(c.example)")
            line("    # pg_stat_statements queryid \(c.queryIDs.prefix(4).joined(separator: ", "))\(c.queryIDs.count > 4 ? ", ..." : ""): \(number(c.calls)) calls, observed mean \(number(c.observedMeanMs)) ms, cv \(number(c.cv))")
            line("    - name: \(c.name)")
            line("      kind: \(c.kind)", snapshot.isCitus ? "citus_stat_statements: \(c.kind == "router" ? "a partition key" : "no partition key")" : (c.kind == "router" ? "pins \(distributionColumn(of: c.table) ?? "the distribution column") to one value" : "does not pin the distribution column: every shard"))
            line("      command: \(c.command.rawValue)")
            line("      share: \(number(c.calls / max(workload.totalCalls, 1)))", "calls / all classified calls")
            line("      table: \(yamlString(c.table))")
            line("      worker_cpu: {distribution: lognormal, mean: \(duration(c.demandMs / 1_000)), cv: \(number(max(0.05, c.cv)))}", calibration[c.name] ?? "not calibrated: the observed mean (a fan-out's divided among its shards)")
            if replica { line("      coordinator_cpu: {distribution: constant, value: 0us}") }
            if snapshot.isCitus {
                line("      bytes_read_kib: 8", "assumption: one page; the workers' reads are in their own pg_stat_statements, which import does not read")
            } else {
                line("      bytes_read_kib: \(number(c.bytesReadKiB))", c.command == .insert ? "shared_blks_read / calls in whole blocks (an insert's own pages stay cached)" : "(shared_blks_hit + shared_blks_read) / calls in whole blocks (the model reads whole pages)")
            }
            if c.command == .select { line("      rows_returned: \(number(c.rowsReturned))", "rows / calls") }
            if c.writeKiB > 0 { line("      write_bytes_kib: \(number(c.writeKiB))", "wal_bytes / calls") }
            if c.kind == "multi_shard", !snapshot.isCitus {
                line("      fan_out_work: split", "assumption: a scan, divided among the shards")
                line("      measured_at_shard_count: 1", "measured on one server")
            }
        }
        line("slo:")
        line("  p99_ms:", "assumption: 10 × the observed mean, at least 5 ms; set your objectives")
        for c in workload.classes { line("    \(c.name): \(number(max(5, (c.observedMeanMs * 10).rounded(.up))))") }
        if !replica && (!snapshot.isCitus || growth != nil) { line("advisor:") }
        if !snapshot.isCitus && !replica {
            line("  workload: \(workload.classes.contains { $0.kind == "multi_shard" && $0.calls / max(workload.totalCalls, 1) > 0.2 } ? "real_time_analytics" : "multi_tenant")", "multi-shard statements' share of calls")
            line("  single_node: {cores: \(sourceSize.node.cores), memory_gib: \(number(sourceSize.node.memoryGiB))}", sourceSize.comment)
        }
        if let g = growth, !replica {
            let asOf = snapshot.readAt.map { ", as_of: \($0.prefix(7))" } ?? ""
            line("  runway: {traffic_per_month: \(number(g.trafficPerMonth ?? 0)), data_per_month: \(number(g.dataPerMonth))\(asOf)}",
                 "compound growth per month between two reads of the cluster: data from \(g.dataEvidence); traffic from \(g.trafficEvidence)")
        }
        return y
    }

    func nodeFields(_ n: HardwareFile.Node) -> String {
        var s = "cores: \(n.cores), memory_gib: \(number(n.memoryGiB))"
        if let sb = sharedBuffersGiB, sb < n.memoryGiB { s += ", shared_buffers_gib: \(number(sb))" }
        if let v = n.diskIOPS { s += ", disk_iops: \(number(v))" }
        if let v = n.diskMBPerSecond { s += ", disk_mb_per_second: \(number(v))" }
        if let v = n.diskLatencySeconds { s += ", disk_latency: \(duration(v))" }
        if let v = n.nicGbps { s += ", nic_gbps: \(number(v))" }
        if let v = n.diskGiB { s += ", disk_gib: \(number(v))" }
        // The sorts' and hashes' memory (the scenario's defaults are PostgreSQL 15's).
        if let v = workMemMiB, v != 4, NodeSpec.workMemMiBRange.contains(v) { s += ", work_mem_mib: \(number(v))" }
        if let v = hashMemMultiplier, v != 2, NodeSpec.hashMemMultiplierRange.contains(v) { s += ", hash_mem_multiplier: \(number(v))" }
        return s
    }
}

/// A duration with a unit the scenario reads (`12.5us`, `3.2ms`, `2s`).
func duration(_ seconds: Double) -> String {
    if seconds < 1e-3 { return "\(number(max(seconds * 1e6, 0.001)))us" }
    if seconds < 1 { return "\(number(seconds * 1e3))ms" }
    return "\(number(seconds))s"
}

/// A YAML double-quoted scalar: any name from the database is safe in it.
func yamlString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 || u.value == 0x7F || (0x80...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 {
                out += String(format: "\\u%04X", u.value)
            } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}
