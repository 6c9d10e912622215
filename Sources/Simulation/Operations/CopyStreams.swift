import SimCore

/// A transfer's COPY streams (FACTS D.3 step 4): the shards still to copy, in the order given,
/// and the streams copying them, at most `limit` at once (the executor's pool size for a move
/// or split, one for a clone's base backup or a schema's tables).
///
/// A stream copies its shard in chunks of at most `OperationsSpec.chunkBytes`; a chunk is a set
/// of parts (CPU, disk and network on both sides) that run on the resources, and the stream's
/// next chunk starts when all of them are done. A freed stream takes the next waiting shard.
/// This type only keeps the count; `ClusterSimulation+CopyStreams` runs the parts.
package struct CopyStreams {
    /// The workers a shard's copy runs between (`WorkerIndex.none` is the coordinator). Set
    /// per shard by alter_distributed_table, whose shards come from and go to every worker;
    /// other transfers copy between their own source and target.
    package struct Ends: Equatable {
        package var source: WorkerIndex
        package var target: WorkerIndex
        package init(source: WorkerIndex, target: WorkerIndex) {
            self.source = source
            self.target = target
        }
    }

    /// One stream: the bytes of its shard not yet in a chunk, the parts of its chunk still
    /// running, and its shard's ends (nil: the transfer's).
    package struct Stream {
        package var left: Double
        package var parts: Int32
        package var ends: Ends?
        /// No chunk runs and nothing is left: the stream can take the next shard.
        package var isFree: Bool { left <= 0 && parts == 0 }
    }

    /// What the end of one part of a chunk leaves to do.
    package enum PartEnd: Equatable {
        /// Other parts of the chunk still run.
        case chunkRunning
        /// The chunk is done and the shard has more: start the stream's next chunk.
        case nextChunk
        /// The shard is copied: the stream is free.
        case streamFree
    }

    /// Streams at once (≥ 1).
    package var limit = 16
    /// CPU per copied byte relative to COPY (1; a base backup's file stream costs less).
    package var cpuShare = 1.0
    /// Shards waiting for a stream, from `nextWaiting` on: bytes and ends.
    private var waiting: [(bytes: Double, ends: Ends?)] = []
    private var nextWaiting = 0
    package private(set) var streams: [Stream] = []

    package init() {}

    /// Queues a shard of `bytes` bytes, copied between `ends` (nil: the transfer's).
    package mutating func add(bytes: Double, ends: Ends? = nil) {
        waiting.append((bytes, ends))
    }

    /// Shards still waiting for a stream.
    package var waitingCount: Int { waiting.count - nextWaiting }

    /// Gives the next waiting shard a stream, when one waits and a stream is free or the limit
    /// allows one more: that stream's index (the lowest free one first), nil otherwise. The
    /// caller starts the stream's first chunk before asking again.
    package mutating func startNext() -> Int? {
        guard nextWaiting < waiting.count else { return nil }
        let free = streams.firstIndex { $0.isFree }
        guard free != nil || streams.count < limit else { return nil }
        let shard = waiting[nextWaiting]
        nextWaiting += 1
        let stream = Stream(left: shard.bytes, parts: 0, ends: shard.ends)
        if let free {
            streams[free] = stream
            return free
        }
        streams.append(stream)
        return streams.count - 1
    }

    /// Every shard is copied: none waits and no stream runs.
    package var isDone: Bool { nextWaiting == waiting.count && streams.allSatisfy(\.isFree) }

    /// Starts stream `k`'s next chunk of `parts` parts: its bytes (at most a chunk).
    package mutating func beginChunk(stream k: Int, parts: Int32) -> Double {
        let chunk = min(OperationsSpec.chunkBytes, streams[k].left)
        streams[k].left -= chunk
        streams[k].parts = parts
        return chunk
    }

    /// One part of stream `k`'s chunk is done.
    package mutating func partDone(stream k: Int) -> PartEnd {
        streams[k].parts -= 1
        if streams[k].parts > 0 { return .chunkRunning }
        return streams[k].left > 0 ? .nextChunk : .streamFree
    }

    /// The workers stream `k` copies between, given the transfer's own.
    package func ends(ofStream k: Int, transfer: Ends) -> Ends { streams[k].ends ?? transfer }
}
