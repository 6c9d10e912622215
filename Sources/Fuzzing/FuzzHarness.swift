import Advisor
import ClusterModel
import Runbook
import SQL
import Scenario
import Simulation

/// What an input is read as.
public enum FuzzTarget: String, CaseIterable, Sendable { case scenario, sql, csv }

/// Runs fuzz inputs through the readers they target: every input is accepted, or rejected
/// with a finding; anything else (a crash, a hang) is a bug.
public enum FuzzHarness {
    /// Runs one input through its reader; true when accepted, false when rejected with findings.
    public static func exercise(_ target: FuzzTarget, _ input: String, base: Corpus.Item, state: ClusterState?) -> Bool {
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
    public static let advisorEdgeValues: [(key: String, values: [String])] = [
        ("advisor.isolation_candidates", ["0", "1", "100"]), ("advisor.min_workers", ["1", "2"]), ("advisor.max_workers", ["1", "2", "3"]),
        ("advisor.replications", ["1", "2"]), ("advisor.headroom", ["0", "0.001"]), ("advisor.growth_steps", ["[1.001]", "[4]"]),
        ("advisor.scale_out.add_workers", ["1", "3"]), ("advisor.scale_out.executors_per_node", ["[1]", "[1000]"]),
        ("advisor.scale_out.run_for", ["1s", "10s"]), ("advisor.scale_out.transfer_modes", ["[force_logical]", "[auto, block_writes]"]),
        ("advisor.scale_out.snapshot", ["false"]), ("advisor.scale_out.parallel_reference", ["[true]"]), ("advisor.scale_out.max_duration", ["1s"]), ("advisor.horizon.traffic_growth", ["1", "1.001"]),
        ("advisor.horizon.tenant_growth", ["1", "1.001"]), ("advisor.duration", ["1s", "2s"]), ("advisor.warmup", ["0s"]),
    ]

    /// Each shipped sizing scenario with each edge value set (as `--set` would), loaded, and
    /// when accepted run through the studies on a tiny copy.
    public static func advisorEdges(_ corpus: [Corpus.Item]) -> (tried: Int, accepted: Int) {
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
}
