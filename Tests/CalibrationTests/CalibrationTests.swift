import Calibration
import Foundation
import Reporting
import Scenario
import SimCore
import Simulation
import TestSupport
import XCTest

/// `citus-sim calibrate` and `validate-model` on the committed lab measurements (Lab/measured).
final class CalibrationTests: XCTestCase {
    /// One `validate-model` of the committed measurements on 2 threads, shared by the tests
    /// that read it (each run replays every experiment: about 20 s).
    static let validation = Result { try ModelValidation.run(try LabMeasurements.load([Fixtures.labMeasured]), threads: 2) }

    /// Every experiment family the lab measured is replayed, and the bit-exact half holds on the
    /// real cluster's runs: every drain and rebalance moves as many shard groups as Citus did.
    func testEveryFamilyIsReplayedAndMovesMatchCitus() throws {
        let m = try LabMeasurements.load([Fixtures.labMeasured])
        let v = try Self.validation.get()
        let families = Set(v.rows.map(\.family))
        XCTAssertTrue(families.isSuperset(of: ["a", "b", "c", "d", "e", "f", "g", "h", "j", "k"]), "families replayed: \(families.sorted())")
        let moveCounts = v.rows.filter { $0.metric == "moves" || $0.metric == "drain_moves" }
        XCTAssertGreaterThanOrEqual(moveCounts.count, 2 * m.rebalances.count)
        for r in moveCounts { XCTAssertTrue(r.pass, "\(r.configuration): \(r.metric) measured \(r.measured), simulated \(r.simulated ?? -1)") }
        // Every replay is a scenario `citus-sim run` accepts, one per file name.
        XCTAssertEqual(Set(v.replays.map(\.name)).count, v.replays.count)
        for r in v.replays {
            XCTAssertNoThrow(try ScenarioLoader.load(text: r.text, file: r.name, name: "replay"), r.name)
        }
        // Rows the model cannot answer are written failing, never dropped.
        XCTAssertTrue(v.rows.filter { $0.simulated == nil }.allSatisfy { !$0.pass })
    }

    /// Family j, on the real Citus: a read across K schemas takes longer with every schema, on a
    /// line whose slope (its 95% interval's lower end) exceeds a whole one-schema router query's
    /// latency, so the schemas' subplans run one after another, not side by side. The model,
    /// fitted on 2, 8 and 32 schemas, predicts 4 and 16 within ±25%, and what a subplan costs
    /// beyond a router task is coordinator work (`subplan_coordinator_cpu` > 0).
    func testReadsAcrossSchemasRunTheirSubplansInSeries() throws {
        let m = try LabMeasurements.load([Fixtures.labMeasured])
        let routers = m.acrossSchemas.filter { $0.schemasRead == 1 }.map(\.meanMilliseconds)
        let router = routers.reduce(0, +) / Double(max(1, routers.count))
        let line = try LinearFit(m.acrossSchemas.filter { $0.schemasRead > 1 }.map { (Double($0.schemasRead), $0.meanMilliseconds) })
        XCTAssertGreaterThan(router, 0)
        XCTAssertGreaterThan(line.slope.lower, router, "ms per schema read against one router query's latency")
        let v = try Self.validation.get()
        let rows = v.rows.filter { $0.family == "j" }
        XCTAssertEqual(rows.map(\.configuration), [2, 4, 8, 16, 32].map { "\($0) schemas, 1 client" })
        XCTAssertEqual(rows.filter(\.heldOut).map(\.configuration), ["4 schemas, 1 client", "16 schemas, 1 client"])
        for r in rows { XCTAssertTrue(r.pass, "\(r.configuration): measured \(r.measured) ms, simulated \(r.simulated ?? -1) ms") }
        XCTAssertGreaterThan(v.fitted.parameters.first { $0.key == "subplan_coordinator_cpu" }?.value ?? 0, 0)
    }

    /// Family k, on the real Citus: distributing or undistributing a schema costs more per byte
    /// than a move (both fitted shares exceed 1: the rows go through the executor one by one), and
    /// the fit on the smallest schema predicts the larger one's times within ±25% both ways.
    func testSchemaConversionsCostMoreThanMovesAndArePredicted() throws {
        let v = try Self.validation.get()
        for key in ["schema_undistribute_cpu_share", "schema_distribute_cpu_share"] {
            XCTAssertGreaterThan(v.fitted.parameters.first { $0.key == key }?.value ?? 0, 1, key)
        }
        let rows = v.rows.filter { $0.family == "k" }
        XCTAssertEqual(rows.filter(\.heldOut).map(\.experiment), ["citus_schema_undistribute", "citus_schema_distribute"])
        XCTAssertEqual(rows.count, 4)
        for r in rows { XCTAssertTrue(r.pass, "\(r.experiment) \(r.configuration): measured \(r.measured) s, simulated \(r.simulated ?? -1) s") }
    }

