import Advisor
import ArgumentParser
import Diagnostics
import Experiments
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

    @Option(name: .customLong("threads"), help: "Threads (default: all cores). Results do not depend on it.")
    var threadsOption: Int?
    /// --threads, or all cores.
    var threads: Int { threadsOption ?? CLI.cores }

    @Flag(help: "Continue an interrupted search: candidates already finished (kept in DIR.checkpoint/) are not run again.")
    var resume = false

    @Option(help: "Evaluate only slice i of N of the candidates (e.g. 3/8) and write DIR/partial.json for `citus-sim merge`.")
    var partition: String?

    /// (i, N) from `--partition i/N`.
    var slice: (index: Int, count: Int)? {
        guard let partition else { return nil }
        let parts = partition.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(i) else { return nil }
        return (i, n)
    }

    func validate() throws {
        if partition != nil && slice == nil {
            throw ValidationError("--partition must be i/N with 1 <= i <= N (e.g. 3/8), got \(partition!)")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let budget, !(budget > 0 && budget.isFinite) { throw ValidationError("--budget must be a positive cost per hour, got \(budget)") }
    }

    func run() throws {
        var (cluster, spec) = try CLI.loadForAdvice(scenario)
        if let seed { cluster.run.seed = seed }
        if let budget { spec.budgetPerHour = budget }
        if let slice {
            try runPartition(cluster, spec, slice)
            return
        }
        // Each finished candidate is checkpointed beside the output, so an interrupt loses little.
        let dir = out ?? "Reports/\(cluster.name)"
        let text = try scenarioText()
        let bar = ProgressBar()
        InterruptNotice.install(directory: dir, unit: "candidates (kept in \(dir).checkpoint/ for --resume)")
        let screened = try CLI.reportingInternalErrors { () throws -> [CandidateOutcome] in
            let advisor = try Advisor(base: cluster, spec: spec, threads: threads, progress: bar.report)
            let header = AdvicePartial.Header(scenarioName: cluster.name, scenarioText: text, seed: cluster.run.seed, budget: spec.budgetPerHour,
                                              partition: 1, partitions: 1, candidatesTotal: advisor.candidates().count)
            let done = resume ? try AdviceCheckpoint.finished(directory: dir + ".checkpoint", header: header, advisor: advisor) : [:]
            if resume { CLI.printError("resuming: \(done.count) of \(header.candidatesTotal) candidates already finished") }
            let checkpoint = try AdviceCheckpoint(directory: dir + ".checkpoint", header: header)
            return try advisor.screenAndSimulate(finished: done, finishedOne: checkpoint.record)
        }
        bar.finish()
        // Once the advice is written (exit 0, or 1: no configuration meets the SLOs) the checkpoint goes.
        do {
            try CLI.advise(cluster, spec, screened: screened, threads: threads, out: out)
        } catch let code as ExitCode where code.rawValue == 1 {
            try? FileManager.default.removeItem(atPath: dir + ".checkpoint")
            throw code
        }
        try? FileManager.default.removeItem(atPath: dir + ".checkpoint")
    }

    /// The scenario file's text (embedded in checkpoints and partial results).
    func scenarioText() throws -> String {
        guard let text = try? String(contentsOfFile: scenario, encoding: .utf8) else {
            CLI.printError("\(scenario): error: cannot read the file")
            throw ExitCode(2)
        }
        return text
    }
}

extension Recommend {
    /// `--partition i/N`: the slice's screening and simulation, written as DIR/partial.json.
    func runPartition(_ cluster: ClusterScenario, _ spec: AdvisorSpec, _ slice: (index: Int, count: Int)) throws {
        let dir = out ?? "Reports/\(cluster.name)/partial-\(slice.index)-of-\(slice.count)"
        let text = try scenarioText()
        let bar = ProgressBar()
        InterruptNotice.install(directory: dir, unit: "candidates of this partition")
        let partial = try CLI.reportingInternalErrors { () throws -> AdvicePartial in
            let advisor = try Advisor(base: cluster, spec: spec, threads: threads, progress: bar.report)
            let outcomes = try advisor.screenAndSimulate(partition: slice.index, of: slice.count)
            return AdvicePartial(header: .init(scenarioName: cluster.name, scenarioText: text, seed: cluster.run.seed, budget: spec.budgetPerHour,
                                               partition: slice.index, partitions: slice.count, candidatesTotal: advisor.candidates().count),
                                 outcomes: outcomes)
        }
        bar.finish()
        try CLI.reportingInternalErrors { try OutputDirectory.write([("partial.json", partial.json)], to: dir) }
        print("partition \(slice.index)/\(slice.count): \(partial.outcomes.count) of \(partial.header.candidatesTotal) candidates; wrote \(dir)/partial.json")
    }
}

