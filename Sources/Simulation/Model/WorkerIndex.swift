/// A shard node as the simulation numbers it (`NodeMap`): 0..<workers, the coordinator first
/// when it holds shards, then the scenario's workers, then the spare ones the timeline adds.
/// It indexes every per-worker array (placement, pools, connection caches, metrics);
/// `NodeMap` turns it into a CPU and disk node or a `pg_dist_node` id. `none`: the
/// coordinator's own end of a transfer, an undistributed schema's local table on the
/// coordinator, a schema not created yet, a node id not attached.
public struct WorkerIndex: DenseIndex, Strideable {
    public var raw: Int32
    @inline(__always) public init(_ raw: Int32) { self.raw = raw }
    /// A worker (not `none`).
    @inline(__always) public var isWorker: Bool { raw >= 0 }
    /// Workers 0..<count, for a loop over every worker.
    public static func all(_ count: Int) -> Range<WorkerIndex> { WorkerIndex(0)..<WorkerIndex(count) }

    @inline(__always) public func distance(to other: WorkerIndex) -> Int { Int(other.raw) - Int(raw) }
    @inline(__always) public func advanced(by n: Int) -> WorkerIndex { WorkerIndex(raw + Int32(n)) }
    @inline(__always) public static func < (a: WorkerIndex, b: WorkerIndex) -> Bool { a.raw < b.raw }
}
