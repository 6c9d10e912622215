import Workload
import SimCore
import Simulation

/// What `citus-sim recommend` searches and under which constraints (the scenario's
/// `advisor` section; schema in Scenarios/README.md). The SLOs are the scenario's `slo`.
public struct AdvisorSpec: Sendable {
    /// The application type of the Citus docs, which selects the shard-count rule.
    public enum WorkloadKind: String, Sendable, CaseIterable {
        case multiTenant = "multi_tenant"
        case realTimeAnalytics = "real_time_analytics"
    }

    /// "We run on one machine with `cores` and `memoryGiB` and see `latencyMs`; we need
    /// `targetLatencyMs`" (the Citus docs' starting point for sizing).
    public struct SingleNode: Sendable, Equatable {
        public var cores: Int
        public var memoryGiB: Double
        public var latencyMs: Double?
        public var targetLatencyMs: Double?
        public init(cores: Int, memoryGiB: Double, latencyMs: Double? = nil, targetLatencyMs: Double? = nil) {
            self.cores = cores
            self.memoryGiB = memoryGiB
            self.latencyMs = latencyMs
            self.targetLatencyMs = targetLatencyMs
        }
    }

    /// The dimensions of the search; nil lists are derived from the rules or the scenario.
    public struct Space: Sendable {
        /// Shard counts (nil = from the rule of `workloadKind`).
        public var shardCounts: [Int]?
        /// Worker counts (nil = every count in `minWorkers...maxWorkers`).
        public var workerCounts: [Int]?
        /// Worker instance names (nil = the whole catalog).
        public var instances: [String]?
        /// `citus.max_adaptive_executor_pool_size` values (nil = the scenario's).
        public var poolSizes: [Int]?
        /// `citus.max_shared_pool_size` values (nil = the scenario's).
        public var sharedPoolSizes: [Int]?
        /// Workers' `max_connections` values (nil = the scenario's).
        public var maxConnections: [Int]?
        public init() {}
    }

    /// The scale-out the operations advice simulates for the recommended cluster.
    public struct ScaleOut: Sendable {
        /// Workers added (nil = enough for the horizon's traffic, at least one).
        public var addWorkers: Int?
        /// `citus.max_background_task_executors_per_node` values to compare.
        public var executorsPerNode: [Int] = [1, 2]
        /// `parallel_transfer_colocated_shards` values to compare.
        public var parallelColocated: [Bool] = [false, true]
        /// `parallel_transfer_reference_tables` values to compare (only studied when the
        /// scenario has reference tables: without them the setting changes nothing).
        public var parallelReference: [Bool] = [false, true]
        /// `shard_transfer_mode` values to compare (`auto`, `force_logical`, `block_writes`).
        public var transferModes: [String] = ["auto", "block_writes"]
        /// Whether snapshot-based node addition is studied too.
        public var snapshot = true
        /// The schedule search (nil = none): start instants on the rate curve's clock from
        /// `from` to `to` every `step`.
        public var schedule: Schedule?
        /// Longest acceptable rebalance (the SLO for a planned scale-out; nil = none).
        public var maxDuration: SimDuration?
        /// Simulated time allowed for the scale-out runs.
        public var runFor: SimDuration = .hours(2)
        public init() {}

        /// Simulated time one scale-out run gets from its first statement: `runFor`, or
        /// `maxDuration` when shorter (a setting still running at the limit cannot be
        /// recommended, so simulating it further would change no answer).
        public var runLimit: SimDuration { maxDuration.map { min($0, runFor) } ?? runFor }
    }

    /// When a scale-out may start, on the workload's clock (the rate curve's time).
    public struct Schedule: Sendable {
        public var from: SimDuration
        public var to: SimDuration
        public var step: SimDuration
        public init(from: SimDuration, to: SimDuration, step: SimDuration) {
            self.from = from
            self.to = to
            self.step = step
        }
        /// The start instants tried, in order.
        public var starts: [SimDuration] {
            var out: [SimDuration] = [], t = from
            while t <= to && out.count < 1_000 { out.append(t); t = t + step }
            return out
        }
    }

    /// Growth per month for the capacity runway.
    public struct RunwaySpec: Sendable {
        /// Compound growth per month of traffic and of data (0.05 = 5%).
        public var trafficPerMonth: Double
        public var dataPerMonth: Double
        /// How far to look, months.
        public var months = 36
        /// Month 0 as (year, month), for dates (nil = months only).
        public var asOf: (year: Int, month: Int)?
        /// Tenants (by rank) that grow at their own rates; the others grow at the rates above.
        /// With classes, data grows inside each tenant (no new tenants) and the limits are
        /// recomputed month by month.
        public var classes: [TenantClass] = []

