import Advisor
import ArgumentParser
import Diagnostics
import Experiments
import Foundation
import Reporting
import Scenario
import Simulation
import Workload

/// `citus-sim run SCENARIO`: simulate a scenario and write its results.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a scenario and write its results (report.html, summary.json, CSV files) to a directory.",
        discussion: "Exit codes: 0 ok, 1 an SLO is not met (with --check), 2 invalid input (all findings printed as file:line:col), 3 internal error."
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .shortAndLong, help: "Output directory (default: Reports/<scenario name>). Replaced only when the run succeeds.")
    var out: String?

    @Option(help: "Override the scenario's run.seed.")
    var seed: UInt64?

    @Option(help: "Override the scenario's run.replications.")
    var replications: Int?

    @OptionGroup var overrides: ScenarioOverrides

    @Option(name: .customLong("threads"), help: "Threads for replications (default: all cores). Results do not depend on it.")
    var threadsOption: Int?
    /// --threads, or all cores.
    var threads: Int { threadsOption ?? CLI.cores }

    @Option(help: "Replay this request trace (CSV time_s,tenant,query_class) instead of the scenario's open-loop arrivals.")
    var trace: String?

    @Option(help: "Write the first replication's requests to this CSV file (time_s,tenant,query_class).")
    var writeTrace: String?

    @Flag(help: "Exit with code 1 when an objective of the scenario's `slo` is not met (results are still written).")
    var check = false

    @Option(help: "Also write the first replication's time series in the OpenMetrics text format to this file (for Prometheus/Grafana).")
    var metricsOut: String?

    @Option(help: "Wall-clock instant of simulated time 0 in --metrics-out: 2026-12-05T09:00:00Z or Unix seconds (default 0, 1970-01-01).")
    var metricsStart: String?

    /// `--metrics-start` as Unix seconds.
    var metricsStartSeconds: Int64? {
        guard let text = metricsStart else { return 0 }
        if let n = Int64(text), n >= 0 { return n }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text).map { Int64($0.timeIntervalSince1970.rounded()) }
    }

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let replications, !(1...10_000).contains(replications) {
            throw ValidationError("--replications must be in 1...10000, got \(replications)")
        }
        if metricsStartSeconds == nil {
            throw ValidationError("--metrics-start \(metricsStart ?? ""): expected an instant such as 2026-12-05T09:00:00Z or Unix seconds (0 or more)")
        }
    }

    func run() throws {
        let loaded = try CLI.load(scenario, overrides: overrides.overrides)
        switch loaded {
        case .station(var station):
            if metricsOut != nil {
                CLI.printError("error: --metrics-out writes a cluster run's time series; \(scenario) is a station scenario")
                throw ExitCode(2)
            }
            if let seed { station.run.seed = seed }
            if let replications { station.run.replications = replications }
            let report = try CLI.reportingInternalErrors { StationReport(try StationExperiment.run(station, threads: threads)) }
            let dir = out ?? "Reports/\(station.name)"
            try CLI.reportingInternalErrors {
                try OutputDirectory.write([("summary.json", report.json), ("summary.csv", report.csv), ("report.html", report.html)], to: dir)
            }
            print(report.terminalSummary)
            print("wrote \(dir)/summary.json, \(dir)/summary.csv, \(dir)/report.html")
        case .cluster(var cluster):
            if let seed { cluster.run.seed = seed }
            if let replications { cluster.run.replications = replications }
            var replay: RequestTrace?
            if let trace {
                guard case .open = cluster.workload.arrivals else {
                    CLI.printError("error: --trace replays open-loop arrivals; \(scenario) uses closed-loop clients")
                    throw ExitCode(2)
                }
                do {
                    replay = try TraceCSV.read(path: trace, classes: cluster.workload.classes.map(\.name), tenants: cluster.workload.tenants.count)
                } catch let e as InputError {
                    CLI.printError(e.description)
                    throw ExitCode(2)
                }
            }
            try CLI.preflight(cluster, path: scenario)
            let progress = Progress(total: cluster.run.replications)
            InterruptNotice.install(directory: out ?? "Reports/\(cluster.name)", unit: "replications")
            InterruptNotice.progress(0, cluster.run.replications)
            let report = try CLI.reportingInternalErrors {
                ClusterReport(try ClusterExperiment.run(cluster, threads: threads, replay: replay, recordTrace: writeTrace != nil, progress: progress.report))
            }
            progress.finish()
            let dir = out ?? "Reports/\(cluster.name)"
            let files = report.files
            try CLI.reportingInternalErrors { try OutputDirectory.write(files, to: dir) }
            if let metricsOut {
                let text = report.openMetrics(startSeconds: metricsStartSeconds ?? 0)
                try CLI.reportingInternalErrors { try Data(text.utf8).write(to: URL(fileURLWithPath: metricsOut), options: .atomic) }
            }
            if let writeTrace, let recorded = report.first.trace {
                try CLI.reportingInternalErrors {
                    try Data(TraceOutput.render(recorded, classes: cluster.workload.classes.map(\.name)).utf8).write(to: URL(fileURLWithPath: writeTrace), options: .atomic)
                }
            }
            print(report.terminalSummary(color: CLI.colorOnStdout))
            print("wrote \(files.map { "\(dir)/\($0.name)" }.joined(separator: ", "))\(writeTrace.map { ", \($0)" } ?? "")\(metricsOut.map { ", \($0)" } ?? "")")
            if check && !report.sloResults.allSatisfy(\.met) { throw ExitCode(1) }
        }
    }
}

