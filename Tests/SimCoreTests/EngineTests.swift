import SimCore
import XCTest

/// Records what it handles, and reacts to a few scripted payloads.
private struct Recorder: EventHandler {
    enum Kind: UInt8, Sendable { case tick, spawn, halt }
    var log: [String] = []

    mutating func handle(_ event: Event<Kind>, scheduler: inout Scheduler<Kind>) {
        log.append("\(scheduler.now) \(event.kind) \(event.priority) \(event.payload)")
        switch event.kind {
        case .tick: break
        case .spawn:
            // Two follow-ups at the same instant: the first reuses the handled slot.
            scheduler.schedule(.tick, at: scheduler.now, priority: .observation, payload: 90)
            scheduler.schedule(.tick, at: scheduler.now, priority: .control, payload: 91)
        case .halt: scheduler.stop()
        }
    }
}

final class EngineTests: XCTestCase {
    func testSameInstantOrderIsPriorityThenSequence() {
        var engine = Engine(model: Recorder())
        let t = SimTime.zero + .seconds(1)
        engine.scheduler.schedule(.tick, at: t, priority: .observation, payload: 1)
        engine.scheduler.schedule(.tick, at: t, priority: .arrival, payload: 2)
        engine.scheduler.schedule(.tick, at: t, priority: .completion, payload: 3)
        engine.scheduler.schedule(.tick, at: t, priority: .control, payload: 4)
        engine.scheduler.schedule(.tick, at: t, priority: .arrival, payload: 5)
        engine.scheduler.schedule(.tick, at: .zero, priority: .observation, payload: 6)
        XCTAssertEqual(engine.run(), .queueEmpty)
        XCTAssertEqual(engine.model.log.map { $0.split(separator: " ").last! }, ["6", "4", "3", "2", "5", "1"])
        XCTAssertEqual(engine.eventsHandled, 6)
    }

    func testEventsScheduledWhileHandlingRunInOrder() {
        var engine = Engine(model: Recorder())
        engine.scheduler.schedule(.spawn, at: .zero + .milliseconds(5), priority: .arrival, payload: 1)
        engine.scheduler.schedule(.tick, at: .zero + .milliseconds(5), priority: .observation, payload: 2)
        _ = engine.run()
        XCTAssertEqual(engine.model.log, [
            "+00:00:00.005 spawn arrival 1",
            "+00:00:00.005 tick control 91",
            "+00:00:00.005 tick observation 2",
            "+00:00:00.005 tick observation 90",
        ])
    }

    func testRunUntilStopsBeforeLaterEventsAndAdvancesClock() {
        var engine = Engine(model: Recorder())
        engine.scheduler.schedule(.tick, at: .zero + .seconds(1), priority: .arrival)
        engine.scheduler.schedule(.tick, at: .zero + .seconds(3), priority: .arrival)
        XCTAssertEqual(engine.run(until: .zero + .seconds(2)), .timeLimit)
        XCTAssertEqual(engine.now, .zero + .seconds(2))
        XCTAssertEqual(engine.model.log.count, 1)
        XCTAssertEqual(engine.scheduler.pendingCount, 1)
        XCTAssertEqual(engine.run(), .queueEmpty)
        XCTAssertEqual(engine.now, .zero + .seconds(3))
    }

    func testStopRequestAndStopConditionAndEventLimit() {
        var engine = Engine(model: Recorder())
        for i in 0..<5 { engine.scheduler.schedule(.tick, at: .zero + .seconds(Int64(i)), priority: .arrival) }
        engine.scheduler.schedule(.halt, at: .zero + .milliseconds(1_500), priority: .control)
        XCTAssertEqual(engine.run(), .stopped)
        XCTAssertEqual(engine.model.log.count, 3)
        XCTAssertEqual(engine.run(maxEvents: 1), .eventLimit)
        XCTAssertEqual(engine.model.log.count, 4)
        XCTAssertEqual(engine.run(stopWhen: { $0.log.count == 5 }), .stopped)
        XCTAssertEqual(engine.scheduler.pendingCount, 1, "the event at 4 s is still pending")
    }
}
