import SimCore
import Simulation

extension Advice {
    /// The recommendation's coordinators against the alternatives that decide them, each
    /// simulated with the search's seeds and load.
    public struct CoordinatorStudy: Sendable {
        public enum Role: String, Sendable {
            case recommended
            /// The same family and count, the next fewer cores.
            case smaller = "one size smaller"
            /// One coordinator fewer of the recommended size.
            case fewer = "one coordinator fewer"
            /// The single coordinator with the most cores.
            case largestSingle = "largest single coordinator"
            /// One coordinator more of the recommended size.
            case more = "one coordinator more"
        }

        public struct Run: Sendable {
            public var role: Role
            public var setup: CoordinatorSetup
            /// CPU utilisation of each coordinator from the analytic load (no queueing).
            public var analyticCPU: Double
            public var evaluation: Evaluation
            /// The busiest coordinator's CPU utilisation, simulated.
            public var busiestCPU: ConfidenceInterval? {
                evaluation.interval("coordinator_cpu_utilization_max") ?? evaluation.interval("coordinator.cpu_utilization")
            }
        }

        /// The advisor's coordinators (`advisor.coordinator` or the default type, the scenario's count).
        public var advisorCoordinator: CoordinatorSetup
        /// `advisor.coordinator` names the type: the search does not size it.
        public var pinned: Bool
        /// The search sized the recommendation's coordinators (the advisor's would exceed the CPU ceiling).
        public var sizedBySearch: Bool
        /// The scenario coordinator's cores: the search sizes coordinators of at least this many.
        public var floorCores: Int
        /// Planning and merging at the search's load, in cores (analytic).
        public var demandCores: Double
        /// The CPU ceiling (`slo.max_cpu_utilization`, 1 without one).
        public var cpuLimit: Double
        /// No single coordinator of the catalog stays within the ceiling (analytic): the
        /// coordinator is the bottleneck, and only more coordinators relieve it.
        public var singleIsBottleneck: Bool
        /// The recommendation first, then the alternatives.
        public var runs: [Run]

        public var recommended: Run { runs[0] }
        public func run(_ role: Role) -> Run? { runs.first { $0.role == role } }

        /// A percentage: one decimal below 10%.
        static func percent(_ v: Double) -> String { SizingRules.fixed(v * 100, v < 0.1 ? 1 : 0) + "%" }

        /// "compute-8: busiest coordinator CPU 41% (upper 43%)".
        static func cpuText(_ r: Run) -> String {
            r.busiestCPU.map { "busiest coordinator CPU \(percent($0.mean)) (upper \(percent($0.upper)))" } ?? "no coordinator CPU measured"
        }

        /// What the alternative shows, in one clause.
        static func outcome(_ r: Run) -> String {
            "\(r.setup.label) (\(SizingRules.fixed(r.setup.costPerHour, 2))/h) \(r.evaluation.meets ? "also meets every SLO" : r.evaluation.missText), \(cpuText(r))"
        }

        /// The choice and its evidence, in a few sentences.
        public var verdict: String {
            let r = recommended
            var text: String
            let demand = "planning and merging take \(SizingRules.fixed(demandCores, demandCores < 10 ? 2 : 1)) cores at the search's load"
            if r.setup.count > 1 && singleIsBottleneck {
                text = "The coordinator is the bottleneck: \(demand), more than any single coordinator of the catalog holds under the \(Self.percent(cpuLimit)) CPU ceiling"
                    + (run(.largestSingle).map { " (the largest, \($0.setup.instance.name), would run at \(Self.percent($0.analyticCPU)))" } ?? "")
                    + ". Recommended: \(r.setup.label) behind the application's load balancer, \(Self.cpuText(r)); \(r.evaluation.missText)."
            } else if r.setup.count > 1 {
                text = "Recommended: \(r.setup.label) (\(demand)): cheaper than any single coordinator that keeps the \(Self.percent(cpuLimit)) CPU ceiling; \(Self.cpuText(r)); \(r.evaluation.missText)."
            } else {
                text = "Coordinator \(r.setup.label) (\(demand)): \(Self.cpuText(r)); \(r.evaluation.missText)."
                if sizedBySearch {
                    text += " The search sized it: the scenario's coordinator (\(advisorCoordinator.label)) would run at \(Self.percent(demandCores / Double(advisorCoordinator.count * advisorCoordinator.instance.cores))) CPU (analytic) above the ceiling."
                }
            }
            if let a = run(.fewer) { text += " With one coordinator fewer, \(Self.outcome(a))." }
            if let a = run(.largestSingle) { text += " The largest single coordinator, \(Self.outcome(a))." }
            if let a = run(.smaller) {
                if a.evaluation.meets && !pinned && a.setup.instance.cores < floorCores && a.setup.count == 1 {
                    text += " One size smaller, \(Self.outcome(a)): the search keeps at least the scenario coordinator's \(floorCores) cores; lower `cluster.coordinator.cores` to \(a.setup.instance.cores) to let it choose \(a.setup.instance.name) (saves \(SizingRules.fixed(r.setup.costPerHour - a.setup.costPerHour, 2))/h)."
                } else {
                    text += " One size smaller: \(Self.outcome(a))."
                }
            }
            if let a = run(.more), let tight = r.evaluation.checks.max(by: { $0.ratio < $1.ratio }),
               let other = a.evaluation.checks.first(where: { $0.column == tight.column }) {
                let extra = "One coordinator more (+\(SizingRules.fixed(a.setup.costPerHour - r.setup.costPerHour, 2))/h, \(Self.cpuText(a)))"
                let figures = "\(SLOCheck.show(tight.measured.mean, tight.unit)) → \(SLOCheck.show(other.measured.mean, other.unit))"
                // Common random numbers: the same requests, so a difference beyond both intervals is the coordinator's.
                let apart = other.measured.upper < tight.measured.lower || other.measured.lower > tight.measured.upper
                text += apart
                    ? " \(extra) moves the tightest objective, \(tight.objective), \(figures)."
                    : " \(extra) leaves the tightest objective, \(tight.objective), within its confidence interval (\(figures)): the coordinator is not what limits this cluster."
            }
            return text
        }
    }
}
