import Foundation
import Scenario
import SimCore

/// One fuzzing run over a corpus: first every advisor key at the edges of what `validate`
/// accepts, then mutated inputs for `seconds` of wall time. Each input is saved under `out`
/// when it crashes (by `FuzzCrashTrap`, before the process dies), takes longer than
/// `hangSeconds`, or when the process's peak memory passes `maxMemoryMiB`. The inputs are
/// deterministic for a seed; how many fit in the time depends on the machine.
public struct FuzzSession {
    public var seconds: Double
    public var seed: UInt64
    public var out: String
    public var hangSeconds: Double
    public var maxMemoryMiB: Int

    /// What a run tried and found.
    public struct Summary {
        public var edgesTried = 0
        public var edgesAccepted = 0
        /// Per target, in `FuzzTarget.allCases` order: inputs run and inputs accepted.
        public var counts: [(target: FuzzTarget, runs: Int, accepted: Int)] = []
        /// Hangs and memory blow-ups saved (a crash ends the process instead).
        public var findings = 0
    }

    public init(seconds: Double, seed: UInt64, out: String, hangSeconds: Double, maxMemoryMiB: Int) {
        self.seconds = seconds
        self.seed = seed
        self.out = out
        self.hangSeconds = hangSeconds
        self.maxMemoryMiB = maxMemoryMiB
    }

    /// Runs the session; `progress` gets a line when the advisor edges are done, `saved` a line
    /// per input saved. Throws only when `out` cannot be created.
    public func run(corpus: [Corpus.Item], progress: (String) -> Void, saved: (String) -> Void) throws -> Summary {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        FuzzCrashTrap.install(directory: out, hangSeconds: hangSeconds)
        let stream = RandomStream(runSeed: seed, name: "fuzz")
        let baseState = try? ClusterCSV.load(nodesPath: "Scenarios/metadata/nodes.csv", shardsPath: "Scenarios/metadata/shards.csv")
        // Lines of every source, split once, per target (splices pick from these).
        let lines = FuzzTarget.allCases.map { t in
            corpus.filter { $0.target == t }.map { $0.text.split(separator: "\n", omittingEmptySubsequences: false) }
        }
        var summary = Summary()
        // First, every advisor key at the edges of what `validate` accepts, on each sizing
        // scenario, through the studies (a crash here stops the run like any other).
        (summary.edgesTried, summary.edgesAccepted) = FuzzHarness.advisorEdges(corpus)
        progress("advisor edges: \(summary.edgesTried) values tried, \(summary.edgesAccepted) accepted and run through the studies")
        var runs = [Int](repeating: 0, count: FuzzTarget.allCases.count), accepted = runs
        func save(_ input: String, _ name: String, _ why: String) {
            let path = "\(out)/\(name)"
            try? Data(input.utf8).write(to: URL(fileURLWithPath: path))
            saved("fuzz: \(why): saved \(path)")
        }
        let start = ContinuousClock.now
        var i = 0
        while ContinuousClock.now - start < .seconds(seconds) {
            i += 1
            let k = Int(stream.uniform() * Double(FuzzTarget.allCases.count)) % FuzzTarget.allCases.count
            let target = FuzzTarget.allCases[k]
            let bases = corpus.filter { $0.target == target && !$0.spliceOnly }
            guard !bases.isEmpty else { continue }
            let base = bases[Int(stream.uniform() * Double(bases.count)) % bases.count]
            let input = Mutator.mutate(base.text, lines: lines[k], stream: stream)
            FuzzCrashTrap.arm(input, name: "\(target.rawValue)-\(seed)-\(i)", ext: base.ext)
            let t0 = ContinuousClock.now
            let ok = FuzzHarness.exercise(target, input, base: base, state: baseState)
            let took = ContinuousClock.now - t0
            FuzzCrashTrap.disarm()
            runs[k] += 1
            if ok { accepted[k] += 1 }
            if took > .seconds(hangSeconds) {
                summary.findings += 1
                save(input, "slow-\(target.rawValue)-\(seed)-\(i).\(base.ext)", "took \(took)")
            }
            if i % 200 == 0, Self.residentMiB() > maxMemoryMiB {
                summary.findings += 1
                save(input, "memory-\(target.rawValue)-\(seed)-\(i).\(base.ext)", "peak memory \(Self.residentMiB()) MiB")
                break
            }
        }
        summary.counts = FuzzTarget.allCases.indices.map { (FuzzTarget.allCases[$0], runs[$0], accepted[$0]) }
        return summary
    }

    /// The process's peak resident memory, MiB.
    static func residentMiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
