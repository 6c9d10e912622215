import ArgumentParser
import Fuzzing

/// `citus-sim fuzz`: a seeded mutation fuzzer over everything that reads hand-written or
/// exported input: the scenario loader (with the advisor section), the SQL runbook parser and
/// runner, and the CSV importers (pg_dist_node / citus_shards exports, request traces).
///
/// Inputs start from a corpus (the shipped scenarios, runbooks and CSV files) and are mutated
/// with byte edits, dictionary tokens (YAML, SQL and number edge cases) and line splices between
/// corpus files. Every input is accepted or rejected with a finding; anything else is a bug:
/// a crash (the input is saved by a signal handler before the process dies), a hang (an input
/// running longer than --hang-seconds is saved, and a watchdog ends the run), or memory growing
/// past --max-memory-mib. Deterministic for a seed.
struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fuzz the scenario loader, SQL runbook parser and runner, and CSV importers with mutated inputs.",
        discussion: "Exit codes: 0 nothing found, 1 a crash, hang or memory blow-up was found (the input is in --out), 2 bad arguments."
    )

    @Option(help: "How long to fuzz, seconds.")
    var seconds: Double = 60

    @Option(help: "Seed of the mutations.")
    var seed: UInt64 = 1

    @Option(help: "Where to save inputs that crash, hang or blow up memory.")
    var out: String = "fuzz-findings"

    @Option(help: "An input taking longer than this is a hang, seconds.")
    var hangSeconds: Double = 5

    @Option(help: "Peak memory (RSS) that counts as a blow-up, MiB.")
    var maxMemoryMib: Int = 2_048

    func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be > 0, got \(seconds)") }
        guard hangSeconds > 0 else { throw ValidationError("--hang-seconds must be > 0, got \(hangSeconds)") }
    }

    func run() throws {
        let corpus = Corpus.load()
        guard !corpus.isEmpty else {
            CLI.printError("error: no corpus found (run from the repository root: Scenarios/*.yaml, Scenarios/metadata/*)")
            throw ExitCode(2)
        }
        let session = FuzzSession(seconds: seconds, seed: seed, out: out, hangSeconds: hangSeconds, maxMemoryMiB: maxMemoryMib)
        let summary = try session.run(corpus: corpus, progress: { print($0) }, saved: { CLI.printError($0) })
        for c in summary.counts {
            print("\(c.target.rawValue): \(c.runs) inputs, \(c.accepted) accepted, \(c.runs - c.accepted) rejected with findings")
        }
        print("findings: \(summary.findings) (crashes would have stopped the run and saved the input in \(out)/)")
        if summary.findings > 0 { throw ExitCode(1) }
    }
}
