import Advisor
import Diagnostics
import Foundation
import Simulation
import Yams

/// A loaded scenario, by kind.
public enum LoadedScenario: Sendable {
    case station(StationScenario)
    case cluster(ClusterScenario)
}

/// Reads and validates a scenario file: `version` first, then the sections of its `kind`.
///
/// Errors and warnings are collected for the whole file; if any error is found,
/// `load` throws an `InputError` carrying all of them.
public enum ScenarioLoader {
    /// Scenario format versions this build reads.
    public static let supportedVersions = 1...1
    /// Scenario kinds this build reads.
    public static let kinds = ["cluster", "station"]

    /// Loads `path` with command-line `overrides`; returns the scenario and any warnings.
    public static func load(path: String, overrides: [ScenarioOverride] = []) throws -> (LoadedScenario, [Finding]) {
        let (scenario, _, findings) = try loadAll(path: path, overrides: overrides)
        return (scenario, findings)
    }

    /// Loads a cluster scenario for `citus-sim recommend`: the scenario, its `advisor` section
    /// (defaults when absent) and any warnings.
    public static func loadForAdvice(path: String, overrides: [ScenarioOverride] = []) throws -> (ClusterScenario, AdvisorSpec, [Finding]) {
        try forAdvice(loadAll(path: path, overrides: overrides), file: path)
    }

    /// As `loadForAdvice(path:)`, from text; `file` names it in findings.
    public static func loadForAdvice(text: String, file: String, name: String) throws -> (ClusterScenario, AdvisorSpec, [Finding]) {
        try forAdvice(loadAll(text: text, file: file, name: name), file: file)
    }

    static func forAdvice(_ loaded: (LoadedScenario, AdvisorSpec?, [Finding]), file path: String) throws -> (ClusterScenario, AdvisorSpec, [Finding]) {
        let (scenario, advisor, findings) = loaded
        guard case .cluster(let cluster) = scenario else {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error,
                                                message: "`recommend` sizes Citus clusters: the scenario must be `kind: cluster`")])
        }
        if cluster.slo.isEmpty {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error,
                                                message: "`recommend` needs objectives: add an `slo` section (p99_ms per class, max_cpu_utilization, max_timeout_rate)")])
        }
        if !cluster.cluster.workerSizes.isEmpty {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error,
                                                message: "`recommend` sizes clusters of one worker size: give `cluster.workers` as one group (`citus-sim run` simulates groups of different sizes)")])
        }
        if cluster.cluster.importedLayout != nil {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error,
                                                message: "`recommend` searches worker and shard counts, so it cannot keep an imported `cluster.layout`: remove that key to size the cluster (`citus-sim run` and timelines use it)")])
        }
        if cluster.cluster.coordinatorHasShards {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error,
                                                message: "`recommend` sizes clusters whose workers hold the shards: set `cluster.coordinator_has_shards` to false (`citus-sim run` simulates shards on the coordinator)")])
        }
        return (cluster, advisor ?? AdvisorSpec(), findings)
    }

    static func loadAll(path: String, overrides: [ScenarioOverride] = []) throws -> (LoadedScenario, AdvisorSpec?, [Finding]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error, message: "cannot read the file (missing or not readable)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error, message: "the file is not UTF-8 text")])
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try loadAll(text: text, file: path, name: name, overrides: overrides)
    }

    /// Loads scenario text; `file` names it in findings.
    public static func load(text: String, file: String, name: String, overrides: [ScenarioOverride] = []) throws -> (LoadedScenario, [Finding]) {
        let (scenario, _, findings) = try loadAll(text: text, file: file, name: name, overrides: overrides)
        return (scenario, findings)
    }

    /// Loads scenario text with its `advisor` section; `file` names it in findings.
    public static func loadAll(text: String, file: String, name: String, overrides: [ScenarioOverride] = []) throws -> (LoadedScenario, AdvisorSpec?, [Finding]) {
        let reader = YAMLReader(file: file)
        var scenario: LoadedScenario?
        var advisor: AdvisorSpec?
        if let root = reader.parseRoot(text, overrides: overrides) {
            var version = root.integer("version", in: 1...Int.max)
            if let v = version, !supportedVersions.contains(v) {
                reader.error(root.value("version"), "scenario version \(v) is not supported by this build; supported: \(supportedVersions.lowerBound)...\(supportedVersions.upperBound)")
                version = nil  // the rest of the file may follow another schema: do not read it
            }
            let kind = root.string("kind", allowed: kinds)
            if version != nil, kind == "station" {
                scenario = StationScenarioReader.read(root, name: name).map(LoadedScenario.station)
            } else if version != nil, kind == "cluster" {
                scenario = ClusterScenarioReader.read(root, name: name, advisor: &advisor).map(LoadedScenario.cluster)
            }
            if version != nil && kind != nil { root.finish() }
        }
        // A finding without a place that names an overridden key is about the command line's value.
        let findings = reader.findings.map { f -> Finding in
            guard f.line == 0, let o = overrides.last(where: { f.message.contains("`\($0.key)`") }) else { return f }
            var g = f
            g.file = o.argument
            return g
        }.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        if reader.hasErrors || scenario == nil {
            throw InputError(findings: findings.isEmpty
                ? [Finding(file: file, line: 0, column: 0, severity: .error, message: "the scenario could not be read")] : findings)
        }
        return (scenario!, advisor, findings)
    }
}

extension ScenarioLoader {
    /// Keys of the `advisor` section read only by the studies that follow the search (growth,
    /// scale-out, isolation): changing them does not change any candidate's outcome.
    static let studyOnlyAdvisorKeys = ["isolation_candidates", "scale_out", "growth_steps"]

    /// True when two scenario texts describe the same candidate search: the same YAML
    /// document once comments, layout and the study-only advisor keys are set aside. An
    /// interrupted `recommend` can then resume after such a key was fixed.
    public static func sameSearch(_ a: String, _ b: String) -> Bool {
        func searchPart(_ text: String) -> Node? {
            guard var root = try? Yams.compose(yaml: text), case .mapping(var top) = root, case .mapping(var advisor)? = top["advisor"] else {
                return try? Yams.compose(yaml: text)
            }
            for key in studyOnlyAdvisorKeys { advisor[key] = nil }
            top["advisor"] = .mapping(advisor)
            root = .mapping(top)
            return root
        }
        guard let x = searchPart(a), let y = searchPart(b) else { return false }
        return x == y
    }
}