/// `citus-sim validate SCENARIO`: check a scenario without running it.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a scenario file; print every error and warning as file:line:col.",
        discussion: "Exit codes: 0 valid (warnings may be printed), 2 invalid."
    )

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @OptionGroup var overrides: ScenarioOverrides

    func run() throws {
        let loaded = try CLI.load(scenario, overrides: overrides.overrides)
        print("\(scenario): valid")
        if case .cluster(let s) = loaded { try CLI.preflight(s, path: scenario) }
    }
}

/// Shared command-line plumbing: findings to stderr, documented exit codes.
enum CLI {
    /// Loads a scenario, printing warnings; on errors prints all findings and exits 2.
    /// Cores of this machine: the default thread count.
    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    static func load(_ path: String, overrides: [ScenarioOverride] = []) throws -> LoadedScenario {
        do {
            let (scenario, warnings) = try ScenarioLoader.load(path: path, overrides: overrides)
            for w in warnings { printError(w.description) }
            return scenario
        } catch let error as InputError {
            printError(error.description)
            throw ExitCode(2)
        }
    }

    /// The sanity check before simulating: figures on stdout, warnings on stderr as
    /// `file: warning: ...`.
    static func preflight(_ s: ClusterScenario, path: String) throws {
        let p = try reportingInternalErrors { try Preflight(s) }
        for line in p.lines { print(line) }
        for w in p.warnings { printError("\(path): warning: \(w)") }
    }

    /// Runs `body`; an unexpected error is reported as an internal error, exit code 3.
    static func reportingInternalErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as OutputDirectory.WriteError {
            printError("error: \(error.description)")
            throw ExitCode(3)
        } catch {
            printError("internal error: \(error)")
            throw ExitCode(3)
        }
    }

    /// ANSI colour only when stdout is a terminal and NO_COLOR is unset (no-color.org).
    static var colorOnStdout: Bool { isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

/// Progress on stderr, only when it is a terminal and the run has taken over a second.
final class Progress: @unchecked Sendable {
    let total: Int
    let start = ContinuousClock.now
    let enabled = isatty(STDERR_FILENO) == 1
    private var shown = false
    private let lock = NSLock()

    init(total: Int) { self.total = total }

    func report(_ done: Int) {
        InterruptNotice.progress(done, total)
        guard enabled, ContinuousClock.now - start > .seconds(1) else { return }
        lock.lock()
        defer { lock.unlock() }
        shown = true
        FileHandle.standardError.write(Data("\rreplications: \(done)/\(total) done".utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
