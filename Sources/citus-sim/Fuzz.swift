import ArgumentParser
import Advisor
import ClusterModel
import Foundation
import Runbook
import SQL
import Scenario
import SimCore
import Simulation

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

    enum Target: String, CaseIterable { case scenario, sql, csv }

    func run() throws {
        let corpus = Corpus.load()
        guard !corpus.isEmpty else {
            CLI.printError("error: no corpus found (run from the repository root: Scenarios/*.yaml, Scenarios/metadata/*)")
            throw ExitCode(2)
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        FuzzCrashTrap.install(directory: out, hangSeconds: hangSeconds)
        let stream = RandomStream(runSeed: seed, name: "fuzz")
        let baseState = try? ClusterCSV.load(nodesPath: "Scenarios/metadata/nodes.csv", shardsPath: "Scenarios/metadata/shards.csv")
        // Lines of every source, split once, per target (splices pick from these).
        let lines = Dictionary(uniqueKeysWithValues: Target.allCases.map { t in
            (t, corpus.filter { $0.target == t }.map { $0.text.split(separator: "\n", omittingEmptySubsequences: false) })
        })  // lookup only
        // First, every advisor key at the edges of what `validate` accepts, on each sizing
        // scenario, through the studies (a crash here stops the run like any other).
        let edges = Self.advisorEdges(corpus)
        print("advisor edges: \(edges.tried) values tried, \(edges.accepted) accepted and run through the studies")
        let start = ContinuousClock.now
        var counts = [Target: (runs: Int, accepted: Int)]()
        var found = 0
        var i = 0
        while ContinuousClock.now - start < .seconds(seconds) {
            i += 1
            let target = Target.allCases[Int(stream.uniform() * Double(Target.allCases.count)) % Target.allCases.count]
            let bases = corpus.filter { $0.target == target && !$0.spliceOnly }
            guard !bases.isEmpty else { continue }
            let base = bases[Int(stream.uniform() * Double(bases.count)) % bases.count]
            let input = Mutator.mutate(base.text, lines: lines[target] ?? [], stream: stream)
            FuzzCrashTrap.arm(input, name: "\(target.rawValue)-\(seed)-\(i)", ext: base.ext)
            let t0 = ContinuousClock.now
            let accepted = Self.exercise(target, input, base: base, state: baseState)
            let took = ContinuousClock.now - t0
            FuzzCrashTrap.disarm()
            counts[target, default: (0, 0)].runs += 1
            if accepted { counts[target, default: (0, 0)].accepted += 1 }
            if took > .seconds(hangSeconds) {
                found += 1
                save(input, "slow-\(target.rawValue)-\(seed)-\(i).\(base.ext)", "took \(took)")
            }
            if i % 200 == 0, Self.residentMiB() > maxMemoryMib {
                found += 1
                save(input, "memory-\(target.rawValue)-\(seed)-\(i).\(base.ext)", "peak memory \(Self.residentMiB()) MiB")
                break
            }
        }
        for t in Target.allCases {
            let c = counts[t, default: (0, 0)]
            print("\(t.rawValue): \(c.runs) inputs, \(c.accepted) accepted, \(c.runs - c.accepted) rejected with findings")
        }
        print("findings: \(found) (crashes would have stopped the run and saved the input in \(out)/)")
        if found > 0 { throw ExitCode(1) }
    }

    func save(_ input: String, _ name: String, _ why: String) {
        let path = "\(out)/\(name)"
        try? Data(input.utf8).write(to: URL(fileURLWithPath: path))
        CLI.printError("fuzz: \(why): saved \(path)")
    }

    /// Runs one input through its reader; true when accepted, false when rejected with findings.
    static func exercise(_ target: Target, _ input: String, base: Corpus.Item, state: ClusterState?) -> Bool {
        switch target {
        case .scenario:
            do {
                let (loaded, advisor, _) = try ScenarioLoader.loadAll(text: input, file: "fuzz.yaml", name: "fuzz")
                if case .cluster(let s) = loaded {
                    _ = ResourceEstimate(s)
                    if let advisor { exerciseAdvisor(s, advisor) }
                }
                return true
            } catch { return false }
        case .sql:
            do {
                let statements = try SQLRunbookParser.parse(input, file: "fuzz.sql")
                if let state {
                    var runner = RunbookRunner(state: state, file: "fuzz.sql")
                    try runner.run(statements)
                }
                return true
            } catch { return false }
        case .csv:
            do {
                let table = try CSVTable.parse(input, file: "fuzz.csv")
                var state = ClusterState()
                if base.name.hasPrefix("nodes") { try ClusterCSV.loadNodes(table, into: &state) }
                else if base.name.hasPrefix("shards") {
                    if let nodes = try? CSVTable.read(path: "Scenarios/metadata/nodes.csv") { try ClusterCSV.loadNodes(nodes, into: &state) }
                    try ClusterCSV.loadShards(table, into: &state)
                } else { _ = try TraceCSV.read(text: input, file: "fuzz.csv", classes: ["lookup", "dashboard"], tenants: 1_000) }
                return true
            } catch { return false }
        }
    }

    /// The advisor's candidate list and, on a tiny copy of the scenario (a few seconds simulated,
    /// 2 replications, a short scale-out), its studies of the cheapest candidate: a crash in a
    /// study on a value the loader accepts (`isolation_candidates: 0` once) is found here.
    /// Domain errors thrown by a study are outcomes, not findings.
    static func exerciseAdvisor(_ s: ClusterScenario, _ spec: AdvisorSpec) {
        guard let advisor = try? Advisor(base: s, spec: spec, threads: 1) else { return }
        let candidates = advisor.candidates()
        guard let cheapest = candidates.min(by: { ($0.costPerHour, $0.workers) < ($1.costPerHour, $1.workers) }),
              s.workload.tenants.count <= 50_000, cheapest.workers <= 16, cheapest.shardCount <= 512 else { return }
        var tiny = s
        tiny.run.duration = .seconds(4)
        tiny.run.warmup = .seconds(1)
        tiny.run.replications = 2
        tiny.timeline = []
        var small = spec
        small.replications = 2
        small.duration = .seconds(4)
        small.warmup = .seconds(1)
        small.growthSteps = Array(spec.growthSteps.prefix(1))
        if var plan = small.scaleOut {
            plan.runFor = .seconds(20)
            plan.executorsPerNode = Array(plan.executorsPerNode.prefix(1))
            plan.parallelColocated = Array(plan.parallelColocated.prefix(1))
            plan.parallelReference = Array(plan.parallelReference.prefix(1))
            plan.transferModes = Array(plan.transferModes.suffix(1))
            plan.addWorkers = plan.addWorkers.map { min($0, 2) }
            small.scaleOut = plan
        }
        if small.highAvailability != nil { small.highAvailability?.window = .seconds(10) }
        _ = try? Advisor(base: tiny, spec: small, threads: 1).studies(of: cheapest)
    }

    /// The advisor's scalar keys and the edge values to try for each: the ends of the ranges the
    /// reader accepts and their neighbours (a value `validate` accepts must also run).
    static let advisorEdgeValues: [(key: String, values: [String])] = [
        ("advisor.isolation_candidates", ["0", "1", "100"]), ("advisor.min_workers", ["1", "2"]), ("advisor.max_workers", ["1", "2", "3"]),
        ("advisor.replications", ["1", "2"]), ("advisor.headroom", ["0", "0.001"]), ("advisor.growth_steps", ["[1.001]", "[4]"]),
        ("advisor.scale_out.add_workers", ["1", "3"]), ("advisor.scale_out.executors_per_node", ["[1]", "[1000]"]),
        ("advisor.scale_out.run_for", ["1s", "10s"]), ("advisor.scale_out.transfer_modes", ["[force_logical]", "[auto, block_writes]"]),
        ("advisor.scale_out.snapshot", ["false"]), ("advisor.scale_out.parallel_reference", ["[true]"]), ("advisor.scale_out.max_duration", ["1s"]), ("advisor.horizon.traffic_growth", ["1", "1.001"]),
        ("advisor.horizon.tenant_growth", ["1", "1.001"]), ("advisor.duration", ["1s", "2s"]), ("advisor.warmup", ["0s"]),
    ]

    /// Each shipped sizing scenario with each edge value set (as `--set` would), loaded, and
    /// when accepted run through the studies on a tiny copy.
    static func advisorEdges(_ corpus: [Corpus.Item]) -> (tried: Int, accepted: Int) {
        var tried = 0, accepted = 0
        for item in corpus where item.target == .scenario && !item.spliceOnly && item.text.contains("\nadvisor:") {
            for (key, values) in advisorEdgeValues {
                for value in values {
                    tried += 1
                    let input = "\(item.name) with --set \(key)=\(value)"
                    FuzzCrashTrap.arm(input, name: "advisor-edge-\(tried)", ext: "txt")
                    if let (loaded, advisor, _) = try? ScenarioLoader.loadAll(text: item.text, file: item.name, name: "edge",
                                                                              overrides: [ScenarioOverride(key: key, value: value)]),
                       case .cluster(let s) = loaded, let advisor {
                        accepted += 1
                        exerciseAdvisor(s, advisor)
                    }
                    FuzzCrashTrap.disarm()
                }
            }
        }
        return (tried, accepted)
    }

    static func residentMiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}

