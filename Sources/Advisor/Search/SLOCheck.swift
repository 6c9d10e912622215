import SimCore
import Simulation

/// One objective of the scenario's `slo` against a measured interval; met when the upper
/// end of the interval is within the target (met "with confidence").
public struct SLOCheck: Sendable {
    /// What is checked, e.g. `tenant_lookup p99`.
    public var objective: String
    /// The summary metric it reads.
    public var metric: String
    /// The objective's column in tables of candidates: its metric, except that the coordinator
    /// CPU objective is one column whether it reads the only coordinator or the busiest of several.
    public var column: String { metric == "coordinator_cpu_utilization_max" ? "coordinator.cpu_utilization" : metric }
    public var target: Double
    /// Unit of `target` and `measured` for display: `ms` or `%` (fractions shown as percent).
    public var unit: String
    public var measured: ConfidenceInterval

    public init(objective: String, metric: String, target: Double, unit: String, measured: ConfidenceInterval) {
        self.objective = objective
        self.metric = metric
        self.target = target
        self.unit = unit
        self.measured = measured
    }

    public var met: Bool { measured.upper <= target }
    /// Missed beyond doubt: even the lower end of the interval is above the target.
    public var missedBeyondDoubt: Bool { measured.lower > target }
    /// measured upper / target: above 1 misses.
    public var ratio: Double { target > 0 ? measured.upper / target : .infinity }

    /// "tenant_lookup p99 71.2 ms > 50 ms" (what a miss looks like in one line).
    public var missText: String {
        "\(objective) \(Self.show(measured.upper, unit)) > \(Self.show(target, unit))"
    }

    /// The target for display, e.g. `50.0 ms` or `70.0%`.
    public var targetText: String { Self.show(target, unit) }
    /// The measurement for display: mean and upper end.
    public var measuredText: String { "\(Self.show(measured.mean, unit)), upper \(Self.show(measured.upper, unit))" }

    /// `v` for display in `unit` (`%` shows a fraction as percent).
    public static func show(_ v: Double, _ unit: String) -> String {
        unit == "%" ? "\(SizingRules.fixed(v * 100, 1))%" : "\(SizingRules.fixed(v, 1)) \(unit)"
    }
}

extension SLOSpec {
    /// The checks for a run whose summary intervals `interval(name)` returns; objectives
    /// whose metric is missing are skipped. With `severalCoordinators` (from the start or
    /// added by the timeline), the coordinator CPU objective applies to the busiest of them.
    public func checks(_ interval: (String) -> ConfidenceInterval?, severalCoordinators: Bool = false) -> [SLOCheck] {
        var out: [SLOCheck] = []
        for (cls, ms) in p99Ms {
            if let ci = interval("\(cls).latency_p99_ms") {
                out.append(SLOCheck(objective: "\(cls) p99", metric: "\(cls).latency_p99_ms", target: ms, unit: "ms", measured: ci))
            }
        }
        if let cpu = maxCPUUtilization {
            // With several coordinators, the busiest of them.
            let coordinator = severalCoordinators
                ? ("busiest coordinator CPU", "coordinator_cpu_utilization_max") : ("coordinator CPU", "coordinator.cpu_utilization")
            for (name, metric) in [("busiest worker CPU", "worker_cpu_utilization_max"), coordinator] {
                if let ci = interval(metric) { out.append(SLOCheck(objective: name, metric: metric, target: cpu, unit: "%", measured: ci)) }
            }
        }
        if let rate = maxTimeoutRate, let ci = interval("timeout_rate") {
            out.append(SLOCheck(objective: "timeout rate", metric: "timeout_rate", target: rate, unit: "%", measured: ci))
        }
        return out
    }
}

extension SLOSpec {
    /// The objectives judged while an operation runs (the scale-out study), over its window:
    /// each class's p99 (`<class>.latency_p99_ms`) and the share of queries that timed out or
    /// failed (`timeout_or_error_rate`, against `max_timeout_rate`). The CPU ceiling is left out:
    /// it keeps steady-state headroom, which an operation is there to spend.
    public func operationChecks(_ interval: (String) -> ConfidenceInterval?) -> [SLOCheck] {
        var out: [SLOCheck] = []
        for (cls, ms) in p99Ms {
            if let ci = interval("\(cls).latency_p99_ms") {
                out.append(SLOCheck(objective: "\(cls) p99", metric: "\(cls).latency_p99_ms", target: ms, unit: "ms", measured: ci))
            }
        }
        if let rate = maxTimeoutRate, let ci = interval("timeout_or_error_rate") {
            out.append(SLOCheck(objective: "timeout or error rate", metric: "timeout_or_error_rate", target: rate, unit: "%", measured: ci))
        }
        return out
    }
}
