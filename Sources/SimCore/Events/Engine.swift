/// A model: state plus a handler that reacts to its own events.
///
/// The handler is a state machine: it reads the event, updates state, and schedules
/// follow-up events on the scheduler. No closures are stored per event.
public protocol EventHandler {
    associatedtype Kind: Sendable
    /// Handles `event` at `scheduler.now`.
    mutating func handle(_ event: Event<Kind>, scheduler: inout Scheduler<Kind>)
}

/// Why `Engine.run` returned.
public enum StopReason: Equatable, Sendable {
    /// No events are left.
    case queueEmpty
    /// The next event lies after the time limit; the clock was advanced to the limit.
    case timeLimit
    /// The model called `scheduler.stop()` or the stop condition held.
    case stopped
    /// `maxEvents` events were handled.
    case eventLimit
}

/// Runs a model's events (queued ones and timers) in (time, priority, sequence) order on one thread.
///
/// ```swift
/// var engine = Engine(model: MyModel())
/// engine.scheduler.schedule(.arrival, at: .zero, priority: .arrival)
/// let reason = engine.run(until: SimTime(microseconds: 60_000_000))
/// ```
public struct Engine<Model: EventHandler>: ~Copyable {
    public var model: Model
    public var scheduler: Scheduler<Model.Kind>
    /// Events handled so far, over all calls to `run`.
    @inlinable public var eventsHandled: UInt64 { handledTotal }
    @usableFromInline var handledTotal: UInt64 = 0

    public init(model: Model, queueCapacity: Int = 1024) {
        self.model = model
        self.scheduler = Scheduler(capacity: queueCapacity)
    }

    /// The current simulated instant.
    @inlinable public var now: SimTime { scheduler.now }

    /// Handles events up to and including the instant `limit`, at most `maxEvents` of them.
    @inlinable
    public mutating func run(until limit: SimTime = .never, maxEvents: UInt64 = .max) -> StopReason {
        run(until: limit, maxEvents: maxEvents, stopWhen: { _ in false })
    }

    /// As `run(until:maxEvents:)`, also returning `.stopped` once `stopWhen(model)` holds
    /// after an event.
    @inlinable
    public mutating func run(
        until limit: SimTime = .never, maxEvents: UInt64 = .max, stopWhen: (borrowing Model) -> Bool
    ) -> StopReason {
        scheduler.stopRequested = false
        var handled: UInt64 = 0
        defer { handledTotal &+= handled }
        while true {
            if handled == maxEvents { return .eventLimit }
            // The next event: the queue's top or the earliest timer, whichever comes first.
            let queued = scheduler.queue.top
            var timer = -1
            let event: Event<Model.Kind>
            if let t = scheduler.timers.top, queued.map({ Event.precedes(t.event, $0) }) ?? true {
                event = t.event
                timer = t.id
            } else if let queued {
                event = queued
            } else {
                return .queueEmpty
            }
            if event.time > limit {
                scheduler.clock = limit
                return .timeLimit
            }
            scheduler.clock = event.time
            if timer >= 0 {
                scheduler.firingTimer = timer
                model.handle(event, scheduler: &scheduler)
                if scheduler.firingTimer >= 0 {  // not set again: it has fired
                    scheduler.firingTimer = -1
                    scheduler.timers.cancel(timer)
                }
            } else {
                scheduler.handledEventAtTop = true
                model.handle(event, scheduler: &scheduler)
                if scheduler.handledEventAtTop {
                    scheduler.handledEventAtTop = false
                    scheduler.queue.removeTop()
                }
            }
            handled &+= 1
            if scheduler.stopRequested || stopWhen(model) { return .stopped }
        }
    }
}