    /// The fan-out's costs are fitted on one client's latencies and one saturating pgbench run:
    /// one client's latency hides the worker work that runs beside the coordinator's, the
    /// saturating run's rate shows all of it. The fit finds scan work (> 0) and reproduces every
    /// run it was fitted on within ±25%; every other pgbench run stays held out.
    func testTheFanOutFitUsesOneSaturatingRun() throws {
        let v = try Self.validation.get()
        let fitted = v.rows.filter { $0.family == "f" && !$0.heldOut }
        XCTAssertEqual(Set(fitted.map(\.configuration)), ["fast_count, 16 clients, shared pool default, pool size 1"])
        XCTAssertGreaterThan(v.rows.filter { $0.family == "f" && $0.heldOut }.count, 80)
        let scan = v.fitted.parameters.first { $0.key.hasPrefix("fan-out scan worker_cpu") }
        XCTAssertGreaterThan(scan?.value ?? 0, 0)
        for r in v.rows where (r.family == "d" || r.family == "f") && !r.heldOut && r.unit != "connections" {
            XCTAssertTrue(r.pass, "\(r.configuration) \(r.metric): measured \(r.measured), simulated \(r.simulated ?? -1)")
        }
    }

    /// Family d repeated with the workers' connection counts: every `count(*)` run has a held-out
    /// row of connections per query, its measured figure the lab's count over pgbench's
    /// transactions. At 128 shards under 8 clients Citus opened about 12 connections per query;
    /// the replay opens as many (within ±25%) because the cost check weighs the session's kept,
    /// oldest connection's set-up time, not the slowest one's.
    func testFanOutConnectionRowsCountTheLabsConnections() throws {
        let v = try Self.validation.get()
        // The lab's file read here on its own: each worker's count summed, over pgbench's transactions.
        let file = URL(fileURLWithPath: Fixtures.labMeasured).appendingPathComponent("fanout_connections.json")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let runs = try XCTUnwrap(json["runs"] as? [[String: Any]]).filter { $0["query"] as? String == "count" }
        XCTAssertEqual(runs.count, 10)
        for r in runs {
            let opened = try XCTUnwrap(r["connections_opened"] as? [String: Int]).values.reduce(0, +)
            let queries = try XCTUnwrap((r["summary"] as? [String: Any])?["n"] as? Int)
            let config = "\(r["shard_count"] as? Int ?? -1) shards, \(r["clients"] as? Int ?? -1) client(s), connections counted"
            let row = try XCTUnwrap(v.rows.first { $0.configuration == config && $0.metric == "connections_opened_per_query" }, config)
            XCTAssertTrue(row.heldOut)
            XCTAssertEqual(row.measured, Double(opened) / Double(queries), accuracy: 1e-12, config)
        }
        let loaded = try XCTUnwrap(v.rows.first { $0.configuration == "128 shards, 8 client(s), connections counted" && $0.metric == "connections_opened_per_query" })
        XCTAssertGreaterThan(loaded.measured, 10)
        XCTAssertTrue(loaded.pass, "measured \(loaded.measured), simulated \(loaded.simulated ?? -1)")
    }

    /// Family f's pgbench runs end as pgbench -T did: a run that finished is replayed with
    /// `at_end: finish` and a hung one (the lab killed it) without. Its connections per query are
    /// the lab's count over pgbench's own transaction count. Under a shared pool of 4 with 64
    /// clients most clients wait for a slot the whole run and connect only when the others leave:
    /// the lab counted about one connection per client and worker; so does the replay (within
    /// ±25%), where stopping at 5 s counted about 3 per worker.
    func testPgbenchReplaysEndAsPgbenchDid() throws {
        let m = try LabMeasurements.load([Fixtures.labMeasured])
        let v = try Self.validation.get()
        for r in m.pgbench {
            let name = "f-pgbench-\(r.query)-\(r.clients)clients-shared\(r.sharedPool)-pool\(r.poolSize).yaml"
            let replay = try XCTUnwrap(v.replays.first { $0.name == name }, name)
            XCTAssertEqual(replay.text.contains("at_end: finish"), !r.hung, name)
            let config = "\(r.query), \(r.clients) clients, shared pool \(r.sharedPool), pool size \(r.poolSize)"
            let row = v.rows.first { $0.configuration == config && $0.metric == "connections_opened_per_query" }
            if r.hung { XCTAssertNil(row, config); continue }
            let connections = Double(r.newConnections.reduce(0) { $0 + $1.count })
            XCTAssertEqual(try XCTUnwrap(row, config).measured, connections / (r.transactions ?? .nan), accuracy: 1e-12, config)
        }
        let stuck = try XCTUnwrap(v.rows.first { $0.configuration == "fast_count, 64 clients, shared pool 4, pool size 4" && $0.metric == "connections_opened_per_query" })
        XCTAssertTrue(stuck.pass, "measured \(stuck.measured), simulated \(stuck.simulated ?? -1)")
    }