        /// Ranks `first`...`last` growing at their own rates per month.
        public struct TenantClass: Sendable, Equatable {
            public var first: Int
            public var last: Int
            public var trafficPerMonth: Double
            public var dataPerMonth: Double
            public init(first: Int, last: Int, trafficPerMonth: Double, dataPerMonth: Double) {
                self.first = first
                self.last = last
                self.trafficPerMonth = trafficPerMonth
                self.dataPerMonth = dataPerMonth
            }
        }

        /// The monthly (traffic, data) growth of tenant `rank` (1-based).
        public func growth(rank: Int) -> (traffic: Double, data: Double) {
            classes.first { (c: TenantClass) in (c.first...c.last).contains(rank) }.map { ($0.trafficPerMonth, $0.dataPerMonth) } ?? (trafficPerMonth, dataPerMonth)
        }

        public init(trafficPerMonth: Double, dataPerMonth: Double) {
            self.trafficPerMonth = trafficPerMonth
            self.dataPerMonth = dataPerMonth
        }
    }

    /// The N+1 check: the busiest worker fails, without and with a standby.
    public struct HighAvailability: Sendable {
        /// Simulated time from the failure to the end of the check.
        public var window: SimDuration = .minutes(5)
        public init() {}
    }

    public var workloadKind: WorkloadKind = .multiTenant
    /// How a fan-out's work changes with the shard count: `split` keeps each query's total
    /// CPU and bytes read and divides them among the shards (a scan of the table: real-time
    /// analytics); `per_shard` keeps the cost of each shard task (an index lookup per shard).
    /// The scenario's figures are per shard task at its own `citus.shard_count`.
    /// One model of per-task work for `run` and `recommend` (Workload's `FanOutWork`).
    public typealias FanOutWork = Workload.FanOutWork
    /// The default for multi-shard classes without their own `fan_out_work`; nil = `split` for
    /// real-time analytics, `per_shard` for multi-tenant.
    public var fanOutWork: FanOutWork?
    public var effectiveFanOutWork: FanOutWork { fanOutWork ?? (workloadKind == .realTimeAnalytics ? .split : .perShard) }
    /// Worker sizes to choose from.
    public var catalog: [InstanceType] = DefaultCatalog.types
    /// The coordinator's instance (nil = the cheapest compute-family type with at least as
    /// many cores as the scenario's coordinator).
    public var coordinator: String?
    /// Most coordinators the search may size for a candidate (`advisor.max_coordinators`): a
    /// second one is proposed when no single catalog type keeps the coordinator CPU under
    /// the ceiling (or two are cheaper). 1 = never.
    public var maxCoordinators = 2
    public var minWorkers = 2
    public var maxWorkers = 16
    /// Highest cost per hour (nil = none).
    public var budgetPerHour: Double?
    /// Growth over the planning horizon: traffic and tenants (data) multipliers.
    public var trafficGrowth = 1.0
    public var tenantGrowth = 1.0
    /// Candidates must meet the SLOs at (1 + headroom) x today's traffic.
    public var headroom = 0.0
    public var singleNode: SingleNode?
    public var space = Space()
    /// Replications per candidate (common random numbers: the same seeds for every candidate).
    public var replications = 3
    /// The cheapest candidates meeting every SLO in the search are run again with fresh seeds
    /// (`confirmationReplications` each, default twice `replications`), cheapest first, at most
    /// `confirmations` of them; the first that meets again is recommended. This guards against
    /// the winner's curse: among many noisy estimates, the cheapest "meeting" one is often lucky.
    public var confirmations = 5
    public var confirmationReplications: Int?
    /// The most replications an operations study gives one setting: it adds `replications` at a
    /// time while the setting's verdict is undecided (an objective's interval holds its target).
    public var maxOperationReplications: Int { 4 * replications }
    /// Simulated time and warm-up per candidate replication (nil = the scenario's `run`).
    public var duration: SimDuration?
    public var warmup: SimDuration?
    /// Traffic multipliers tried to find where the recommendation stops meeting the SLOs.
    public var growthSteps: [Double] = [1.25, 1.5, 2, 3, 4]
    /// The operations advice (nil = none).
    public var scaleOut: ScaleOut? = ScaleOut()
    /// The capacity runway (nil = none).
    public var runway: RunwaySpec?
    /// The N+1 check (nil = none).
    public var highAvailability: HighAvailability? = HighAvailability()
    /// Tenants (by Zipf rank) considered for isolation.
    public var isolationCandidates = 3

    public init() {}
}
