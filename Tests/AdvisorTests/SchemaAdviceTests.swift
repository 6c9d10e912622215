import Advisor
import Diagnostics
import Experiments
import Reporting
import Scenario
import Simulation
import XCTest

/// `recommend` with schema-based sharding (issue 22's sizing): the search chooses workers, not
/// shard counts; the advice shows where Citus's rule puts the schemas and which deserve a
/// worker of their own.
final class SchemaAdviceTests: XCTestCase {
    /// 600 tenant schemas, one large (size Zipf 1.3), on small workers.
    static func yaml(advisor: String = "") -> String {
        """
        version: 1
        kind: cluster
        run: {seed: 5, duration: 20s, warmup: 5s, replications: 3}
        cluster:
          coordinator: {cores: 4, memory_gib: 8}
          workers: {count: 2, cores: 2, memory_gib: 8}
        citus: {enable_schema_based_sharding: true}
        tables:
          - {name: plans, type: reference, size_mib: 10}
          - {name: orders, type: distributed, data_share: 0.7}
          - {name: customers, type: distributed, data_share: 0.3}
        tenants: {count: 600, total_size_gib: 6, size_zipf: 1.3, activity_zipf: 1.3}
        workload:
          arrivals: {rate_per_second: 1500, sessions: 60}
          classes:
            - {name: lookup, kind: router, share: 0.9, table: orders, worker_cpu: {distribution: exponential, mean: 2ms}, bytes_read_kib: 16}
            - {name: plan_join, kind: reference_join, share: 0.1, table: orders, worker_cpu: {distribution: exponential, mean: 3ms}, bytes_read_kib: 16}
        slo:
          p99_ms: {lookup: 20, plan_join: 40}
          max_cpu_utilization: 0.8
        advisor:
          catalog:
            - {name: small-2, family: general, cores: 2, memory_gib: 8, price_per_hour: 0.1}
            - {name: small-4, family: general, cores: 4, memory_gib: 16, price_per_hour: 0.2}
            - {name: comp-2, family: compute, cores: 2, memory_gib: 4, price_per_hour: 0.08}
          coordinator: comp-2
          min_workers: 2
          max_workers: 4
          growth_steps: [1.5]
          scale_out: false
          ha: false
          isolation_candidates: 3
        \(advisor)
        """
    }

    func testSearchChoosesWorkersAndShowsWhereTheSchemasSit() throws {
        let (s, spec, _) = try ScenarioLoader.loadForAdvice(text: Self.yaml(), file: "t.yaml", name: "t")
        let report = AdviceReport(try AdviceExperiment.run(s, spec: spec, threads: 2))
        let advice = report.advice
        // The shard count is not searched: every candidate has the schemas' one group each.
        XCTAssertEqual(Set(advice.outcomes.map(\.candidate.shardCount)), [600])
        XCTAssertTrue(advice.outcomes.allSatisfy { $0.candidate.schemaBased && $0.candidate.label.contains("600 schemas") })
        XCTAssertEqual(Set(advice.outcomes.map { "\($0.candidate.workers) x \($0.candidate.instance.name)" }).count, advice.outcomes.count,
                       "one candidate per worker count and size")
        let r = try XCTUnwrap(advice.recommended, advice.headline)
        XCTAssertEqual(advice.outcomes[r].confirmation?.meets, true)
        for o in advice.outcomes where o.candidate.costPerHour < advice.outcomes[r].candidate.costPerHour {
            XCTAssertNotEqual(o.verdict, .meets, "a cheaper candidate that meets would have been chosen: \(o.candidate.label)")
        }
        let rule = try XCTUnwrap(advice.rules.first { $0.id == "shard-count-schema-based" })
        XCTAssertEqual(rule.verdict, .notApplicable)

        // Placement: Citus's rule (colocation id mod the workers, in node order), every byte on some worker.
        let chosen = advice.outcomes[r].candidate
        let p = try XCTUnwrap(advice.schemaPlacement)
        XCTAssertEqual(p.schemas, 600)
        XCTAssertEqual(p.workerBytes.count, chosen.workers)
        XCTAssertEqual(p.workerBytes.reduce(0, +), s.workload.tenants.totalBytes, accuracy: s.workload.tenants.totalBytes * 1e-9)
        XCTAssertEqual(p.largest.map(\.dataBytes), p.largest.map(\.dataBytes).sorted(by: >), "largest first")
        XCTAssertEqual(p.largest.first?.name, "tenant_1")
        XCTAssertEqual(p.largestBytes, s.workload.tenants.sizeBytes.max())
        XCTAssertLessThan(chosen.workers, 10, "worker names sort in number order below 10")
        for schema in p.largest { XCTAssertEqual(schema.worker, schema.colocationID % chosen.workers + 1, schema.name) }
        XCTAssertGreaterThanOrEqual(p.workerSkew, 1)

        // Isolation speaks of schemas and citus_schema_move; the report says which schema to move.
        XCTAssertEqual(advice.isolation.count, 3)
        let whale = try XCTUnwrap(advice.isolation.first)
        XCTAssertTrue(whale.reason.contains("an average schema's load"), whale.reason)
        if whale.deserves {
            XCTAssertTrue(whale.reason.contains("citus_schema_move"), whale.reason)
            XCTAssertTrue(report.terminalSummary(color: false).contains("move schema tenant_1 to a dedicated worker"))
        }
        let files = Dictionary(uniqueKeysWithValues: report.files.map { ($0.name, $0.contents) })
        XCTAssertTrue(files["advice.json"]?.contains("\"schema_placement\"") ?? false)
        XCTAssertTrue(files["report.html"]?.contains("<h3>Schema placement</h3>") ?? false)
    }

    func testShardCountsAreNotAChoice() throws {
        let text = Self.yaml(advisor: "  search: {shard_counts: [32, 64]}")
        XCTAssertThrowsError(try ScenarioLoader.loadForAdvice(text: text, file: "t.yaml", name: "t")) { error in
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("shard_counts") }! + 1
            XCTAssertTrue("\(error)".contains("t.yaml:\(line):"), "\(error)")
            XCTAssertTrue("\(error)".contains("the shard count is not a choice"), "\(error)")
        }
    }
}
