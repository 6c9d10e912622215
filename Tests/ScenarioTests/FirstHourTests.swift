import Advisor
import Diagnostics
import Experiments
import Reporting
import Scenario
import SimCore
import Simulation
import TextFormat
import Workload
import XCTest

/// Issue 23, a DBA's first hour: results that looked right but were not. Each test failed on
/// the build before the fix.
final class FirstHourTests: XCTestCase {
    /// A 4-worker cluster with lookups and updates, and `timeline` (YAML lines, indented 2).
    func scenario(duration: String = "4m", rate: Double = 400, sessions: Int = 480, updateShare: Double = 0.02,
                  arrivals: String = "", sizeGiB: Int = 16, timeline: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 11, duration: \(duration), warmup: 0s, replications: 1, sample_interval: 10s}
            cluster:
              coordinator: {cores: 8, memory_gib: 32}
              workers: {count: 4, cores: 8, memory_gib: 64, disk_mb_per_second: 2000, max_connections: 1000}
            citus: {shard_count: 8}
            tables:
              - {name: events, type: distributed, data_share: 0.8}
              - {name: accounts, type: distributed, colocate_with: events, data_share: 0.2}
            tenants: {count: 2000, total_size_gib: \(sizeGiB), size_zipf: 0.8, activity_zipf: 0.9}
            workload:
              arrivals: {rate_per_second: \(rate), sessions: \(sessions)\(arrivals)}
              classes:
                - {name: lookup, kind: router, share: \(1 - updateShare), table: events, worker_cpu: {distribution: exponential, mean: 1ms}, bytes_read_kib: 16}
                - {name: update, kind: router, share: \(updateShare), table: events, command: update, worker_cpu: {distribution: exponential, mean: 1ms}, write_bytes_kib: 8}
            timeline:
            \(timeline)
            """
        let (loaded, _) = try ScenarioLoader.load(text: yaml, file: "first-hour.yaml", name: "first-hour")
        guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster scenario") }
        return s
    }

    /// The smallest valid cluster scenario (for tests of the loader).
    static let minimal = """
        version: 1
        kind: cluster
        cluster:
          coordinator: {cores: 8, memory_gib: 32}
          workers: {count: 4, cores: 8, memory_gib: 64}
        tables:
          - {name: events, type: distributed}
        tenants: {count: 100, total_size_gib: 1}
        workload:
          arrivals: {rate_per_second: 10}
          classes:
            - {name: lookup, kind: router, share: 1, worker_cpu: {distribution: constant, value: 1ms}}
        """

    func report(_ s: ClusterScenario) throws -> ClusterReport { ClusterReport(try ClusterExperiment.run(s, threads: 1)) }

    func file(_ r: ClusterReport, _ name: String) throws -> String { try XCTUnwrap(r.files.first { $0.name == name }?.contents, name) }

    /// Item 2: an operation still running at the end is reported as unfinished everywhere a
    /// duration appears: `opN.finished` 0 in summary.csv, a warning on stdout, and "did not
    /// finish within the run" in the report; a finished one has `finished` 1.
    func testUnfinishedOperationIsReportedEverywhere() throws {
        let s = try scenario(duration: "50s", timeline: """
              - {at: 30s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 40s, sql: "SELECT citus_rebalance_start();"}
            """)
        let r = try report(s)
        let ops = try XCTUnwrap(r.first.operations).operations
        let job = try XCTUnwrap(ops.firstIndex { $0.label.hasPrefix("background job") })
        XCTAssertNil(ops[job].end, "3 GiB cannot move in 10 s")
        let summary = try file(r, "summary.csv")
        XCTAssertTrue(summary.contains("\nop1.finished,1.000000,"), summary)
        XCTAssertTrue(summary.contains("\nop\(job + 1).finished,0.000000,"), summary)
        let terminal = r.terminalSummary()
        XCTAssertTrue(terminal.contains("warning: op\(job + 1) (background job"), terminal)
        XCTAssertTrue(terminal.contains("did not finish within the run"), terminal)
        XCTAssertTrue(try file(r, "report.html").contains("did not finish within the run"))
    }

    /// Items 6 and 9: during alter_distributed_table every write waits. The time series counts
    /// the blocked shard groups (the table lock covers all 8), leaves the updates' percentiles
    /// empty instead of 0, and says how many updates wait and how old the oldest is; the chart
    /// draws the gap and the waiting age; stdout gives p99 before, during and after.
    func testWriteBlockDuringConversionIsVisibleInTheTimeSeries() throws {
        // Enough data that the conversion outlasts several 10 s intervals at the copy rate.
        let s = try scenario(sizeGiB: 64, timeline: """
              - {at: 1m, sql: "SELECT alter_distributed_table('events', shard_count := 32, cascade_to_colocated := true);"}
            """)
        let r = try report(s)
        let op = try XCTUnwrap(r.first.operations?.operations.first)
        let end = try XCTUnwrap(op.end)
        let during = r.first.measurements.series.filter { $0.timeSeconds > op.start.seconds + 10 && $0.timeSeconds <= end.seconds }
        XCTAssertFalse(during.isEmpty)
        let update = 1
        for row in during {
            XCTAssertEqual(row.writeBlockedGroups, 8, "every old shard group of the locked tables, at \(row.timeSeconds) s")
            XCTAssertEqual(row.completed[update], 0)
            XCTAssertGreaterThan(row.waiting[update], 0)
            XCTAssertGreaterThan(row.oldestWaitingMs[update], (row.timeSeconds - op.start.seconds - 10) * 1e3, "the oldest update waits since the lock")
        }
        let csv = try file(r, "timeseries_classes.csv")
        let t = NumberFormat.fixed(try XCTUnwrap(during.first).timeSeconds, 3)
        let line = try XCTUnwrap(csv.split(separator: "\n").first { $0.hasPrefix("\(t),update,") })
        XCTAssertTrue(line.hasPrefix("\(t),update,0.000,,,0,"), "no percentile without a completion: \(line)")
        let html = try file(r, "report.html")
        XCTAssertTrue(html.contains("update: oldest waiting"))
        let terminal = r.terminalSummary()
        XCTAssertTrue(terminal.contains("op1 p99 ms before → worst interval during → after: lookup"), terminal)
        // The worst interval for updates is at least the lock's length, not 0.
        let around = r.latencyAround(op)
        XCTAssertGreaterThan(try XCTUnwrap(around[update].during), (end - op.start).seconds * 1e3 * 0.8)
    }

    /// Item 6: the headers name what the timeline changes: the peak rate after a rate
    /// multiplier, the workers it adds, and that the summary averages the phases; the time axis
    /// ends at the run's end.
    func testHeadersSayWhatChangedAndWhen() throws {
        let s = try scenario(duration: "200s", rate: 300, sessions: 100, timeline: """
              - {at: 20s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 100s, event: rate_multiplier, factor: 2}
            """)
        let r = try report(s)
        let html = try file(r, "report.html")
        XCTAssertTrue(html.contains("300 queries/s at the start, 600 at most"), "the header's rate follows the timeline")
        XCTAssertTrue(html.contains("the timeline adds 1 worker of the first group&#39;s size (5 workers from 20 s)"))
        XCTAssertTrue(html.contains("at 100 s: arrival rate ×2.00 of the schedule (timeline): 600 queries/s from here"))
        XCTAssertTrue(r.terminalSummary().contains("note: the arrival rate changes during the run, so the figures above average its phases"))
        // No tick of the time axis beyond the run's 200 s.
        let from = try XCTUnwrap(html.range(of: "Latency p99 per sample interval"))
        let to = try XCTUnwrap(html.range(of: "</svg>", range: from.upperBound..<html.endIndex))
        let chart = String(html[from.upperBound..<to.lowerBound])
        let ticks = chart.components(separatedBy: "<text class=\"tick\" x=\"").dropFirst().compactMap { part -> Double? in
            guard part.contains("text-anchor=\"middle\"") else { return nil }
            let text = part.split(separator: ">", maxSplits: 1).last?.split(separator: "<").first
            return text.flatMap { Double($0) }
        }
        XCTAssertFalse(ticks.isEmpty)
        XCTAssertLessThanOrEqual(ticks.max() ?? 0, 200)
    }

    /// Item 5: validate warns when the per-node executor limit cannot take effect.
    func testPerNodeExecutorsAboveTheGlobalLimitWarn() throws {
        let text = { (global: String) in FirstHourTests.minimal + """