/// `citus-sim merge PARTIALS... --out DIR`: finishes a partitioned search.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the partial results of `recommend --partition i/N` (all N of them) and finish the advice.",
        discussion: """
        Checks that the partials come from one search (same scenario text, seed, budget and N) and cover every slice once, \
        then confirms, ranks, runs the held-out check and the growth and scale-out studies, and writes the same files as an \
        unpartitioned `recommend` (byte for byte). Exit codes: 0 a configuration meets every SLO, 1 none does, 2 invalid input, 3 internal error.
        """
    )

    @Argument(help: "partial.json files (or directories holding one).")
    var partials: [String]

    @Option(name: .shortAndLong, help: "Output directory (default: Reports/<scenario name>).")
    var out: String?

    @Option(name: .customLong("threads"), help: "Threads (default: all cores). Results do not depend on it.")
    var threadsOption: Int?
    /// --threads, or all cores.
    var threads: Int { threadsOption ?? CLI.cores }

    func validate() throws {
        guard !partials.isEmpty else { throw ValidationError("give the partial.json files of every partition") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func run() throws {
        var raws: [AdvicePartial.Raw] = []
        for given in partials {
            var isDir: ObjCBool = false
            let path = FileManager.default.fileExists(atPath: given, isDirectory: &isDir) && isDir.boolValue ? "\(given)/partial.json" : given
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                CLI.printError("\(path): error: cannot read the file")
                throw ExitCode(2)
            }
            do { raws.append(try AdvicePartial.parse(text, file: path)) } catch let e as AdvicePartial.ReadError {
                CLI.printError(e.description)
                throw ExitCode(2)
            }
        }
        let first = raws[0].header
        var cluster: ClusterScenario
        var spec: AdvisorSpec
        do {
            (cluster, spec, _) = try ScenarioLoader.loadForAdvice(text: first.scenarioText, file: "\(raws[0].file) (scenario_text)", name: first.scenarioName)
        } catch let e as InputError {
            CLI.printError(e.description)
            throw ExitCode(2)
        }
        cluster.run.seed = first.seed
        spec.budgetPerHour = first.budget
        let advisor = try CLI.reportingInternalErrors { try Advisor(base: cluster, spec: spec, threads: threads) }
        let screened: [CandidateOutcome]
        do { screened = try AdvicePartial.merge(raws, advisor: advisor) } catch let e as AdvicePartial.ReadError {
            CLI.printError(e.description)
            throw ExitCode(2)
        }
        try CLI.advise(cluster, spec, screened: screened, threads: threads, out: out)
    }
}

extension CLI {
    /// Runs (or, with `screened`, finishes) the advisor, writes its files all or nothing, prints
    /// the summary; exit code 1 when no configuration meets every SLO.
    static func advise(_ cluster: ClusterScenario, _ spec: AdvisorSpec, screened: [CandidateOutcome]?, threads: Int, out: String?) throws {
        let dir = out ?? "Reports/\(cluster.name)"
        let bar = ProgressBar()
        InterruptNotice.install(directory: dir, unit: "steps of the current phase")
        let report = try reportingInternalErrors {
            AdviceReport(try AdviceExperiment.run(cluster, spec: spec, threads: threads, screened: screened, progress: bar.report))
        }
        bar.finish()
        let files = report.files
        try reportingInternalErrors { try OutputDirectory.write(files, to: dir) }
        print(report.terminalSummary(color: colorOnStdout))
        print("wrote \(files.map { "\(dir)/\($0.name)" }.joined(separator: ", "))")
        if report.advice.recommended == nil { throw ExitCode(1) }
    }

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
