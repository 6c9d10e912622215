import SimCore

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
}

/// Per-worker state: one element per worker, read with a `WorkerIndex`.
public typealias PerWorker<Element> = IndexedArray<WorkerIndex, Element>