/// The fuzz corpus: shipped inputs of each kind.
enum Corpus {
    struct Item {
        var target: Fuzz.Target
        var name: String
        var ext: String
        var text: String
        /// Only a source of lines to splice in (Citus's vectors), never an input by itself.
        var spliceOnly = false
    }

    static func load() -> [Item] {
        var items: [Item] = []
        let fm = FileManager.default
        for dir in ["Scenarios", "Scenarios/metadata", "Benchmarks"] {
            for name in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
                guard let text = try? String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8) else { continue }
                let ext = (name as NSString).pathExtension
                let target: Fuzz.Target? = ext == "yaml" ? .scenario : ext == "sql" ? .sql : ext == "csv" ? .csv : nil
                if let target { items.append(Item(target: target, name: name, ext: ext, text: text)) }
            }
        }
        // Citus's regression-test vectors (shard ids, hash values, node names, plans): their lines are
        // spliced into every kind of input.
        for name in ((try? fm.contentsOfDirectory(atPath: "Tests/Fixtures/citus/vectors")) ?? []).sorted() where name.hasSuffix(".json") {
            guard let text = try? String(contentsOfFile: "Tests/Fixtures/citus/vectors/\(name)", encoding: .utf8) else { continue }
            for target in Fuzz.Target.allCases { items.append(Item(target: target, name: "vector-\(name)", ext: "json", text: text, spliceOnly: true)) }
        }
        // A request trace, so the trace importer has a seed too.
        items.append(Item(target: .csv, name: "trace.csv", ext: "csv", text: "time_s,tenant,query_class\n0.001,1,lookup\n0.002,7,dashboard\n1.5,1000,lookup\n"))
        return items
    }
}