    /// Family h is answered by the two-level cache model: every share has a simulated figure,
    /// the three shares of a run add up to 1, and shared_buffers' share is within the rows'
    /// absolute tolerance on every run (the clock sweep's part of the model).
    func testCacheRowsComeFromTheTwoLevelModel() throws {
        let m = try LabMeasurements.load([Fixtures.labMeasured])
        let rows = try CacheReplay.rows(m)
        XCTAssertEqual(rows.count, 3 * m.cache.count)
        XCTAssertTrue(rows.allSatisfy { $0.absoluteTolerance && $0.simulated != nil })
        for i in stride(from: 0, to: rows.count, by: 3) {
            XCTAssertEqual(rows[i..<(i + 3)].reduce(0) { $0 + ($1.simulated ?? 0) }, 1, accuracy: 1e-9, rows[i].configuration)
        }
        for r in rows where r.metric == "shared_buffers_hit_share" {
            XCTAssertTrue(r.pass, "\(r.configuration), \(r.experiment): measured \(r.measured), simulated \(r.simulated ?? -1)")
        }
    }

    /// Family g is answered by the backend memory model fitted on the fit half's shard counts:
    /// both node kinds have fitted and held-out rows, the fit reproduces its own largest run
    /// within 1%, and the coordinator's held-out runs are within ±25%.
    func testMemoryRowsComeFromTheBackendMemoryModel() throws {
        let m = try LabMeasurements.load([Fixtures.labMeasured])
        let rows = try MemoryReplay.rows(m, split: ValidationSplit())
        XCTAssertEqual(rows.count, m.memory.count)
        for node in ["coordinator", "worker"] {
            let mine = rows.filter { $0.configuration.hasPrefix(node) }
            XCTAssertTrue(mine.contains { $0.heldOut } && mine.contains { !$0.heldOut }, node)
            let largest = try XCTUnwrap(mine.max { $0.measured < $1.measured })
            XCTAssertEqual(try XCTUnwrap(largest.ratio), 1, accuracy: 0.01, largest.configuration)
        }
        for r in rows where r.heldOut && r.configuration.hasPrefix("coordinator") {
            XCTAssertTrue(r.pass, "\(r.configuration): measured \(r.measured), simulated \(r.simulated ?? -1)")
        }
    }

    /// The report does not depend on the number of threads (it is regenerated byte for byte by CI).
    func testValidationIsDeterministic() throws {
        let m = try LabMeasurements.load([Fixtures.labMeasured])
        let one = ValidationReport(try ModelValidation.run(m, threads: 1)).csv
        let two = ValidationReport(try Self.validation.get()).csv
        XCTAssertEqual(one, two)
    }

    /// A malformed or incomplete file is refused with `file: field: what`.
    func testBadMeasurementFilesNameTheFileAndTheField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("calibration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func error(_ text: String) throws -> String {
            let file = dir.appendingPathComponent("m.json")
            try Data(text.utf8).write(to: file)
            do {
                _ = try CostCalibration.fit(try LabMeasurements.load([file.path]))
                return "accepted"
            } catch let e as MeasurementError {
                XCTAssertEqual(e.file, file.path)
                return "\(e.field): \(e.problem)"
            }
        }
        XCTAssertEqual(try error("{not json"), ": is not valid JSON")
        XCTAssertEqual(try error(#"{"experiment": "moves"}"#).prefix(34), #"experiment: "moves" is not one of "#)
        XCTAssertEqual(try error(#"{"experiment": "single_shard_moves", "moves": []}"#), "psql_overhead_s: is missing")
        let move = #"{"mode": "block_writes", "shard_bytes": 1000, "wall_s": 0.1}"#
        XCTAssertEqual(try error(#"{"experiment": "single_shard_moves", "psql_overhead_s": 0.01, "moves": [\#(move), {"mode": "block_writes", "shard_bytes": 2000, "wall_s": "slow"}]}"#),
                       "moves[1].wall_s: is not a number")
        XCTAssertEqual(try error(#"{"experiment": "single_shard_moves", "psql_overhead_s": 0.01, "moves": [{"mode": "copy", "shard_bytes": 1, "wall_s": 1}]}"#),
                       #"moves[0].mode: "copy" is not block_writes, force_logical or auto"#)
        XCTAssertEqual(try error(#"{"experiment": "single_shard_moves", "psql_overhead_s": 0.01, "moves": [\#(move)]}"#),
                       "moves: 1 block_writes single moves; the copy rate needs at least 3 (family a, Lab/experiments/moves.py)")
        let fanout = #"{"shard_count": 8, "query": "count", "clients": 1, "tps": 1, "summary": {"n": 6, "mean_ms": 1}}"#
        XCTAssertEqual(try error(#"{"experiment": "fanout_connections_against_shard_count", "seconds_per_run": 6, "runs": [\#(fanout)]}"#),
                       "runs[0].connections_opened: is missing")
    }
}
