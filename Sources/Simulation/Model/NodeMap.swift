import ClusterModel
import SimCore

/// How the simulation numbers the cluster's nodes, in one place.
///
/// - **Workers** (shard nodes; "worker" in the simulation means shard node), index `w`:
///   `coordinator` first when it holds shards, then the scenario's workers (`worker-1`...),
///   then the spare workers the timeline adds (`citus_add_node` of a new name), each of the
///   scenario's worker size.
/// - **Coordinators**, index `c` (`UInt8`): `coordinator`, `coordinator-2`... with
///   `cluster.coordinator.count`, then the ones the timeline adds (`add_coordinator`).
/// - **CPU and disk nodes** (the resources' index): 0 is the first coordinator; worker `w` is
///   node `w + nodeOffset` (offset 1, or 0 when the coordinator holds shards, so that worker 0
///   is node 0); the coordinators after the first follow the workers (CPU only, no disk).
/// - **Node ids** (`pg_dist_node.nodeid`), with a timeline: the workers of the start have the
///   layout's ids; a node `citus_add_node` attaches takes the next spare worker. Without a
///   timeline ids are not tracked (every worker is in the metadata).
package struct NodeMap {
    /// Workers, spare ones included.
    package let workers: Int
    package let coordinators: Int
    /// Worker `w`'s CPU and disk node is `w + nodeOffset`.
    package let nodeOffset: Int
    /// The worker that is the first coordinator (it holds shards), `none` otherwise. Its queries on
    /// it run in-process or over loopback connections (`LocalExecution`).
    package let localWorker: WorkerIndex
    /// Each worker's name, by worker index.
    package let workerNames: [String]
    /// Each coordinator's name, by coordinator index.
    package let coordinatorNames: [String]
    /// By worker: its node id, nil while it is not in the metadata (a spare not yet attached).
    private var nodeIDs = PerWorker<NodeID?>([])
    /// By node id: its worker (`none` for none).
    private var workerOfNodeID: [WorkerIndex] = []
    /// The spare worker the next attached node takes.
    private var nextSpare = 0

    package init(_ scenario: ClusterScenario) {
        let spareNames = scenario.timeline.isEmpty ? [] : Self.spareWorkerNames(scenario)
        let hasShards = scenario.cluster.coordinatorHasShards
        workers = scenario.cluster.shardNodeCount + spareNames.count
        nodeOffset = hasShards ? 0 : 1
        localWorker = hasShards ? 0 : .none
        workerNames = (hasShards ? ["coordinator"] : []) + scenario.cluster.workerNames + spareNames
        coordinatorNames = scenario.cluster.coordinatorNames + scenario.timeline.compactMap { e in
            if case .coordinatorAdded(let name) = e.action { return name }
            return nil
        }
        coordinators = coordinatorNames.count
    }

    /// Every worker, spare ones included, in index order.
    package var allWorkers: Range<WorkerIndex> { WorkerIndex.all(workers) }

    /// Workers with a CPU and disk of their own (all but a coordinator holding shards).
    package var workerServers: Int { workers + nodeOffset - 1 }

    /// CPU nodes: the first coordinator, the workers with their own CPU, the other coordinators.
    package var cpuNodes: Int { 1 + workerServers + coordinators - 1 }

    /// The CPU and disk node of worker `w`.
    @inline(__always) package func node(ofWorker w: WorkerIndex) -> NodeIndex { NodeIndex(w.index + nodeOffset) }

    /// The CPU node of coordinator `c` (0 for the first; added ones follow the workers).
    @inline(__always) package func cpuNode(coordinator c: UInt8) -> NodeIndex { NodeIndex(c == 0 ? 0 : workers + nodeOffset - 1 + Int(c)) }

    /// The coordinator at a CPU node, nil for a worker.
    package func coordinator(atNode node: NodeIndex) -> Int? {
        let n = node.index
        return n == 0 ? 0 : n >= workers + nodeOffset ? n - (workers + nodeOffset - 1) : nil
    }

    /// The worker at a CPU node, nil for a coordinator without shards.
    package func worker(atNode node: NodeIndex) -> WorkerIndex? { (0..<workers).contains(node.index - nodeOffset) ? WorkerIndex(node.index - nodeOffset) : nil }

    /// Starts tracking node ids: worker `w` of the start has `initial[w]`; the spare workers
    /// have none yet.
    package mutating func trackNodeIDs(initial: PerWorker<NodeID>) {
        nodeIDs = PerWorker(initial.map { Optional($0) } + Array(repeating: nil, count: workers - initial.count))
        workerOfNodeID = []
        for w in initial.indices { setWorker(w, ofNode: initial[w]) }
        nextSpare = initial.count
    }

    /// The worker with node id `id`, `none` when not attached (or the coordinator's).
    package func worker(ofNode id: NodeID) -> WorkerIndex {
        Int(id.rawValue) < workerOfNodeID.count ? workerOfNodeID[Int(id.rawValue)] : .none
    }

    /// Worker `w`'s node id, nil while it is not in the metadata.
    package func nodeID(ofWorker w: WorkerIndex) -> NodeID? { nodeIDs[w] }

    /// A node `citus_add_node` created: the next spare worker takes its id. Returns that
    /// worker, nil when the id has one already or no spare worker is left.
    package mutating func attach(_ id: NodeID) -> WorkerIndex? {
        guard !worker(ofNode: id).isWorker, nextSpare < workers else { return nil }
        let w = WorkerIndex(nextSpare)
        nextSpare += 1
        setWorker(w, ofNode: id)
        nodeIDs[w] = id
        return w
    }

    private mutating func setWorker(_ w: WorkerIndex, ofNode id: NodeID) {
        let raw = Int(id.rawValue)
        if raw >= workerOfNodeID.count { workerOfNodeID += Array(repeating: .none, count: raw - workerOfNodeID.count + 1) }
        workerOfNodeID[raw] = w
    }

    /// Names of workers the timeline adds (`citus_add_node` of a new name, `citus_add_clone_node`),
    /// in timeline order.
    package static func spareWorkerNames(_ scenario: ClusterScenario) -> [String] {
        var known = scenario.cluster.coordinatorNames + scenario.cluster.workerNames
        var spare: [String] = []
        for entry in scenario.timeline {
            guard case .sql(let statement, _) = entry.action, case .call(let f, let arguments) = statement.kind else { continue }
            let key = f == "citus_add_node" ? "nodename" : f.hasPrefix("citus_add_clone_node") ? "replica_hostname" : nil
            guard let key else { continue }
            let argument = arguments.first { $0.name == key } ?? arguments.first { $0.name == nil }
            guard case .string(let name)? = argument?.value, !known.contains(name) else { continue }
            known.append(name)
            spare.append(name)
        }
        return spare
    }
}
