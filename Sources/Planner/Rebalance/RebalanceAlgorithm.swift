/// Citus's rebalance planner (`RebalancePlacementUpdates`, FACTS B.3), on an abstract input:
/// workers with capacities, balancing groups of placements with costs, an "allowed" rule.
///
/// All costs, capacities, totals and utilizations are `Float` (float4), as in Citus, so
/// ties and thresholds fall exactly where Citus's do. The planner is pure: it returns the
/// moves it would make, in order, and the NOTICE/WARNING lines Citus would print.
public struct RebalanceAlgorithm {
    /// A worker as the planner sees it. Workers must be given sorted by (name, port).
    public struct Worker: Sendable {
        public var name: String
        public var port: Int
        /// Node id: the last tie-break of the node orders.
        public var nodeID: Int32
        /// Capacity (float4); 0 makes utilization +infinity (nothing may stay there).
        public var capacity: Float

        public init(name: String, port: Int, nodeID: Int32, capacity: Float) {
            self.name = name
            self.port = port
            self.nodeID = nodeID
            self.capacity = capacity
        }
    }

    /// One placement of a (anchor) shard on a worker.
    public struct Placement: Sendable {
        public var shard: ShardRef
        public var worker: Int
        public var cost: Float

        public init(shard: ShardRef, worker: Int, cost: Float) {
            self.shard = shard
            self.worker = worker
            self.cost = cost
        }
    }

    /// A planned placement update.
    public struct Update: Equatable, Sendable {
        public enum Kind: Int, Sendable { case move = 1, copy = 2 }
        public var kind: Kind
        public var shard: ShardRef
        public var source: Int
        public var target: Int

        public init(kind: Kind, shard: ShardRef, source: Int, target: Int) {
            self.kind = kind
            self.shard = shard
            self.source = source
            self.target = target
        }
    }

    /// Planner parameters (float4 as in Citus).
    public struct Options: Sendable {
        public var threshold: Float
        public var improvementThreshold: Float
        public var maxShardMoves: Int
        public var drainOnly: Bool
        /// `citus.max_rebalancer_logged_ignored_moves` (−1 = all).
        public var maxLoggedIgnoredMoves: Int

        public init(threshold: Float, improvementThreshold: Float, maxShardMoves: Int, drainOnly: Bool, maxLoggedIgnoredMoves: Int = 5) {
            self.threshold = threshold
            self.improvementThreshold = improvementThreshold
            self.maxShardMoves = maxShardMoves
            self.drainOnly = drainOnly
            self.maxLoggedIgnoredMoves = maxLoggedIgnoredMoves
        }
    }

    public let workers: [Worker]
    public let groups: [[Placement]]
    public let allowed: (ShardRef, Int) -> Bool
    public let options: Options

    /// `groups` are balancing groups in order, each with its placements in placement-id order.
    public init(workers: [Worker], groups: [[Placement]], options: Options, allowed: @escaping (ShardRef, Int) -> Bool) {
        self.workers = workers
        self.groups = groups
        self.options = options
        self.allowed = allowed
    }

    /// The moves, in the order Citus plans them, and the messages it prints.
    public func plan() -> (updates: [Update], messages: [CitusMessage]) {
        var run = Run(algorithm: self)
        var states = groups.map { GroupState(workers: workers, placements: $0, allowed: allowed) }
        for i in states.indices { run.moveAwayFromDisallowedNodes(&states[i]) }
        if !options.drainOnly {
            for i in states.indices {
                let avg = states[i].totalCost / states[i].totalCapacity
                let t = Double(options.threshold)
                let lo = Float((1 - t) * Double(avg)), hi = Float((1 + t) * Double(avg))
                var moreMoves = true
                while run.updates.count < options.maxShardMoves && moreMoves {
                    moreMoves = run.findAndMove(&states[i], lo: lo, hi: hi)
                }
                if moreMoves {
                    run.messages.append(CitusMessage(.notice, "Stopped searching before we were out of moves. Please rerun the rebalancer after it's finished for a more optimal placement."))
                    break
                }
            }
        }
        if run.ignored > 0 {
            let shown = options.maxLoggedIgnoredMoves < 0 || run.ignored <= options.maxLoggedIgnoredMoves
                ? "all" : String(options.maxLoggedIgnoredMoves)
            run.messages.append(CitusMessage(.notice, "Ignored \(run.ignored) moves, \(shown) of which are shown in notices above"))
            run.messages.append(CitusMessage(.hint, "If you do want these moves to happen, try changing improvement_threshold to a lower value than what it is now (\(CFormat.g(Double(options.improvementThreshold))))."))
        }
        return (run.updates, run.messages)
    }

    /// One worker's fill state within a balancing group.
    struct Fill {
        var worker: Int
        var capacity: Float
        var totalCost: Float = 0
        var utilization: Float = 0
        /// (shard, cost), sorted by cost desc then shard asc.
        var shards: [(shard: ShardRef, cost: Float)] = []
    }

    struct GroupState {
        var fills: [Fill]
        var holds: [Set<ShardRef>]  // lookup only
        var totalCost: Float = 0
        var totalCapacity: Float = 0
        var disallowed: [(shard: ShardRef, worker: Int, cost: Float)] = []

