import Advisor
import Foundation
import Scenario
import SimCore
import Simulation
import TextFormat

/// A partial result of `citus-sim recommend --partition i/N`: the screening and simulation of
/// one deterministic slice of the candidates, with the scenario text it came from, so that
/// `citus-sim merge` can check the slices belong together and finish the advice. Numbers are
/// written as Swift's shortest round-trip text, so a merged run is byte-identical to an
/// unpartitioned one.
public struct AdvicePartial {
    public static let format = "citus-sim-advice-partial"

    /// Which search and which slice of it.
    public struct Header: Equatable {
        public var scenarioName: String
        /// The scenario file's text (YAML), parsed again by `merge`.
        public var scenarioText: String
        public var seed: UInt64
        public var budget: Double?
        public var partition: Int
        public var partitions: Int
        public var candidatesTotal: Int

        public init(scenarioName: String, scenarioText: String, seed: UInt64, budget: Double?, partition: Int, partitions: Int, candidatesTotal: Int) {
            self.scenarioName = scenarioName
            self.scenarioText = scenarioText
            self.seed = seed
            self.budget = budget
            self.partition = partition
            self.partitions = partitions
            self.candidatesTotal = candidatesTotal
        }

        /// Same search (all but the slice).
        func sameSearch(as other: Header) -> Bool {
            scenarioText == other.scenarioText && seed == other.seed && budget == other.budget && partitions == other.partitions
                && candidatesTotal == other.candidatesTotal
        }
    }

    public var header: Header
    public var outcomes: [CandidateOutcome]

    public init(header: Header, outcomes: [CandidateOutcome]) {
        self.header = header
        self.outcomes = outcomes
    }

    static func exact(_ v: Double) -> JSONValue { .string(v.description) }
    static func exact(_ list: [Double]) -> JSONValue { .array(list.map(exact)) }

    /// One candidate's screening and simulation as JSON (exact numbers).
    static func itemJSON(_ o: CandidateOutcome) -> JSONValue {
        var f: [(String, JSONValue)] = [("id", .integer(Int64(o.id))), ("verdict", .string(o.verdict.rawValue))]
        if let r = o.rejection { f.append(("rejection", .string(r))) }
        if let r = o.rejectedBy { f.append(("rejected_by", .string(r.rawValue))) }
        if let c = o.candidate.coordinator {
            f.append(("coordinator", .object([("instance", .string(c.instance.name)), ("count", .integer(Int64(c.count))), ("cost_per_hour", Self.exact(o.candidate.costPerHour))])))
        }
        if let l = o.load {
            f.append(("load", .object([
                ("rate", Self.exact(l.rate)), ("worker_cpu", Self.exact(l.workerCPU)), ("coordinator_cpu", Self.exact(l.coordinatorCPU)),
                ("worker_disk_reads", Self.exact(l.workerDiskReads)), ("worker_disk", Self.exact(l.workerDisk)),
                ("working_set_bytes", Self.exact(l.workingSetBytes)), ("cache_bytes", Self.exact(l.cacheBytes)),
                ("concurrent_multi_shard", Self.exact(l.concurrentMultiShard)), ("expected_multi_shard", Self.exact(l.expectedMultiShard)),
                ("worker_data_bytes", Self.exact(l.workerDataBytes)), ("largest_group_bytes", Self.exact(l.largestGroupBytes)),
                ("worker_disk_bytes", Self.exact(l.workerDiskBytes)),
            ])))
        }
        if let e = o.evaluation {
            f.append(("evaluation", .object([
                ("seed", .string(String(e.seed))), ("replications", .integer(Int64(e.replications))),
                ("intervals", .array(e.intervals.map { name, ci in
                    .array([.string(name), Self.exact(ci.mean), Self.exact(ci.halfWidth), Self.exact(ci.standardDeviation),
                            .integer(Int64(ci.count)), Self.exact(ci.level)])
                })),
            ])))
        }
        return .object(f)
    }

    /// The partial as JSON text.
    public var json: String {
        let items: [JSONValue] = outcomes.map(Self.itemJSON)
        let h = header
        return JSONValue.object([
            ("format", .string(Self.format)), ("version", .integer(1)), ("scenario", .string(h.scenarioName)),
            ("scenario_text", .string(h.scenarioText)), ("seed", .string(String(h.seed))), ("budget_per_hour", h.budget.map(Self.exact) ?? .null),
            ("partition", .integer(Int64(h.partition))), ("partitions", .integer(Int64(h.partitions))),
            ("candidates_total", .integer(Int64(h.candidatesTotal))), ("outcomes", .array(items)),
        ]).render()
    }

