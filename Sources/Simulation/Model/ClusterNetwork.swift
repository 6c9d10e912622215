import SimCore

/// The cluster's network: every transfer that queues for a NIC goes through one of these
/// FIFO links; the one-way latency (`cluster.network_latency`) comes on top. Model: a NIC
/// direction sends one message at a time at its bandwidth; transfers that do not compete for
/// a NIC in the model (a shard task's request, a worker's result leaving its own NIC) take the
/// latency only.
struct ClusterNetwork {
    /// Per coordinator: its NIC ingress, where shard tasks' results arrive.
    var coordinatorIngress: [FIFOLink]
    /// Per coordinator: its NIC egress (rows re-routed by insert_select_coordinator).
    var coordinatorEgress: [FIFOLink]
    /// Per CPU node (0 the first coordinator): its NIC egress for the copies of moves, splits
    /// and reference tables.
    var copyEgress: [FIFOLink]

    init(coordinators: Int, nodes: Int) {
        coordinatorIngress = Array(repeating: FIFOLink(), count: coordinators)
        coordinatorEgress = Array(repeating: FIFOLink(), count: coordinators)
        copyEgress = Array(repeating: FIFOLink(), count: nodes)
    }
}
