import SimCore
import XCTest

/// Resource wake-ups as timers: a model whose "resource" moves its next completion.
private struct TimerModel: EventHandler {
    enum Kind: UInt8, Sendable { case wake, move, tick }
    var log: [String] = []
    /// Per timer id: the completion instants left, in µs (the timer is kept at the first).
    var due: [[Int64]] = [[], []]

    mutating func handle(_ event: Event<Kind>, scheduler: inout Scheduler<Kind>) {
        let now = scheduler.now.microseconds
        log.append("\(now) \(event.kind) \(event.payload)")
        switch event.kind {
        case .wake:
            let id = Int(event.payload)
            due[id].removeAll { $0 == now }
            arm(id, &scheduler)
        case .move:
            // Payload: timer id in the low byte, new completion (ms) above it.
            let id = Int(event.payload & 0xFF)
            due[id].append(Int64(event.payload >> 8) * 1_000)
            due[id].sort()
            arm(id, &scheduler)
        case .tick: break
        }
    }

    mutating func arm(_ id: Int, _ s: inout Scheduler<Kind>) {
        s.setTimer(id, .wake, at: due[id].first.map { SimTime(microseconds: $0) }, priority: .completion, payload: UInt32(id))
    }
}

final class TimerTests: XCTestCase {
    /// A timer fires once per distinct due instant, never early, whether the instant moved
    /// earlier or later; timers interleave with queued events in (time, priority, sequence) order.
    func testTimersFireOnceAtTheirCurrentInstant() {
        var engine = Engine(model: TimerModel())
        let s = { (ms: Int64, payload: UInt32) in (SimTime.zero + .milliseconds(ms), payload) }
        for (t, p) in [s(1, 0 | 10 << 8), s(2, 0 | 5 << 8), s(2, 1 | 5 << 8), s(6, 0 | 6 << 8)] {
            engine.scheduler.schedule(.move, at: t, priority: .arrival, payload: p)
        }
        engine.scheduler.schedule(.tick, at: .zero + .milliseconds(5), priority: .arrival, payload: 7)
        XCTAssertEqual(engine.run(), .queueEmpty)
        XCTAssertEqual(engine.model.log, [
            "1000 move 2560",  // timer 0 due at 10 ms
            "2000 move 1280",  // timer 0 moves earlier, to 5 ms
            "2000 move 1281",  // timer 1 due at 5 ms
            "5000 wake 0",     // completion (priority) before the tick at 5 ms; set first, fires first
            "5000 wake 1",
            "5000 tick 7",
            "6000 move 1536",  // timer 0 goes back to 6 ms, before its pending 10 ms
            "6000 wake 0",     // same instant, completion priority after the arrival-priority move
            "10000 wake 0",    // and 10 ms fires once
        ])
        XCTAssertEqual(engine.eventsHandled, 9)
        XCTAssertEqual(engine.scheduler.pendingCount, 0)
    }

    func testSettingNilDisarmsAndPendingCountIncludesTimers() {
        var engine = Engine(model: TimerModel())
        engine.scheduler.setTimer(3, .wake, at: .zero + .seconds(1), priority: .completion, payload: 0)
        engine.scheduler.setTimer(4, .wake, at: .zero + .seconds(2), priority: .completion, payload: 1)
        XCTAssertEqual(engine.scheduler.pendingCount, 2)
        engine.scheduler.setTimer(3, .wake, at: nil, priority: .completion)
        XCTAssertEqual(engine.scheduler.pendingCount, 1)
        XCTAssertEqual(engine.run(until: .zero + .milliseconds(1_500)), .timeLimit)
        XCTAssertEqual(engine.model.log, [])
        XCTAssertEqual(engine.run(), .queueEmpty)
        XCTAssertEqual(engine.model.log, ["2000000 wake 1"])
    }

    /// Random sets and cancels against a brute-force list: the top is always the minimum
    /// armed event, and the position index stays consistent.
    func testTimerHeapMatchesBruteForce() {
        let rng = RandomStream(runSeed: 7, name: "timers")
        var heap = TimerHeap<UInt8>()
        var armed = [Int: Event<UInt8>]()
        var sequence: UInt64 = 0
        for _ in 0..<20_000 {
            let id = Int(rng.integer(below: 40))
            if rng.uniform() < 0.25 {
                heap.cancel(id)
                armed[id] = nil
            } else {
                let e = Event<UInt8>(time: SimTime(microseconds: Int64(rng.integer(below: 50))), order: sequence, kind: 0, payload: UInt32(id))
                sequence += 1
                heap.set(id, e)
                armed[id] = e
            }
            XCTAssertEqual(heap.count, armed.count)
            let expected = armed.values.min { Event.precedes($0, $1) }
            XCTAssertEqual(heap.top?.event.order, expected?.order)
            XCTAssertEqual(heap.top.map { UInt32($0.id) }, expected?.payload)
            XCTAssertEqual(heap.isArmed(id), armed[id] != nil)
        }
        XCTAssertTrue(heap.checkInvariants())
    }
}
