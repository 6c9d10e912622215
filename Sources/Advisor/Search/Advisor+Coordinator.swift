import SimCore
import Simulation

/// Coordinator sizing. Every candidate gets a coordinator that plans and merges its queries
/// under the CPU ceiling: the advisor's (`advisor.coordinator`, or the cheapest compute type
/// with the scenario coordinator's cores) when its analytic CPU fits, else the cheapest setup
/// from the catalog that fits, one coordinator or up to `advisor.max_coordinators` of one
/// size. The recommendation's coordinator is then simulated against one size smaller and
/// against one coordinator more or fewer: the evidence for the choice.
extension Advisor {
    /// The coordinators a candidate has unless the search sizes them: the advisor's type, as
    /// many as the scenario has.
    public var defaultCoordinatorSetup: CoordinatorSetup { CoordinatorSetup(instance: coordinator, count: base.cluster.coordinatorCount) }

    /// Every setup of the catalog (types with at least `minCores`, 1...`advisor.max_coordinators`
    /// of each), cheapest first; ties: fewer coordinators (no load balancer to run), fewer
    /// cores, catalog order.
    public func coordinatorSetups(minCores: Int = 1) -> [CoordinatorSetup] {
        let setups = spec.catalog.enumerated().filter { $0.element.cores >= minCores }.flatMap { i, type in
            (1...max(1, spec.maxCoordinators)).map { (i, CoordinatorSetup(instance: type, count: $0)) }
        }
        return setups.sorted { ($0.1.costPerHour, $0.1.count, $0.1.instance.cores, $0.0) < ($1.1.costPerHour, $1.1.count, $1.1.instance.cores, $1.0) }.map(\.1)
    }

    /// Core-seconds per second of planning and merging in `s` (analytic, no queueing).
    func coordinatorDemand(_ load: AnalyticLoad, _ s: ClusterScenario) -> Double {
        load.coordinatorCPU * Double(s.cluster.coordinator.cores * s.cluster.coordinatorCount)
    }

    /// The cheapest setup whose coordinators stay within `limit` CPU for `demand`, among types
    /// with at least the scenario coordinator's cores (the floor the user gave); nil when the
    /// coordinator is pinned (`advisor.coordinator`) or none fits.
    func sizedCoordinator(demand: Double, limit: Double) -> CoordinatorSetup? {
        guard spec.coordinator == nil else { return nil }
        return coordinatorSetups(minCores: base.cluster.coordinator.cores).first { $0.utilisation(demand: demand) <= limit }
    }

    /// The coordinator study of the recommendation `c` (its search evaluation `steady`, nil to
    /// simulate it): one size smaller (the same family and count, fewer cores), and one
    /// coordinator more (a single one) or fewer (several), plus the largest single coordinator
    /// when several were needed; each at the search's load, seeds and replications.
    func coordinatorStudy(of c: Candidate, steady: Evaluation?) throws -> Advice.CoordinatorStudy {
        let chosen = c.coordinator ?? defaultCoordinatorSetup
        let s = try scenario(for: c, traffic: searchTraffic)
        let layout = try ClusterRun.layout(for: s)
        let demand = coordinatorDemand(AnalyticLoad(scenario: s, layout: layout), s)
        let limit = base.slo.maxCPUUtilization ?? 1
        let all = coordinatorSetups()
        var alternatives: [(Advice.CoordinatorStudy.Role, CoordinatorSetup)] = []
        // One size smaller: the same family and count, the next fewer cores.
        if let smaller = all.filter({ $0.instance.family == chosen.instance.family && $0.count == chosen.count && $0.instance.cores < chosen.instance.cores })
            .max(by: { ($0.instance.cores, -$0.costPerHour) < ($1.instance.cores, -$1.costPerHour) }) {
            alternatives.append((.smaller, smaller))
        }
        if chosen.count > 1 {
            alternatives.append((.fewer, CoordinatorSetup(instance: chosen.instance, count: chosen.count - 1)))
            if let largest = all.filter({ $0.count == 1 }).max(by: { ($0.instance.cores, -$0.costPerHour) < ($1.instance.cores, -$1.costPerHour) }) {
                alternatives.append((.largestSingle, largest))
            }
        } else if spec.maxCoordinators > 1 {
            alternatives.append((.more, CoordinatorSetup(instance: chosen.instance, count: chosen.count + 1)))
        }
        var seen = [chosen]
        alternatives = alternatives.filter { _, setup in
            guard !seen.contains(setup) else { return false }
            seen.append(setup)
            return true
        }
        let total = alternatives.count
        var runs = [Advice.CoordinatorStudy.Run(role: .recommended, setup: chosen, analyticCPU: chosen.utilisation(demand: demand),
                                                evaluation: try steady ?? evaluate(s, layout: layout, threads: threads))]
        for (k, (role, setup)) in alternatives.enumerated() {
            var other = c
            other.coordinator = setup
            runs.append(Advice.CoordinatorStudy.Run(role: role, setup: setup, analyticCPU: setup.utilisation(demand: demand),
                                                    evaluation: try evaluate(try scenario(for: other, traffic: searchTraffic), layout: layout, threads: threads)))
            progress?("coordinator study", k + 1, total)
        }
        let largestSingle = all.filter { $0.count == 1 }.map { $0.utilisation(demand: demand) }.min() ?? .infinity
        return Advice.CoordinatorStudy(advisorCoordinator: defaultCoordinatorSetup, pinned: spec.coordinator != nil, sizedBySearch: c.coordinator != nil,
                                       floorCores: base.cluster.coordinator.cores, demandCores: demand, cpuLimit: limit,
                                       singleIsBottleneck: largestSingle > limit, runs: runs)
    }
}
