import SimCore

/// The tenants of a multi-tenant application: how much data each holds and how often it is
/// active, each Zipf-distributed over the tenant rank with its own exponent.
///
/// Tenant rank 1 is the largest and the most active (sizes and activity share the rank
/// order, as in most SaaS data sets). Explicit figures for the largest tenants override
/// the Zipf shares of those ranks; the rest share what remains in Zipf proportions.
public struct TenantPopulation: Sendable {
    /// An explicit override for one of the largest tenants.
    public struct Override: Sendable, Equatable {
        /// 1-based rank.
        public var rank: Int
        /// Data size in bytes (nil = Zipf share).
        public var sizeBytes: Double?
        /// Share of all queries in 0...1 (nil = Zipf share).
        public var activityShare: Double?

        public init(rank: Int, sizeBytes: Double? = nil, activityShare: Double? = nil) {
            self.rank = rank
            self.sizeBytes = sizeBytes
            self.activityShare = activityShare
        }
    }

    /// Number of tenants, including tenants a timeline adds later (`baseCount` onwards).
    public let count: Int
    /// Tenants that exist from the start; ranks after these join during the run
    /// (`appendingDormant`), with no data and no queries until then.
    public let baseCount: Int
    /// Data bytes of each tenant, index = rank − 1.
    public let sizeBytes: [Double]
    /// Probability that a query belongs to each tenant, index = rank − 1 (sums to 1).
    public let activity: [Double]
    let sampler: AliasTable
    /// The Zipf exponents and overrides the population was built from (for `grown(by:)`).
    public let sizeExponent: Double
    public let activityExponent: Double
    public let overrides: [Override]

    public init(count: Int, totalBytes: Double, sizeExponent: Double, activityExponent: Double, overrides: [Override] = []) throws {
        try ParameterError.requirePositive(count, "tenants.count")
        try ParameterError.requireNonNegative(totalBytes, "tenants.total_size")
        for o in overrides where o.rank < 1 || o.rank > count {
            throw ParameterError(parameter: "tenants.largest.rank", value: "\(o.rank)", expected: "a rank in 1...\(count)")
        }
        self.count = count
        baseCount = count
        self.sizeExponent = sizeExponent
        self.activityExponent = activityExponent
        self.overrides = overrides
        sizeBytes = TenantPopulation.apply(ZipfSampler.weights(count: count, exponent: sizeExponent).map { $0 * totalBytes },
                                           overrides.compactMap { o in o.sizeBytes.map { (o.rank, $0) } }, total: totalBytes)
        let explicitActivity = overrides.compactMap { o in o.activityShare.map { (o.rank, $0) } }
        guard explicitActivity.reduce(0, { $0 + $1.1 }) <= 1 + 1e-12 else {
            throw ParameterError(parameter: "tenants.largest.activity_share", value: "sum \(explicitActivity.reduce(0) { $0 + $1.1 })", expected: "shares summing to at most 1")
        }
        activity = TenantPopulation.apply(ZipfSampler.weights(count: count, exponent: activityExponent), explicitActivity, total: 1)
        sampler = try AliasTable(weights: activity)
    }

    /// The population with `extra` tenants after the last rank that hold no data and get no
    /// queries until a timeline event gives them some (the simulation's `new_tenants`).
    public func appendingDormant(_ extra: Int) throws -> TenantPopulation {
        try ParameterError.requireNonNegative(Double(extra), "new_tenants.count")
        return try TenantPopulation(count: count + extra, baseCount: baseCount, sizeBytes: sizeBytes + Array(repeating: 0, count: extra),
                                    activity: activity + Array(repeating: 0, count: extra), from: self)
    }

    private init(count: Int, baseCount: Int, sizeBytes: [Double], activity: [Double], from other: TenantPopulation) throws {
        self.count = count
        self.baseCount = baseCount
        self.sizeBytes = sizeBytes
        self.activity = activity
        sampler = try AliasTable(weights: activity)
        sizeExponent = other.sizeExponent
        activityExponent = other.activityExponent
        overrides = other.overrides
    }

    /// Replaces the given ranks' values and rescales the others to keep `total`.
    static func apply(_ base: [Double], _ fixed: [(Int, Double)], total: Double) -> [Double] {
        guard !fixed.isEmpty else { return base }
        var out = base
        var fixedSum = 0.0, freeSum = 0.0
        var isFixed = [Bool](repeating: false, count: base.count)
        for (rank, v) in fixed { out[rank - 1] = v; isFixed[rank - 1] = true; fixedSum += v }
        for i in base.indices where !isFixed[i] { freeSum += base[i] }
        let scale = freeSum > 0 ? max(0, total - fixedSum) / freeSum : 0
        for i in base.indices where !isFixed[i] { out[i] = base[i] * scale }
        return out
    }

    /// A tenant rank (1-based) drawn by activity.
    @inline(__always)
    public func sampleByActivity(_ stream: RandomStream) -> Int { sampler.sample(stream) + 1 }

    /// The population after growth by `factor`: `factor` times the tenants and the data, with
    /// the same exponents; explicit tenants keep their size and their share of activity.
    public func grown(by factor: Double) throws -> TenantPopulation {
        let fixed = overrides.reduce(0.0) { $0 + ($1.sizeBytes ?? 0) }
        return try TenantPopulation(count: max(baseCount, Int((Double(baseCount) * factor).rounded())),
                                    totalBytes: fixed + (totalBytes - fixed) * factor,
                                    sizeExponent: sizeExponent, activityExponent: activityExponent, overrides: overrides)
    }

    /// Each tenant's size and activity weight multiplied by its own factor (by 0-based index),
    /// activity renormalised; with the factor by which the total activity grew (a rate
    /// multiplier: the sum of the old shares times their factors). No tenant joins.
    public func scaled(size sizeFactor: (Int) -> Double, activity activityFactor: (Int) -> Double) throws -> (population: TenantPopulation, activityFactor: Double) {
        let sizes = sizeBytes.indices.map { sizeBytes[$0] * sizeFactor($0) }
        let weights = activity.indices.map { activity[$0] * activityFactor($0) }
        let total = weights.reduce(0, +)
        guard total > 0 else { throw ParameterError(parameter: "tenants", value: "no activity", expected: "some tenant with queries") }
        return (try TenantPopulation(count: count, baseCount: baseCount, sizeBytes: sizes, activity: weights.map { $0 / total }, from: self), total)
    }

    /// Total data bytes.
    public var totalBytes: Double { sizeBytes.reduce(0, +) }
}

