import ClusterModel

/// The tasks and dependency edges `citus_rebalance_start` schedules (FACTS C.1).
public enum BackgroundJobGraph {
    /// A planned shard-group move, in plan order.
    public struct Move: Sendable, Equatable {
        public var anchor: ShardID
        public var source: NodeID
        public var target: NodeID
        public var colocation: ColocationID

        public init(anchor: ShardID, source: NodeID, target: NodeID, colocation: ColocationID) {
            self.anchor = anchor
            self.source = source
            self.target = target
            self.colocation = colocation
        }
    }

    /// Reference tables that nodes lack, to be copied first.
    public struct ReferenceTableCopy: Sendable {
        /// Nodes missing reference-table placements, in list order.
        public var nodes: [NodeID]
        /// Reference-table shards in catalog order, each with the shards it is foreign-key
        /// related to (transitively, both directions).
        public var shards: [(shard: ShardID, related: [ShardID])]
        /// The node of the first reference table's first active placement: the source of every copy.
        public var source: NodeID

        public init(nodes: [NodeID], shards: [(shard: ShardID, related: [ShardID])], source: NodeID) {
            self.nodes = nodes
            self.shards = shards
            self.source = source
        }
    }

    public enum Kind: Sendable, Equatable {
        /// `replicate_reference_tables(mode)`: one task for all nodes.
        case replicateReferenceTables
        /// `citus_internal_copy_single_shard_placement` of one reference shard to one node.
        case copyReferenceShard(ShardID)
        /// Creates the reference tables' foreign keys on one node.
        case createReferenceRelationships
        /// `citus_move_shard_placement` of one shard group.
        case move(ShardID, ColocationID)
    }

    public struct Task: Sendable, Equatable {
        public var id: Int64
        public var kind: Kind
        /// `nodes_involved`: at most this many tasks per node may run at once.
        public var nodesInvolved: [NodeID]
        public var dependsOn: [Int64]
        /// The SQL the task runs, as Citus writes it.
        public var command: String
        public var source: NodeID?
        public var target: NodeID?
    }

    /// Flags of `citus_rebalance_start`.
    public struct Options: Sendable {
        public var parallelTransferReferenceTables: Bool
        public var parallelTransferColocatedShards: Bool
        /// `auto`, `force_logical` or `block_writes`.
        public var transferMode: String

        public init(parallelTransferReferenceTables: Bool = false, parallelTransferColocatedShards: Bool = false, transferMode: String = "auto") {
            self.parallelTransferReferenceTables = parallelTransferReferenceTables
            self.parallelTransferColocatedShards = parallelTransferColocatedShards
            self.transferMode = transferMode
        }
    }

    /// The job's tasks with ids from `firstTaskID`: reference-table tasks first, then one per
    /// move in plan order.
    public static func build(moves: [Move], firstTaskID: Int64, referenceTables: ReferenceTableCopy?, options: Options) -> [Task] {
        var tasks: [Task] = []
        var nextID = firstTaskID
        func add(_ kind: Kind, nodes: [NodeID], deps: [Int64], command: String, source: NodeID? = nil, target: NodeID? = nil) -> Int64 {
            tasks.append(Task(id: nextID, kind: kind, nodesInvolved: nodes, dependsOn: deps, command: command, source: source, target: target))
            nextID += 1
            return nextID - 1
        }

        var referenceDependencies: [Int64] = []
        if let ref = referenceTables, !ref.nodes.isEmpty {
            if !options.parallelTransferReferenceTables {
                referenceDependencies = [add(.replicateReferenceTables, nodes: [], deps: [],
                                             command: "SELECT pg_catalog.replicate_reference_tables('\(options.transferMode)')")]
            } else {
                for node in ref.nodes {
                    var copies: [(shard: ShardID, task: Int64)] = []
                    for (shard, related) in ref.shards {
                        let deps = copies.filter { related.contains($0.shard) }.map(\.task)
                        let id = add(.copyReferenceShard(shard), nodes: [ref.source, node], deps: deps,
                                     command: "SELECT citus_internal.citus_internal_copy_single_shard_placement(\(shard),\(ref.source),\(node),0,'\(options.transferMode)')",
                                     source: ref.source, target: node)
                        copies.append((shard, id))
                    }
                    let last = ref.shards.last?.shard.rawValue ?? 0
                    referenceDependencies.append(add(.createReferenceRelationships, nodes: [ref.source, node], deps: copies.map(\.task),
                                                     command: "SELECT citus_internal.citus_internal_copy_single_shard_placement(\(last),\(ref.source),\(node),2,'\(options.transferMode)')",
                                                     source: ref.source, target: node))
                }
            }
        }

        var moveTasks: [(move: Move, task: Int64)] = []
        for move in moves {
            var deps: [Int64] = []
            if !options.parallelTransferColocatedShards, let previous = moveTasks.last(where: { $0.move.colocation == move.colocation }) {
                deps.append(previous.task)
            }
            for earlier in moveTasks where earlier.move.source == move.target && !deps.contains(earlier.task) {
                deps.append(earlier.task)
            }
            if deps.isEmpty { deps = referenceDependencies }
            let id = add(.move(move.anchor, move.colocation), nodes: [move.source, move.target], deps: deps.sorted(),
                         command: "SELECT pg_catalog.citus_move_shard_placement(\(move.anchor),\(move.source),\(move.target),'\(options.transferMode)')",
                         source: move.source, target: move.target)
            moveTasks.append((move, id))
        }
        return tasks
    }
}
