import SimCore
import Simulation

/// A server size one can rent or buy: the advisor's unit of cost.
///
/// Prices are per hour for one server. Disk and network figures are what the server gets
/// (provisioned IOPS and throughput, NIC bandwidth each way).
public struct InstanceType: Sendable, Equatable {
    /// A family of sizes with the same memory per core.
    public enum Family: String, Sendable, CaseIterable {
        /// About 2 GiB per core: what the Citus docs suggest for the coordinator.
        case compute
        /// About 4 GiB per core.
        case general
        /// About 8 GiB per core: working sets that must stay in cache.
        case memory
    }

    public var name: String
    public var family: Family
    public var cores: Int
    public var memoryGiB: Double
    public var diskIOPS: Double
    /// Disk throughput, MB/s (10^6 bytes).
    public var diskMBPerSecond: Double
    /// Disk capacity, GiB.
    public var diskGiB: Double
    public var nicGbps: Double
    /// Price of one server, per hour, in the catalog's currency.
    public var pricePerHour: Double

    public init(name: String, family: Family, cores: Int, memoryGiB: Double, diskIOPS: Double, diskMBPerSecond: Double,
                diskGiB: Double, nicGbps: Double, pricePerHour: Double) {
        self.name = name
        self.family = family
        self.cores = cores
        self.memoryGiB = memoryGiB
        self.diskIOPS = diskIOPS
        self.diskMBPerSecond = diskMBPerSecond
        self.diskGiB = diskGiB
        self.nicGbps = nicGbps
        self.pricePerHour = pricePerHour
    }

    /// The server as the simulator sees it: shared_buffers a quarter of RAM (the usual
    /// PostgreSQL advice), disk latency and connection limit kept from `template`.
    public func node(like template: NodeSpec, maxConnections: Int) -> NodeSpec {
        let gib = 1_073_741_824.0
        return NodeSpec(cores: cores, memoryBytes: memoryGiB * gib, sharedBuffersBytes: memoryGiB * gib / 4, diskIOPS: diskIOPS,
                        diskBytesPerSecond: diskMBPerSecond * 1e6, diskLatency: template.diskLatency, nicBytesPerSecond: nicGbps * 1.25e8,
                        maxConnections: maxConnections, diskBytes: diskGiB * gib)
    }
}

/// The catalog shipped with citus-sim: generic sizes in three families, modelled on the
/// common shape of cloud offerings (2, 4 and 8 GiB per core; disk IOPS and throughput and
/// NIC bandwidth growing with size) with round per-core prices. Replace it with your
/// provider's list (`advisor.catalog`) for real money.
public enum DefaultCatalog {
    /// Per-core price per hour of each family.
    static let perCore: [(InstanceType.Family, Double, Double)] = [(.compute, 2, 0.040), (.general, 4, 0.050), (.memory, 8, 0.065)]

    public static let types: [InstanceType] = perCore.flatMap { family, gibPerCore, price in
        [2, 4, 8, 16, 32, 64].map { cores in
            InstanceType(name: "\(family.rawValue)-\(cores)", family: family, cores: cores, memoryGiB: Double(cores) * gibPerCore,
                         diskIOPS: min(80_000, 3_000 + 2_500 * Double(cores)), diskMBPerSecond: min(2_000, 125 + 62.5 * Double(cores)),
                         diskGiB: max(256, 128 * Double(cores)), nicGbps: cores <= 8 ? 10 : cores <= 16 ? 12.5 : cores <= 32 ? 25 : 50,
                         pricePerHour: Double(cores) * price)
        }
    }
}
