import SimCore

/// The classic "hold" benchmark: each event schedules one new event after an exponential
/// delay, with a constant number pending. It measures the engine alone.
public struct HoldModel: EventHandler {
    public enum Kind: UInt8, Sendable { case hold }

    let delays: RandomStream
    let meanDelayMicroseconds: Double
    /// Events handled so far.
    public private(set) var handled: UInt64 = 0
    /// Sum of event times, so the work cannot be optimised away and runs can be compared.
    public private(set) var checksum: UInt64 = 0

    public init(seed: UInt64, meanDelayMicroseconds: Double = 1_000) {
        delays = RandomStream(runSeed: seed, name: "hold")
        self.meanDelayMicroseconds = meanDelayMicroseconds
    }

    @inline(__always) func delay() -> SimDuration {
        .microseconds(Int64(delays.exponential(mean: meanDelayMicroseconds)))
    }

    /// Runs `events` events with `pending` pending; returns (events handled, checksum).
    public static func run(seed: UInt64, pending: Int, events: UInt64) -> (UInt64, UInt64) {
        var engine = Engine(model: HoldModel(seed: seed), queueCapacity: pending + 1)
        for _ in 0..<pending { engine.scheduler.schedule(.hold, after: engine.model.delay(), priority: .arrival) }
        _ = engine.run(maxEvents: events)
        return (engine.eventsHandled, engine.model.checksum)
    }

    public mutating func handle(_ event: Event<Kind>, scheduler: inout Scheduler<Kind>) {
        handled &+= 1
        checksum &+= UInt64(event.time.microseconds)
        scheduler.schedule(.hold, after: delay(), priority: .arrival)
    }
}

/// The hold model as a hand-written loop over a plain array binary heap: no engine,
/// no generic model, the same random stream and the same (time, sequence) order.
/// It is the baseline the engine's overhead is measured against.
public enum BaselineHold {
    struct Item {
        var time: Int64
        var sequence: UInt64
        @inline(__always) static func < (a: Item, b: Item) -> Bool {
            a.time < b.time || (a.time == b.time && a.sequence < b.sequence)
        }
    }

    /// Runs `events` events with `pending` pending; returns (events handled, checksum).
    public static func run(seed: UInt64, pending: Int, events: UInt64) -> (UInt64, UInt64) {
        let delays = RandomStream(runSeed: seed, name: "hold")
        let mean = 1_000.0
        var heap: [Item] = []
        heap.reserveCapacity(pending + 1)
        var sequence: UInt64 = 0
        for _ in 0..<pending {
            let item = Item(time: Int64(delays.exponential(mean: mean)), sequence: sequence)
            sequence += 1
            heap.append(item)
            var c = heap.count - 1
            while c > 0, heap[c] < heap[(c - 1) / 2] {
                heap.swapAt(c, (c - 1) / 2)
                c = (c - 1) / 2
            }
        }
        var checksum: UInt64 = 0
        var handled: UInt64 = 0
        heap.withUnsafeMutableBufferPointer { h in
            let n = h.count
            while handled < events {
                let top = h[0]
                handled &+= 1
                checksum &+= UInt64(top.time)
                // Replace the top by the follow-up event and sift it down.
                let item = Item(time: top.time + Int64(delays.exponential(mean: mean)), sequence: sequence)
                sequence &+= 1
                var hole = 0
                while true {
                    var child = 2 * hole + 1
                    if child >= n { break }
                    if child + 1 < n && h[child + 1] < h[child] { child += 1 }
                    if !(h[child] < item) { break }
                    h[hole] = h[child]
                    hole = child
                }
                h[hole] = item
            }
        }
        return (handled, checksum)
    }
}
