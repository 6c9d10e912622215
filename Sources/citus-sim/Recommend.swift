import Advisor
import ArgumentParser
import Foundation
import Reporting
import Scenario
import Simulation

/// `citus-sim recommend SCENARIO`: the sizing advisor.
struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recommend shard count, worker count and size, and pool and rebalance settings that meet the scenario's SLOs at the lowest cost.",
        discussion: """
        Reads the scenario's `slo` and `advisor` sections (Scenarios/README.md#advisor). Writes recommendations.csv (every candidate \
        with its figures and verdict), advice.json and report.html to the output directory, and a ranked table to stdout.
        Exit codes: 0 a configuration meets every SLO, 1 none does (the closest are reported), 2 invalid input, 3 internal error.
        """
    )

    @Argument(help: "The scenario file (YAML, kind: cluster, with an `slo` section).")
    var scenario: String

    @Option(name: .shortAndLong, help: "Output directory (default: Reports/<scenario name>). Replaced only when the search succeeds.")
    var out: String?

    @Option(help: "Highest cost per hour (overrides advisor.budget_per_hour).")
    var budget: Double?

    @Option(help: "Override the scenario's run.seed (the candidates' common random numbers).")
    var seed: UInt64?

    @Option(help: "Threads (default: all cores). Results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let budget, !(budget > 0 && budget.isFinite) { throw ValidationError("--budget must be a positive cost per hour, got \(budget)") }
    }

    func run() throws {
        var (cluster, spec) = try CLI.loadForAdvice(scenario)
        if let seed { cluster.run.seed = seed }
        if let budget { spec.budgetPerHour = budget }
        let bar = ProgressBar()
        InterruptNotice.install(directory: out ?? "Reports/\(cluster.name)", unit: "steps of the current phase")
        let report = try CLI.reportingInternalErrors {
            try AdviceReport.run(cluster, spec: spec, threads: threads, progress: bar.report)
        }
        bar.finish()
        let dir = out ?? "Reports/\(cluster.name)"
        let files = report.files
        try CLI.reportingInternalErrors { try OutputDirectory.write(files, to: dir) }
        print(report.terminalSummary(color: CLI.colorOnStdout))
        print("wrote \(files.map { "\(dir)/\($0.name)" }.joined(separator: ", "))")
        if report.advice.recommended == nil { throw ExitCode(1) }
    }
}

extension CLI {
    /// Loads a scenario for the advisor, printing warnings; on errors prints all findings and exits 2.
    static func loadForAdvice(_ path: String) throws -> (ClusterScenario, AdvisorSpec) {
        do {
            let (scenario, spec, warnings) = try ScenarioLoader.loadForAdvice(path: path)
            for w in warnings { printError(w.description) }
            return (scenario, spec)
        } catch let error as InputError {
            printError(error.description)
            throw ExitCode(2)
        }
    }
}

/// A progress bar on stderr for long searches, only when stderr is a terminal:
/// `candidates [#########-----------]  45/200`.
final class ProgressBar: @unchecked Sendable {
    let enabled = isatty(STDERR_FILENO) == 1
    private var shown = false
    private let lock = NSLock()

    func report(_ phase: String, _ done: Int, _ total: Int) {
        InterruptNotice.progress(done, total)
        guard enabled, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        shown = true
        let width = 30, filled = width * min(done, total) / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(phase) [\(bar)] \(done)/\(total)\u{1B}[K".utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if shown { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
