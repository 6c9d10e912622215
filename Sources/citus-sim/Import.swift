import ArgumentParser
import ClusterImport
import Diagnostics
import Foundation
import Scenario

/// `citus-sim import URL --out SCENARIO.yaml`: a scenario from a live server or psql exports.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a scenario from a live Citus coordinator, a single PostgreSQL server (--distribute) or psql exports (--csv).",
        discussion: """
        Read-only: catalog views, statistics and pg_stat_statements, each query under a 30 s statement_timeout \
        (the pg_monitor role is enough, plus SELECT for pg_stats). The password is never written or printed. \
        `--psql-script` prints the psql commands that export the same queries for --csv. \
        Exit codes: 0 written, 2 bad input or the server cannot be read (nothing written), 3 internal error.
        """
    )

    @Argument(help: "Connection string: postgres://user[:password]@host:port/database?sslmode=require (or PGPASSWORD).")
    var url: String?

    @Option(name: .shortAndLong, help: "The scenario to write (written only when the import succeeds).")
    var out: String?

    @Option(help: "Read psql \\copy exports from this directory instead of connecting (see --psql-script).")
    var csv: String?

    @Option(help: "psql exports (--psql-script) of the same cluster read earlier: the growth between the two reads becomes the advisor's capacity runway.")
    var earlier: String?

    @Option(help: "YAML with the nodes' sizes SQL cannot see: source, coordinator, workers (cores, memory_gib, disk_*, nic_gbps).")
    var hardware: String?

    @Option(help: "Single server: distribute TABLE by COLUMN (repeatable).")
    var distribute: [String] = []

    @Option(help: "Single server: make TABLE a reference table (repeatable).")
    var reference: [String] = []

    @Option(help: "Single server: also write the model of the measured server the calibration ran (one worker, no coordinator or network cost).")
    var sourceModel: String?

    @Flag(help: "Print the psql script that exports every query for --csv, and exit.")
    var psqlScript = false

    @Flag(help: "Skip the demand calibration (worker_cpu is then the observed mean).")
    var noCalibrate = false

    func validate() throws {
        if psqlScript { return }
        guard (url == nil) != (csv == nil) else { throw ValidationError("give a connection string or --csv DIR (one of them)") }
        guard out != nil else { throw ValidationError("missing --out SCENARIO.yaml") }
        for d in distribute where d.split(separator: "=").count != 2 {
            throw ValidationError("--distribute \(d): expected TABLE=COLUMN")
        }
    }

    func run() throws {
        if psqlScript { print(CatalogQuery.psqlScript, terminator: ""); return }
        var options = ImportedScenario.Options()
        options.distribute = distribute.map { d in
            let p = d.split(separator: "=").map(String.init)
            return (p[0], p[1])
        }
        options.reference = reference
        do {
            if let hardware { options.hardware = try HardwareFile.read(path: hardware) }
            let source: any CatalogSource
            var live: LiveCatalog?
            if let csv {
                source = try ExportedCatalog(directory: csv)
            } else {
                let parsed = try ConnectionURL(url ?? "")
                print("connecting to \(parsed.redacted)")
                live = try CLI.waitFor { try await LiveCatalog.open(parsed) }
                source = live!
            }
            let snapshot = try CLI.waitFor { [live] () async throws -> CatalogSnapshot in
                do {
                    let s = try await CatalogSnapshot.read(from: source)
                    await live?.close()
                    return s
                } catch {
                    await live?.close()
                    throw error
                }
            }
            var scenario = try ImportedScenario.build(snapshot, options: options)
            if let earlier {
                let before = try CLI.waitFor { try await CatalogSnapshot.read(from: try ExportedCatalog(directory: earlier)) }
                scenario.growth = try SnapshotGrowth.between(earlier: before, now: snapshot)
            }
            // A Citus cluster's own placement: the exported files (--csv) or, live, files written
            // beside the scenario; the calibration reads them from a temporary directory first.
            let outURL = URL(fileURLWithPath: out!).standardizedFileURL
            var layoutFiles: [(path: URL, text: String)] = []
            let staging = FileManager.default.temporaryDirectory.appendingPathComponent("citus-sim-import-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: staging) }
            if snapshot.isCitus, let nodes = snapshot.nodesExport, let shards = snapshot.shardsExport {
                if let csv {
                    let dir = URL(fileURLWithPath: csv).standardizedFileURL
                    scenario.layout = (dir.appendingPathComponent("nodes.csv").path, dir.appendingPathComponent("shards.csv").path)
                } else {
                    let stem = outURL.deletingPathExtension().lastPathComponent
                    layoutFiles = [(outURL.deletingLastPathComponent().appendingPathComponent("\(stem).nodes.csv"), nodes.csv(columns: CatalogQuery.nodeColumns)),
                                   (outURL.deletingLastPathComponent().appendingPathComponent("\(stem).shards.csv"), shards.csv(columns: CatalogQuery.shardColumns))]
                    try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
                    for f in layoutFiles { try Data(f.text.utf8).write(to: staging.appendingPathComponent(f.path.lastPathComponent)) }
                    scenario.layout = (staging.appendingPathComponent(layoutFiles[0].path.lastPathComponent).path,
                                       staging.appendingPathComponent(layoutFiles[1].path.lastPathComponent).path)
                }
            }
            if !noCalibrate {
                let outcome = try DemandCalibration.calibrate(&scenario)
                for c in outcome.classes {
                    print("\(c.name): observed mean \(String(format: "%.3f", c.observedMs)) ms, simulated \(String(format: "%.3f", c.simulatedMs)) ms, worker_cpu mean \(String(format: "%.3f", c.demandMs)) ms")
                }
                print("demand calibration: \(outcome.iterations) run(s), \(outcome.converged ? "within 3% for every class" : "did not converge")")
            }
            if let l = scenario.layout {
                let final = layoutFiles.isEmpty ? (URL(fileURLWithPath: l.nodes), URL(fileURLWithPath: l.shards)) : (layoutFiles[0].path, layoutFiles[1].path)
                scenario.layout = (Self.relativePath(final.0, from: outURL.deletingLastPathComponent()), Self.relativePath(final.1, from: outURL.deletingLastPathComponent()))
            }
            let text = scenario.yaml()
            // The scenario must load as written, before anything is written (its layout from the staged copies).
            var check = scenario
            if !layoutFiles.isEmpty { check.layout = (staging.appendingPathComponent(layoutFiles[0].path.lastPathComponent).path, staging.appendingPathComponent(layoutFiles[1].path.lastPathComponent).path) }
            _ = try ScenarioLoader.load(text: layoutFiles.isEmpty ? text : check.yaml(), file: out!, name: "imported")
            for f in layoutFiles {
                try CLI.reportingInternalErrors { try Data(f.text.utf8).write(to: f.path, options: .atomic) }
            }
            for n in scenario.notes { CLI.printError("note: \(n)") }
            try CLI.reportingInternalErrors { try Data(text.utf8).write(to: URL(fileURLWithPath: out!), options: .atomic) }
            if let sourceModel, scenario.calibratesOnSource {
                try CLI.reportingInternalErrors { try Data(scenario.yaml(.sourceReplica).utf8).write(to: URL(fileURLWithPath: sourceModel), options: .atomic) }
                print("wrote \(sourceModel) (the measured server's model)")
            }
            print("wrote \(out!) (\(scenario.workload.classes.count) query classes, \(scenario.tables.count) tables); next: citus-sim run \(out!)")
        } catch let e as ImportError {
            CLI.printError("error: \(e.description)")
            throw ExitCode(2)
        } catch let e as ConnectionURL.ParseError {
            CLI.printError("error: \(e.description)")
            throw ExitCode(2)
        } catch let e as InputError {
            CLI.printError(e.description)
            throw ExitCode(2)
        }
    }
}

extension Import {
    /// `target` relative to the directory `base` (`../exports/nodes.csv`), as the scenario names it.
    static func relativePath(_ target: URL, from base: URL) -> String {
        let t = target.standardizedFileURL.pathComponents, b = base.standardizedFileURL.pathComponents
        var common = 0
        while common < min(t.count, b.count) && t[common] == b[common] { common += 1 }
        return (Array(repeating: "..", count: b.count - common) + t[common...]).joined(separator: "/")
    }
}

extension CLI {
    /// Runs async work from a synchronous command and waits for it.
    static func waitFor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>(), done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// The result of async work handed back to the waiting thread (written once, read after the semaphore).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
