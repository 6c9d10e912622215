import SimCore
import XCTest

final class EventQueueTests: XCTestCase {
    /// For every seed, random pushes, pops and replace-tops come out in (time, order) order.
    func testHeapOrderForManySeeds() {
        for seed in UInt64(1)...20 {
            let rng = RandomStream(runSeed: seed, name: "test")
            var queue = EventQueue<UInt8>(capacity: 4)
            var reference: [(Int64, UInt64)] = []
            var sequence: UInt64 = 0
            var popped: [(Int64, UInt64)] = []
            for _ in 0..<2_000 {
                let op = rng.integer(below: 10)
                if op < 6 || queue.isEmpty {
                    let e = Event(time: SimTime(microseconds: Int64(rng.integer(below: 50))), order: sequence, kind: UInt8(0), payload: 0)
                    sequence += 1
                    queue.push(e)
                    reference.append((e.time.microseconds, e.order))
                } else if op < 8 {
                    let e = queue.pop()!
                    popped.append((e.time.microseconds, e.order))
                    let i = reference.indices.min(by: { reference[$0] < reference[$1] })!
                    XCTAssertTrue(reference[i] == (e.time.microseconds, e.order), "seed \(seed): popped out of order")
                    reference.remove(at: i)
                } else {
                    let top = queue.top!
                    let e = Event(time: top.time + .microseconds(Int64(rng.integer(below: 20))), order: sequence, kind: UInt8(0), payload: 0)
                    sequence += 1
                    queue.replaceTop(with: e)
                    let i = reference.indices.min(by: { reference[$0] < reference[$1] })!
                    reference[i] = (e.time.microseconds, e.order)
                }
                XCTAssertTrue(queue.checkInvariants(), "seed \(seed): heap property broken")
            }
            XCTAssertEqual(queue.count, reference.count, "seed \(seed)")
        }
    }
}
