import Experiments
import QueueingModels
import Scenario
import SimCore
import TextFormat

/// The files of a `kind: station` scenario's results: per-metric confidence intervals over
/// the replications, and the closed-form value where queueing theory has one.
public struct StationReport {
    /// The replications this report formats.
    public var experiment: StationExperiment

    public init(_ experiment: StationExperiment) { self.experiment = experiment }

    public var scenario: StationScenario { experiment.scenario }
    public var intervals: [(name: String, interval: ConfidenceInterval)] { experiment.intervals }
    public var events: UInt64 { experiment.events }

    /// The closed-form value of a metric, if known.
    public func exact(_ metric: String) -> Double? {
        switch metric {
        case "response_latency_mean_ms": return scenario.station.exactMeanResponseSeconds.map { $0 * 1e3 }
        case "blocking_probability": return scenario.station.exactBlockingProbability
        case "utilization": return scenario.station.discipline == .loss ? nil : scenario.station.utilization
        default: return nil
        }
    }

    /// `summary.csv`: one row per metric.
    public var csv: String {
        var w = CSVWriter(columns: ["metric", "mean", "ci_low", "ci_high", "ci_half_width", "confidence", "replications", "exact"])
        for (name, ci) in intervals {
            w.appendRow([
                .text(name), .number(ci.mean, digits: 6), .number(ci.lower, digits: 6), .number(ci.upper, digits: 6),
                .number(ci.halfWidth, digits: 6), .number(ci.level, digits: 3), .integer(Int64(ci.count)),
                exact(name).map { .number($0, digits: 6) } ?? .text(""),
            ])
        }
        return w.text
    }

    /// `summary.json`: the scenario's settings and every metric.
    public var json: String {
        let s = scenario.station
        let metrics: [JSONValue] = intervals.map { name, ci in
            .object([
                ("name", .string(name)), ("mean", .number(ci.mean, digits: 6)),
                ("ci_low", .number(ci.lower, digits: 6)), ("ci_high", .number(ci.upper, digits: 6)),
                ("exact", exact(name).map { .number($0, digits: 6) } ?? .null),
            ])
        }
        return JSONValue.object([
            ("scenario", .string(scenario.name)),
            ("kind", .string("station")),
            ("seed", .string(String(scenario.run.seed))),
            ("replications", .integer(Int64(scenario.run.replications))),
            ("confidence", .number(scenario.run.confidence, digits: 3)),
            ("station", .object([
                ("discipline", .string(s.discipline.rawValue)), ("servers", .integer(Int64(s.servers))),
                ("arrival_rate_per_second", .number(s.arrivalRatePerSecond, digits: 6)),
                ("mean_service_ms", .number(s.service.mean * 1e3, digits: 6)),
                ("service_cv", .number(s.service.cv, digits: 6)),
                ("offered_load_per_server", .number(s.utilization, digits: 6)),
                ("customers", .integer(Int64(s.customers))), ("warmup_customers", .integer(Int64(s.warmupCustomers))),
            ])),
            ("events", .integer(Int64(events))),
            ("metrics", .array(metrics)),
        ]).render()
    }

    /// `report.html`: the page a reader opens.
    public var html: String { StationReportPage(report: self).html }

    /// A short table for the terminal.
    public var terminalSummary: String {
        var lines = ["\(scenario.name): \(scenario.station.discipline.rawValue) station, \(scenario.station.servers) server(s), load \(NumberFormat.fixed(scenario.station.utilization, 3)), \(scenario.run.replications) replications"]
        let width = intervals.map(\.name.count).max() ?? 0
        for (name, ci) in intervals {
            var line = name.padding(width) + "  " + NumberFormat.fixed(ci.mean, 4) + " ± " + NumberFormat.fixed(ci.halfWidth, 4)
            if let e = exact(name) { line += "   (exact " + NumberFormat.fixed(e, 4) + ")" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