        init(workers: [Worker], placements: [Placement], allowed: (ShardRef, Int) -> Bool) {
            fills = workers.indices.map { Fill(worker: $0, capacity: workers[$0].capacity) }
            holds = Array(repeating: [], count: workers.count)
            for p in placements {
                fills[p.worker].totalCost += p.cost
                fills[p.worker].shards.append((p.shard, p.cost))
                holds[p.worker].insert(p.shard)
                totalCost += p.cost
                if !allowed(p.shard, p.worker) { disallowed.append((p.shard, p.worker, p.cost)) }
            }
            for i in fills.indices {
                fills[i].utilization = GroupState.utilization(fills[i].totalCost, fills[i].capacity)
                fills[i].shards.sort(by: GroupState.costDescending)
                totalCapacity += fills[i].capacity
            }
        }

        static func utilization(_ cost: Float, _ capacity: Float) -> Float { capacity <= 0 ? .infinity : cost / capacity }

        static func costDescending(_ a: (shard: ShardRef, cost: Float), _ b: (shard: ShardRef, cost: Float)) -> Bool {
            a.cost != b.cost ? a.cost > b.cost : a.shard < b.shard
        }

        /// Workers by (utilization asc, capacity desc, node id asc).
        func ascending(_ workers: [Worker]) -> [Int] {
            fills.indices.sorted { a, b in
                let fa = fills[a], fb = fills[b]
                if fa.utilization != fb.utilization { return fa.utilization < fb.utilization }
                if fa.capacity != fb.capacity { return fa.capacity > fb.capacity }
                return workers[a].nodeID < workers[b].nodeID
            }
        }

        mutating func move(_ shard: ShardRef, cost: Float, from source: Int, to target: Int) {
            fills[target].totalCost += cost
            fills[target].utilization = GroupState.utilization(fills[target].totalCost, fills[target].capacity)
            fills[target].shards.append((shard, cost))
            fills[target].shards.sort(by: GroupState.costDescending)
            holds[target].insert(shard)
            fills[source].totalCost -= cost
            fills[source].utilization = GroupState.utilization(fills[source].totalCost, fills[source].capacity)
            if let i = fills[source].shards.firstIndex(where: { $0.shard == shard }) { fills[source].shards.remove(at: i) }
            holds[source].remove(shard)
        }
    }

    /// Mutable output of one planning run.
    struct Run {
        let algorithm: RebalanceAlgorithm
        var updates: [Update] = []
        var messages: [CitusMessage] = []
        var ignored = 0

        var workers: [Worker] { algorithm.workers }

        mutating func moveAwayFromDisallowedNodes(_ state: inout GroupState) {
            let list = state.disallowed.sorted { $0.cost != $1.cost ? $0.cost > $1.cost : $0.shard < $1.shard }
            for d in list {
                let target = state.ascending(workers).first { w in
                    !state.holds[w].contains(d.shard) && algorithm.allowed(d.shard, w)
                }
                guard let target else {
                    let w = workers[d.worker]
                    messages.append(CitusMessage(.warning, "Not allowed to move shard \(d.shard) anywhere from \(w.name):\(w.port)"))
                    continue
                }
                state.move(d.shard, cost: d.cost, from: d.worker, to: target)
                updates.append(Update(kind: .move, shard: d.shard, source: d.worker, target: target))
            }
        }

        /// One step of phase 2; true if a move was made.
        mutating func findAndMove(_ state: inout GroupState, lo: Float, hi: Float) -> Bool {
            let ascending = state.ascending(workers)
            for src in ascending.reversed() {
                let s = state.fills[src]
                if s.utilization <= lo { return false }
                for dst in ascending {
                    let d = state.fills[dst]
                    if d.utilization >= hi { break }
                    if d.utilization >= lo && s.utilization <= hi { break }
                    for (shard, cost) in s.shards {
                        if state.holds[dst].contains(shard) || !algorithm.allowed(shard, dst) { continue }
                        let newTarget = GroupState.utilization(d.totalCost + cost, d.capacity)
                        let newSource = GroupState.utilization(s.totalCost - cost, s.capacity)
                        if newTarget <= newSource {
                            perform(&state, shard, cost, src, dst)
                            return true
                        }
                        if newTarget > s.utilization { continue }
                        if newTarget == s.utilization && newSource <= d.utilization { continue }
                        let improvement = max(s.utilization - newTarget, newSource - d.utilization)
                        let added = min(newTarget - d.utilization, s.utilization - newSource)
                        let ratio: Float = improvement / added  // "balance improvement" in Citus's DETAIL
                        if ratio < algorithm.options.improvementThreshold {
                            ignored += 1
                            let limit = algorithm.options.maxLoggedIgnoredMoves
                            if limit < 0 || ignored <= limit {
                                let from = workers[src], to = workers[dst]
                                messages.append(CitusMessage(.notice, "Ignoring move of shard \(shard) from \(from.name):\(from.port) to \(to.name):\(to.port), because the move only brings a small improvement relative to the shard its size"))
                                messages.append(CitusMessage(.detail, "The balance improvement of \(CFormat.g(Double(ratio))) is lower than the improvement_threshold of \(CFormat.g(Double(algorithm.options.improvementThreshold)))"))
                            }
                            continue
                        }
                        perform(&state, shard, cost, src, dst)
                        return true
                    }
                }
            }
            return false
        }

        mutating func perform(_ state: inout GroupState, _ shard: ShardRef, _ cost: Float, _ src: Int, _ dst: Int) {
            state.move(shard, cost: cost, from: src, to: dst)
            updates.append(Update(kind: .move, shard: shard, source: src, target: dst))
        }
    }
}

/// A shard as the planner refers to it: its id (the anchor shard of a shard group).
public typealias ShardRef = Int64
