import Diagnostics
import Foundation
import Scenario

/// What SQL cannot see, per node or node group (`import --hardware FILE`):
///
/// ```yaml
/// source: {cores: 8, memory_gib: 32}            # the measured server (single-server import)
/// coordinator: {cores: 8, memory_gib: 32}
/// workers: {count: 3, cores: 8, memory_gib: 64, disk_latency: 200us}
/// # or workers of different sizes, in node order (worker-1... first group first):
/// # workers: [{count: 2, cores: 8, memory_gib: 64}, {count: 1, cores: 16, memory_gib: 128}]
/// network_latency: 250us
/// shared_host_cores: 2                          # only for a lab: every node on one host
/// ```
/// Every key is optional; what is missing is an assumption marked in the scenario.
public struct HardwareFile: Sendable, Equatable {
    /// One node's size, in the scenario's units (cores, GiB, IOPS, MB/s, seconds, Gbit/s).
    public struct Node: Sendable, Equatable {
        public var cores: Int
        public var memoryGiB: Double
        public var diskIOPS: Double?, diskMBPerSecond: Double?, diskLatencySeconds: Double?, nicGbps: Double?, diskGiB: Double?

        public init(cores: Int, memoryGiB: Double) {
            self.cores = cores
            self.memoryGiB = memoryGiB
        }
    }

    /// A run of workers of one size.
    public struct WorkerGroup: Sendable, Equatable {
        public var count: Int
        public var node: Node
    }

    /// `workers` is the first (or only) group's size; `workerGroups` lists every group when
    /// `workers:` is a list, and `workerCount` is their total.
    public var source: Node?, coordinator: Node?, workers: Node?
    public var workerGroups: [WorkerGroup] = []
    public var workerCount: Int?
    public var networkLatencySeconds: Double?
    /// All nodes on one host of this many cores (`cluster.shared_host_cores`), as in a lab.
    public var sharedHostCores: Int?
    public var file: String?

    public init() {}

    /// Reads `path`; every problem as `file:line:col: error: ...` in one `InputError`.
    public static func read(path: String) throws -> HardwareFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw InputError(findings: [Finding(file: path, line: 0, column: 0, severity: .error, message: "cannot read the hardware file (missing, unreadable or not UTF-8)")])
        }
        let reader = YAMLReader(file: path)
        var hw = HardwareFile()
        hw.file = path
        if let root = reader.parseRoot(text) {
            func node(_ key: String, count: Bool) -> Node? {
                guard let m = root.mapping(key, required: false) else { return nil }
                return read(m, count: count)
            }
            func read(_ m: YAMLMapping, count: Bool) -> Node {
                // Optional keys are read only when present (the getters report absent keys as missing).
                func optional(_ k: String, _ range: ClosedRange<Double>) -> Double? { m.value(k) == nil ? nil : m.number(k, in: range) }
                if count, m.value("count") != nil { hw.workerCount = m.integer("count", in: 1...100_000) }
                let cores = m.integer("cores", in: 1...1024)
                let memory = m.number("memory_gib", in: 0.5...65_536)
                var n = Node(cores: cores ?? 0, memoryGiB: memory ?? 0)
                n.diskIOPS = optional("disk_iops", 1...10_000_000)
                n.diskMBPerSecond = optional("disk_mb_per_second", 1...1_000_000)
                n.diskLatencySeconds = m.value("disk_latency") == nil ? nil : m.duration("disk_latency", allowZero: true)
                n.nicGbps = optional("nic_gbps", 0.01...10_000)
                n.diskGiB = optional("disk_gib", 1...1_000_000)
                m.finish()
                return n
            }
            hw.source = node("source", count: false)
            hw.coordinator = node("coordinator", count: false)
            if let list = root.value("workers"), case .sequence = list {
                for (i, item) in list.array().enumerated() {
                    guard let m = reader.mapping(item, path: "workers[\(i)]") else { continue }
                    let n = m.integer("count", in: 1...100_000)
                    let size = read(m, count: false)
                    if let n { hw.workerGroups.append(WorkerGroup(count: n, node: size)) }
                }
                if hw.workerGroups.isEmpty && !reader.hasErrors { reader.error(list, "`workers` must be a mapping or a non-empty list of {count, cores, memory_gib, ...}") }
                hw.workers = hw.workerGroups.first?.node
                hw.workerCount = hw.workerGroups.isEmpty ? nil : hw.workerGroups.reduce(0) { $0 + $1.count }
            } else {
                hw.workers = node("workers", count: true)
            }
            if root.value("shared_host_cores") != nil { hw.sharedHostCores = root.integer("shared_host_cores", in: 1...1024) }
            if root.value("network_latency") != nil { hw.networkLatencySeconds = root.duration("network_latency", allowZero: true) }
            root.finish()
        }
        if reader.hasErrors { throw InputError(findings: reader.findings.filter { $0.severity == .error }) }
        return hw
    }
}
