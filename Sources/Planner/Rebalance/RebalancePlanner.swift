import ClusterModel

/// One row of `get_rebalance_table_shards_plan`.
public struct PlannedMove: Sendable, Equatable {
    public var tableName: String
    public var shardID: ShardID
    /// `shard_size`: `pg_dist_placement.shardlength`, which Citus leaves 0 for hash tables.
    public var shardSize: Int64
    public var source: Node
    public var target: Node
    /// The anchor shard whose move this row belongs to (rows of one move share it).
    public var anchor: ShardID
}

/// The plan a rebalance would execute, with Citus's messages.
public struct RebalancePlan: Sendable {
    /// Rows in Citus's order: moves in plan order, each expanded to its colocated shards by id.
    public var rows: [PlannedMove]
    /// One entry per planned shard-group move, in plan order: (anchor, source, target, colocation).
    public var moves: [(anchor: ShardID, source: NodeID, target: NodeID, colocation: ColocationID)]
    public var messages: [CitusMessage]
}

/// Builds the rebalancer's input from cluster metadata and plans (`GetRebalanceSteps`,
/// FACTS B.2), for get_rebalance_table_shards_plan, rebalance_table_shards,
/// citus_rebalance_start and citus_drain_node.
public struct RebalancePlanner {
    public struct Options: Sendable {
        /// Only this table (and its colocated tables); nil = every colocation group.
        public var relation: String?
        public var strategy: RebalanceStrategy
        /// nil = the strategy's default threshold.
        public var threshold: Float?
        /// nil = the strategy's improvement threshold.
        public var improvementThreshold: Float?
        public var maxShardMoves: Int
        public var excludedShards: [ShardID]
        public var drainOnly: Bool
        /// citus_drain_node: plan only the placements on this node.
        public var drainNode: NodeID?

        public init(relation: String? = nil, strategy: RebalanceStrategy = .byDiskSize, threshold: Float? = nil,
                    improvementThreshold: Float? = nil, maxShardMoves: Int = 1_000_000, excludedShards: [ShardID] = [],
                    drainOnly: Bool = false, drainNode: NodeID? = nil) {
            self.relation = relation
            self.strategy = strategy
            self.threshold = threshold
            self.improvementThreshold = improvementThreshold
            self.maxShardMoves = maxShardMoves
            self.excludedShards = excludedShards
            self.drainOnly = drainOnly
            self.drainNode = drainNode
        }
    }

    public let state: ClusterState
    public let options: Options

    public init(state: ClusterState, options: Options) {
        self.state = state
        self.options = options
    }

    /// The plan, or Citus's ERROR.
    public func plan() throws -> RebalancePlan {
        var messages: [CitusMessage] = []
        let workers = state.activePrimaries
        let shardNodeCount = workers.filter(\.shouldHaveShards).count
        let rf = state.settings.shardReplicationFactor
        guard shardNodeCount >= rf else {
            throw CitusError("Shard replication factor (\(rf)) cannot be greater than number of nodes with should_have_shards=true (\(shardNodeCount)).")
        }
        let strategy = options.strategy
        var threshold = options.threshold ?? strategy.defaultThreshold
        if threshold < strategy.minimumThreshold {
            messages.append(CitusMessage(.warning, "the given threshold is lower than the minimum threshold allowed by the rebalance strategy, using the minimum allowed threshold instead"))
            messages.append(CitusMessage(.detail, "Using threshold of \(CFormat.g(Double(strategy.minimumThreshold)))"))
            threshold = strategy.minimumThreshold
        }

        // Balancing groups: one per representative table with at least as many placements as
        // nodes with shouldhaveshards; the smaller ones pooled into one group placed last.
        let workerIndex = Dictionary(uniqueKeysWithValues: workers.enumerated().map { ($1.id, $0) })
        var groups: [[RebalanceAlgorithm.Placement]] = []
        var pooled: [RebalanceAlgorithm.Placement] = []
        for table in try relations() {
            var list: [(PlacementID, RebalanceAlgorithm.Placement)] = []
            for shard in state.shards(of: table.name) where !options.excludedShards.contains(shard.id) {
                let cost = strategy.cost(of: shard.id, in: state)
                for p in state.placements(of: shard.id) {
                    guard let w = workerIndex[p.node] else { continue }  // inactive node: not an active placement
                    if let drained = options.drainNode, p.node != drained { continue }
                    list.append((p.id, RebalanceAlgorithm.Placement(shard: shard.id.rawValue, worker: w, cost: cost)))
                }
            }
            let sorted = list.sorted { $0.0 < $1.0 }.map(\.1)
            if sorted.count >= shardNodeCount { groups.append(sorted) } else { pooled += sorted }
        }
        if !pooled.isEmpty { groups.append(pooled) }

        let algorithmWorkers = workers.map { n in
            RebalanceAlgorithm.Worker(name: n.name, port: n.port, nodeID: n.id.rawValue, capacity: n.shouldHaveShards ? strategy.capacity(n) : 0)
        }
        let algorithm = RebalanceAlgorithm(
            workers: algorithmWorkers, groups: groups,
            options: .init(threshold: threshold, improvementThreshold: options.improvementThreshold ?? strategy.improvementThreshold,
                           maxShardMoves: options.maxShardMoves, drainOnly: options.drainOnly,
                           maxLoggedIgnoredMoves: state.settings.maxRebalancerLoggedIgnoredMoves)
        ) { shard, w in workers[w].shouldHaveShards && strategy.allowed(ShardID(shard), workers[w]) }
        let (updates, algorithmMessages) = algorithm.plan()
        messages += algorithmMessages

        var rows: [PlannedMove] = []
        var moves: [(anchor: ShardID, source: NodeID, target: NodeID, colocation: ColocationID)] = []
        for u in updates {
            let anchor = ShardID(u.shard)
            let source = workers[u.source], target = workers[u.target]
            let colocation = state.table(state.shard(anchor)!.table)!.colocationID
            moves.append((anchor, source.id, target.id, colocation))
            for s in state.colocatedShards(of: anchor) {
                let length = state.placements(of: s.id).first { $0.node == source.id }?.shardLength ?? 0
                rows.append(PlannedMove(tableName: s.table, shardID: s.id, shardSize: length, source: source, target: target, anchor: anchor))
            }
        }
        return RebalancePlan(rows: rows, moves: moves, messages: messages)
    }

    /// The tables to plan: the given relation, or one representative (the first created) per
    /// colocation group of distributed tables, by colocation id. Reference tables are never
    /// rebalanced. (Citus walks a hash table here, so its group order is not defined; it only
    /// matters for which groups a max_shard_moves cut-off reaches.)
    func relations() throws -> [DistributedTable] {
        if let name = options.relation {
            guard let t = state.table(name) else { throw CitusError("relation \"\(name)\" does not exist") }
            guard !t.isReference else { throw CitusError("table \"\(name)\" is a reference table; reference tables are not rebalanced") }
            return [t]
        }
        var seen = Set<ColocationID>()  // membership only
        var out: [DistributedTable] = []
        for t in state.tables where !t.isReference && seen.insert(t.colocationID).inserted { out.append(t) }
        return out.sorted { $0.colocationID < $1.colocationID }
    }
}
