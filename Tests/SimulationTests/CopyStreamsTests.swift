import Simulation
import XCTest

/// A transfer's COPY streams, alone: the limit, the order shards take streams, chunks and ends.
final class CopyStreamsTests: XCTestCase {
    private let chunk = OperationsSpec.chunkBytes

    /// At most `limit` streams run; a freed stream (the lowest first) takes the next shard in
    /// the order given, and the copy is done only when every shard is.
    func testLimitAndOrder() {
        var c = CopyStreams()
        c.limit = 2
        for bytes in [1.0, 2.0, 3.0] { c.add(bytes: bytes) }
        XCTAssertFalse(c.isDone)
        XCTAssertEqual(c.startNext(), 0)
        XCTAssertEqual(c.beginChunk(stream: 0, parts: 2), 1)
        XCTAssertEqual(c.startNext(), 1)
        XCTAssertEqual(c.beginChunk(stream: 1, parts: 1), 2)
        XCTAssertNil(c.startNext(), "the limit holds the third shard")
        XCTAssertEqual(c.waitingCount, 1)
        XCTAssertEqual(c.partDone(stream: 1), .streamFree)
        XCTAssertEqual(c.startNext(), 1, "the freed stream takes the next shard")
        XCTAssertEqual(c.beginChunk(stream: 1, parts: 1), 3)
        XCTAssertNil(c.startNext(), "nothing waits")
        XCTAssertEqual(c.partDone(stream: 0), .chunkRunning)
        XCTAssertEqual(c.partDone(stream: 0), .streamFree)
        XCTAssertFalse(c.isDone, "stream 1 still copies")
        XCTAssertEqual(c.partDone(stream: 1), .streamFree)
        XCTAssertTrue(c.isDone)
    }

    /// A shard larger than a chunk is copied chunk by chunk, the last one the remainder.
    func testChunks() {
        var c = CopyStreams()
        c.add(bytes: 2.5 * chunk)
        let k = c.startNext()!
        var copied: [Double] = []
        var end = CopyStreams.PartEnd.nextChunk
        while end == .nextChunk {
            copied.append(c.beginChunk(stream: k, parts: 1))
            end = c.partDone(stream: k)
        }
        XCTAssertEqual(end, .streamFree)
        XCTAssertEqual(copied, [chunk, chunk, 0.5 * chunk])
        XCTAssertTrue(c.isDone)
    }

    /// A shard's own ends (alter_distributed_table) override the transfer's; without them a
    /// stream copies between the transfer's source and target.
    func testEnds() {
        var c = CopyStreams()
        let own = CopyStreams.Ends(source: 2, target: 0), transfer = CopyStreams.Ends(source: 1, target: 3)
        c.add(bytes: 1, ends: own)
        c.add(bytes: 1)
        let first = c.startNext()!, second = c.startNext()!
        XCTAssertEqual(c.ends(ofStream: first, transfer: transfer), own)
        XCTAssertEqual(c.ends(ofStream: second, transfer: transfer), transfer)
    }

    /// A transfer with nothing to copy is done at once.
    func testNothingToCopy() {
        var c = CopyStreams()
        XCTAssertNil(c.startNext())
        XCTAssertTrue(c.isDone)
    }
}
