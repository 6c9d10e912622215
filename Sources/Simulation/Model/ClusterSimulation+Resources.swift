import SimCore
import Workload

/// The cluster's CPUs and disks: one per node, or one for all nodes on a shared host
/// (`cluster.shared_host_cores`), and their wake-ups (node numbering: `NodeMap`).
extension ClusterSimulation {
    /// The CPU servers (the first coordinator, the workers that are not the coordinator, the
    /// coordinators the timeline adds) and the disks (the coordinator, then those workers).
    /// On a shared host every index addresses one CPU of the host's cores and the first
    /// worker's disk.
    static func servers(_ c: ClusterSpec, workerServers: Int, coordinators: Int) throws -> (FixedTable<ProcessorSharingServer>, FixedTable<Disk>) {
        if let host = c.sharedHostCores {
            let n = c.workerSpec(0)
            return (FixedTable(sharing: try ProcessorSharingServer(cores: host), count: 1 + workerServers + coordinators - 1),
                    FixedTable(sharing: try Disk(iops: n.diskIOPS, bytesPerSecond: n.diskBytesPerSecond, accessLatency: n.diskLatency), count: 1 + workerServers))
        }
        let cpu = FixedTable(try [ProcessorSharingServer(cores: c.coordinator.cores)] + (0..<workerServers).map { try ProcessorSharingServer(cores: c.workerSpec($0).cores) }
            + (1..<coordinators).map { _ in try ProcessorSharingServer(cores: c.coordinator.cores) })
        let disks = FixedTable(try [c.coordinator].map { try Disk(iops: $0.diskIOPS, bytesPerSecond: $0.diskBytesPerSecond, accessLatency: $0.diskLatency) }
            + (0..<workerServers).map { i in
                let n = c.workerSpec(i)
                return try Disk(iops: n.diskIOPS, bytesPerSecond: n.diskBytesPerSecond, accessLatency: n.diskLatency)
            })
        return (cpu, disks)
    }

    // MARK: Resource wake-ups

    /// Moves CPU node `node`'s wake-up to its next completion (after any change to its jobs).
    mutating func armCPU(_ node: NodeIndex, _ s: inout Scheduler<ClusterEvent>) {
        s.setTimer(node.index, .cpuWake, at: cpu[node.index].nextCompletionTime, priority: .completion, payload: node.payload)
    }

    /// Moves disk `node`'s wake-up to its next event.
    mutating func armDisk(_ node: NodeIndex, _ s: inout Scheduler<ClusterEvent>) {
        s.setTimer(cpu.count + node.index, .diskWake, at: disks[node.index].nextEventTime, priority: .completion, payload: node.payload)
    }
}