    /// What went wrong reading a partial: the file and the reason.
    public struct ReadError: Error, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "\(file): error: \(reason)" }
    }

    /// Reads a partial's JSON text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> AdvicePartial.Raw {
        func fail(_ why: String) -> ReadError { ReadError(file: file, reason: why) }
        guard let data = text.data(using: .utf8), let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw fail("not JSON; expected a partial result written by `citus-sim recommend --partition i/N`")
        }
        guard root["format"] as? String == format, root["version"] as? Int == 1 else {
            throw fail("not a citus-sim partial result (format \(format), version 1)")
        }
        guard let name = root["scenario"] as? String, let scenarioText = root["scenario_text"] as? String,
              let seedText = root["seed"] as? String, let seed = UInt64(seedText),
              let partition = root["partition"] as? Int, let partitions = root["partitions"] as? Int, let total = root["candidates_total"] as? Int,
              let items = root["outcomes"] as? [[String: Any]] else {
            throw fail("missing or malformed fields (scenario, scenario_text, seed, partition, partitions, candidates_total, outcomes)")
        }
        let budget = (root["budget_per_hour"] as? String).flatMap(Double.init)
        return Raw(file: file, header: Header(scenarioName: name, scenarioText: scenarioText, seed: seed, budget: budget, partition: partition,
                                              partitions: partitions, candidatesTotal: total), items: items)
    }

    /// A partial as read, before its outcomes are rebuilt against the advisor.
    public struct Raw {
        public var file: String
        public var header: Header
        var items: [[String: Any]]

        /// The outcomes, rebuilt with `advisor`'s candidates and rules.
        public func outcomes(_ advisor: Advisor) throws -> [CandidateOutcome] {
            try items.map { try AdvicePartial.outcome(from: $0, advisor: advisor, file: file) }
        }
    }

    /// One candidate's outcome from its JSON, rebuilt with `advisor`'s candidates and rules.
    static func outcome(from item: [String: Any], advisor: Advisor, file: String) throws -> CandidateOutcome {
        func fail(_ why: String) -> ReadError { ReadError(file: file, reason: why) }
        let all = advisor.candidates()
        let d = { (any: Any?) -> Double? in (any as? String).flatMap(Double.init) }
        let ds = { (any: Any?) -> [Double]? in (any as? [String])?.compactMap(Double.init) }
        guard let id = item["id"] as? Int, (1...all.count).contains(id), let v = item["verdict"] as? String,
              let verdict = CandidateOutcome.Verdict(rawValue: v) else { throw fail("a candidate without a valid id or verdict") }
        var c = all[id - 1]
        if let co = item["coordinator"] as? [String: Any] {
            // The search sized this candidate's coordinators.
            guard let name = co["instance"] as? String, let type = advisor.spec.catalog.first(where: { $0.name == name }),
                  let count = co["count"] as? Int, count >= 1, let cost = d(co["cost_per_hour"]) else { throw fail("candidate \(id): malformed coordinator") }
            c.coordinator = CoordinatorSetup(instance: type, count: count)
            c.costPerHour = cost
        }
        var load: AnalyticLoad?
        if let l = item["load"] as? [String: Any] {
            guard let rate = d(l["rate"]), let cpu = ds(l["worker_cpu"]), let co = d(l["coordinator_cpu"]), let reads = ds(l["worker_disk_reads"]),
                  let disk = ds(l["worker_disk"]), let ws = ds(l["working_set_bytes"]), let cache = d(l["cache_bytes"]),
                  let conc = d(l["concurrent_multi_shard"]), let expected = d(l["expected_multi_shard"]),
                  let data = ds(l["worker_data_bytes"]), let group = d(l["largest_group_bytes"]), let disks = ds(l["worker_disk_bytes"]) else { throw fail("candidate \(id): malformed load") }
            load = AnalyticLoad(rate: rate, workerCPU: cpu, coordinatorCPU: co, workerDiskReads: reads, workerDisk: disk,
                                workingSetBytes: ws, cacheBytes: cache, concurrentMultiShard: conc, expectedMultiShard: expected)
            load!.setStorage(workerDataBytes: data, largestGroupBytes: group, workerDiskBytes: disks)
        }
        var evaluation: Evaluation?
        if let e = item["evaluation"] as? [String: Any] {
            guard let seed = (e["seed"] as? String).flatMap(UInt64.init), let reps = e["replications"] as? Int,
                  let rows = e["intervals"] as? [[Any]] else { throw fail("candidate \(id): malformed evaluation") }
            let intervals = try rows.map { row -> (name: String, interval: ConfidenceInterval) in
                guard row.count == 6, let name = row[0] as? String, let mean = d(row[1]), let half = d(row[2]), let sd = d(row[3]),
                      let n = row[4] as? Int, let level = d(row[5]) else { throw fail("candidate \(id): malformed interval") }
                return (name, ConfidenceInterval(mean: mean, halfWidth: half, standardDeviation: sd, count: n, level: level))
            }
            evaluation = Evaluation(intervals: intervals, slo: advisor.base.slo, replications: reps, seed: seed)
        }
        return CandidateOutcome(id: id, candidate: c, rules: try advisor.rules(for: c, load: load), load: load,
                                rejection: item["rejection"] as? String,
                                rejectedBy: (item["rejected_by"] as? String).flatMap(CandidateOutcome.Rejection.init),
                                evaluation: evaluation, confirmation: nil, verdict: verdict)
    }

    /// Checks that `partials` are the N slices of one search, each once, and returns every
    /// outcome in candidate order.
    public static func merge(_ partials: [Raw], advisor: Advisor) throws -> [CandidateOutcome] {
        guard let first = partials.first else { throw ReadError(file: "merge", reason: "no partial results given") }
        for p in partials where !p.header.sameSearch(as: first.header) {
            throw ReadError(file: p.file, reason: "comes from another search than \(first.file) (scenario, seed, budget or partition count differ)")
        }
        let n = first.header.partitions
        let seen = partials.map(\.header.partition).sorted()
        guard n >= 1, seen == Array(1...n) else {
            let missing = Set(1...max(1, n)).subtracting(seen).sorted()
            throw ReadError(file: first.file, reason: "the partitions do not cover 1...\(n) exactly once (have \(seen.map(String.init).joined(separator: ", "))\(missing.isEmpty ? "" : "; missing \(missing.map(String.init).joined(separator: ", "))"))")
        }
        let outcomes = try partials.flatMap { try $0.outcomes(advisor) }.sorted { $0.id < $1.id }
        guard outcomes.count == first.header.candidatesTotal, outcomes.count == advisor.candidates().count else {
            throw ReadError(file: first.file, reason: "\(outcomes.count) candidates in the partials; the search has \(advisor.candidates().count)")
        }
        return outcomes
    }
}