/// Mutations: byte edits, dictionary tokens and line splices.
enum Mutator {
    static let tokens = [":", ": ", "{", "}", "[", "]", "- ", "\n", "\n  ", "'", "\"", ",", "#", "&a ", "*a", "!!binary ", "~", "null", "true",
                         "-1", "0", "1e308", "-1e308", "NaN", "inf", "9223372036854775807", "99999999999999999999", "1_000_000_000_000",
                         "0x10", "1.5", "250ms", "0s", "-5m", "1e6h", "\t", "\u{0}", "é", "\u{FEFF}", "SELECT ", "(", ")", ";", "--", ":=",
                         "citus_move_shard_placement(", "citus_rebalance_start(", "isolate_tenant_to_new_shard(", "'CASCADE'", "NULL",
                         "ALTER SYSTEM SET ", "pg_reload_conf()", "\"\"", "\r\n", "count: ", "shard_count: ", "rate_per_second: ",
                         "isolation_candidates: ", "growth_steps: ", "executors_per_node: ", "add_workers: "]

    /// `lines`: the lines of each splice source.
    static func mutate(_ text: String, lines: [[Substring]], stream: RandomStream) -> String {
        var bytes = Array(text.utf8)
        let edits = 1 + Int(stream.uniform() * 4)
        for _ in 0..<edits {
            let pos = bytes.isEmpty ? 0 : Int(stream.uniform() * Double(bytes.count)) % max(1, bytes.count)
            switch Int(stream.uniform() * 7) {
            case 0 where !bytes.isEmpty: bytes[pos] = UInt8(Int(stream.uniform() * 256) & 0xFF)
            case 1 where !bytes.isEmpty:
                let n = min(bytes.count - pos, 1 + Int(stream.uniform() * 64))
                bytes.removeSubrange(pos..<(pos + n))
            case 2 where !bytes.isEmpty:
                let n = min(bytes.count - pos, 1 + Int(stream.uniform() * 64))
                bytes.insert(contentsOf: bytes[pos..<(pos + n)], at: pos)
            case 3, 4:
                bytes.insert(contentsOf: Array(tokens[Int(stream.uniform() * Double(tokens.count)) % tokens.count].utf8), at: pos)
            case 5:
                // Splice a line of another corpus file.
                guard !lines.isEmpty else { continue }
                let other = lines[Int(stream.uniform() * Double(lines.count)) % lines.count]
                guard !other.isEmpty else { continue }
                let line = other[Int(stream.uniform() * Double(other.count)) % other.count]
                bytes.insert(contentsOf: Array((line + "\n").utf8), at: pos)
            default:
                // Replace a number with an extreme.
                if let d = bytes[pos...].firstIndex(where: { $0 >= 48 && $0 <= 57 }) {
                    var e = d
                    while e < bytes.count && (bytes[e] >= 48 && bytes[e] <= 57 || bytes[e] == 46) { e += 1 }
                    let extreme = ["0", "-1", "1e308", "99999999999", "0.0000001", "4294967296"][Int(stream.uniform() * 6) % 6]
                    bytes.replaceSubrange(d..<e, with: Array(extreme.utf8))
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Saves the input being read when the process dies of a signal (a trap is SIGILL or SIGTRAP
/// in Swift) or a watchdog alarm fires: async-signal-safe `open`/`write` only.
enum FuzzCrashTrap {
    nonisolated(unsafe) static var buffer: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) static var length = 0
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var directory = ""
    nonisolated(unsafe) static var hang: UInt32 = 5

    static func install(directory: String, hangSeconds: Double) {
        Self.directory = directory
        hang = UInt32(max(1, hangSeconds.rounded(.up))) * 2
        for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGALRM] {
            signal(sig) { sig in
                if let p = FuzzCrashTrap.path, let b = FuzzCrashTrap.buffer {
                    let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    if fd >= 0 { _ = write(fd, b, FuzzCrashTrap.length); close(fd) }
                    let msg = sig == SIGALRM ? "fuzz: hang (watchdog): input saved\n" : "fuzz: crash: input saved\n"
                    _ = msg.withCString { write(2, $0, strlen($0)) }
                }
                _exit(sig == SIGALRM ? 1 : 128 + sig)
            }
        }
    }

    /// Keeps `input` where the handler can write it, under `<directory>/crash-<name>.<ext>`.
    static func arm(_ input: String, name: String, ext: String) {
        buffer?.deallocate()
        path?.deallocate()
        let bytes = Array(input.utf8)
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        buffer!.initialize(from: bytes, count: bytes.count)
        length = bytes.count
        let p = Array("\(directory)/crash-\(name).\(ext)".utf8CString)
        path = UnsafeMutablePointer<CChar>.allocate(capacity: p.count)
        path!.initialize(from: p, count: p.count)
        alarm(hang)
    }

    static func disarm() { alarm(0) }
}