            timeline:
              - at: 1m
                sql: |
                  \(global)ALTER SYSTEM SET citus.max_background_task_executors_per_node = 2;
                  SELECT citus_rebalance_start();
            """ }
        let (_, warnings) = try ScenarioLoader.load(text: text(""), file: "e.yaml", name: "e")
        let w = try XCTUnwrap(warnings.first { $0.message.contains("max_background_task_executors_per_node = 2") }, "\(warnings)")
        XCTAssertTrue(w.message.contains("citus.max_background_task_executors = 1 (Citus 13.2's default)"), w.message)
        XCTAssertEqual(w.line, 17, "the citus_rebalance_start line")
        let (_, fine) = try ScenarioLoader.load(text: text("ALTER SYSTEM SET citus.max_background_task_executors = 8;\n      "), file: "e.yaml", name: "e")
        XCTAssertFalse(fine.contains { $0.message.contains("cannot take effect") }, "\(fine)")
    }

    /// Item 7: a section that fails to parse does not hide the errors of the others (the
    /// workload's are listed when the tenants failed), and no follow-on error pretends the
    /// cluster has only a coordinator.
    func testAllErrorsAtOnceWithoutMisleadingFollowOns() throws {
        let yaml = """
            version: 1
            kind: cluster
            cluster:
              coordinator: {cores: 8, memory_gib: 32}
              workers: {count: 4, cores: -8, memory_gib: 64}
            tables:
              - {name: events, type: distributed}
            tenants: {count: 0, total_size_gib: 1}
            workload:
              arrivals: {rate_per_second: 10, sessions: -5}
              classes:
                - {name: lookup, kind: routr, share: 1, worker_cpu: {distribution: constant, value: 1ms}}
                - {name: dash, kind: multi_shard, share: -1, table: nope, worker_cpu: {distribution: constant, value: 1ms}}
            timeline:
              - {at: 1m, sql: "SELECT citus_drain_node('worker-2', 5432);"}
            """
        XCTAssertThrowsError(try ScenarioLoader.load(text: yaml, file: "bad.yaml", name: "bad")) { error in
            let findings = (error as? InputError)?.findings ?? []
            let at = findings.map { "\($0.line):\($0.column)" }
            XCTAssertEqual(at, ["5:30", "8:18", "10:45", "12:28", "13:46", "13:57"], "\(findings)")
            XCTAssertFalse(findings.contains { $0.message.contains("nodes: coordinator") }, "\(findings)")
        }
    }

    /// Item 8: the sanity check before simulating: a node offered more than its capacity is
    /// warned with the figures; a `largest` list that makes rank 4 busier than ranks 2 and 3 is
    /// warned; an operation that cannot finish within `run.duration` even on an idle cluster is
    /// warned with the duration it needs.
    func testPreflightWarnsBeforeSimulating() throws {
        let overloaded = try scenario(rate: 40_000, sessions: 480, timeline: "  []")
        let p = try Preflight(overloaded)
        XCTAssertTrue(p.lines[0].hasPrefix("offered load at the peak rate (40000 queries/s)"), p.lines[0])
        XCTAssertTrue(p.warnings.contains { $0.hasPrefix("worker-") && $0.contains("the queue will grow without bound") }, "\(p.warnings)")
        XCTAssertTrue(try Preflight(try scenario(timeline: "  []")).warnings.isEmpty, "400 queries/s on 32 cores is fine")

        var s = try scenario(timeline: "  []")
        s.workload.tenants = try TenantPopulation(count: 2000, totalBytes: 16 * 1_073_741_824, sizeExponent: 0.8, activityExponent: 0.9,
                                                  overrides: [.init(rank: 4, activityShare: 0.05)])
        let ranks = try Preflight(s).warnings
        XCTAssertTrue(ranks.contains { $0.hasPrefix("tenants.largest makes rank 4 busier (5.0% of the queries) than rank 2") }, "\(ranks)")

        let long = try scenario(duration: "50s", timeline: """
              - {at: 30s, sql: "SELECT citus_add_node('worker-5', 5432);"}
              - {at: 40s, sql: "SELECT citus_rebalance_start();"}
            """)
        let ops = try Preflight(long)
        let w = try XCTUnwrap(ops.warnings.first { $0.hasPrefix("op3 (background job 1") }, "\(ops.warnings)")
        XCTAssertTrue(w.contains("cannot finish within run.duration (50 s)"), w)
        // The estimate agrees with the simulated run under this light load within a few percent.
        let estimate = try XCTUnwrap(ops.lines.first { $0.hasPrefix("op3 ") })
        var longer = long
        longer.run.duration = .minutes(20)
        let job = try XCTUnwrap(try ClusterRun.run(longer, layout: try ClusterRun.layout(for: longer), seed: 5).operations?.operations[2])
        let simulated = (try XCTUnwrap(job.end) - job.start).seconds
        let idle = try XCTUnwrap(Double(estimate.components(separatedBy: "about ")[1].split(separator: " ")[0]))
        XCTAssertLessThanOrEqual(idle, simulated + 1, "idle is a lower bound")
        XCTAssertGreaterThan(idle, simulated * 0.8, "\(estimate) against \(simulated) s under load")
    }

    /// Item 12: one model of per-task work for `run` and `recommend`. A fan-out class measured
    /// at 32 shards with `fan_out_work: split` costs half per task at 64 shards; `per_shard`
    /// keeps it; a router class cannot take the key.
    func testPerTaskWorkFollowsTheShardCountInRun() throws {
        let text = { (work: String, shards: Int, kind: String) in
            FirstHourTests.minimal.replacingOccurrences(of: "- {name: lookup, kind: router, share: 1, worker_cpu: {distribution: constant, value: 1ms}}",
                with: "- {name: scan, kind: \(kind), share: 1, worker_cpu: {distribution: constant, value: 8ms}, bytes_read_kib: 1024, fan_out_work: \(work), measured_at_shard_count: 32}")
                + "\ncitus: {shard_count: \(shards)}"
        }
        func scan(_ work: String, _ shards: Int) throws -> QueryClass {
            let (loaded, _) = try ScenarioLoader.load(text: text(work, shards, "multi_shard"), file: "w.yaml", name: "w")
            guard case .cluster(let s) = loaded else { throw XCTSkip("not a cluster") }
            return s.workload.classes[0]
        }
        XCTAssertEqual(try scan("split", 32).workerCPU.mean, 0.008, accuracy: 1e-12)
        XCTAssertEqual(try scan("split", 64).workerCPU.mean, 0.004, accuracy: 1e-12)
        XCTAssertEqual(try scan("split", 64).bytesRead, 512 * 1_024, accuracy: 1e-6)
        XCTAssertEqual(try scan("per_shard", 64).workerCPU.mean, 0.008, accuracy: 1e-12)
        // The same through --set, as a what-if user would write it.
        let (loaded, _) = try ScenarioLoader.load(text: text("split", 32, "multi_shard"), file: "w.yaml", name: "w",
                                                  overrides: [ScenarioOverride(key: "citus.shard_count", value: "128")])
        guard case .cluster(let s) = loaded else { return XCTFail() }
        XCTAssertEqual(s.workload.classes[0].workerCPU.mean, 0.002, accuracy: 1e-12)
        XCTAssertThrowsError(try ScenarioLoader.load(text: text("split", 32, "router"), file: "w.yaml", name: "w")) { e in
            XCTAssertTrue("\(e)".contains("`workload.classes[0].fan_out_work` is for classes that fan out"), "\(e)")
        }
    }

    /// FACTS F: citus_add_clone_node_with_nodeid registers the same clone as citus_add_clone_node.
    func testCloneByNodeID() throws {
        let s = try scenario(duration: "3m", timeline: """
              - {at: 20s, sql: "SELECT citus_add_clone_node_with_nodeid('worker-5', 5432, 2);"}
            """)
        let op = try XCTUnwrap(try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 3).operations?.operations.first)
        XCTAssertEqual(op.status, "done", op.error ?? "")
        XCTAssertNotNil(op.end)
    }
}

/// `--set` with YAML flow values, and the clone registration by node id.
final class OverrideAndCloneTests: XCTestCase {
    func testFlowValuesAndUnplacedFindings() throws {
        let base = FirstHourTests.minimal
        let (loaded, _) = try ScenarioLoader.load(text: base, file: "o.yaml", name: "o", overrides: [ScenarioOverride(key: "run.watch_tenants", value: "[1, 2]")])
        guard case .cluster(let s) = loaded else { return XCTFail() }
        XCTAssertEqual(s.run.watchTenants, [1, 2])
        XCTAssertThrowsError(try ScenarioLoader.load(text: base, file: "o.yaml", name: "o", overrides: [ScenarioOverride(key: "run.watch_tenants", value: "[0]")])) { e in
            let f = (e as? InputError)?.findings ?? []
            XCTAssertEqual(f.map(\.file), ["--set run.watch_tenants=[0]"], "\(f)")
        }
    }

}
