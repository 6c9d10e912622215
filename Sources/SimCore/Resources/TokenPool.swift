import DequeModule

/// A counting pool of tokens (connection slots) with FIFO waiters.
///
/// `tryAcquire` never waits (Citus's optional connections: take one if free, else do
/// without); `acquire` queues the caller when none is free; `release` hands the token
/// straight to the longest waiter.
public struct TokenPool: Sendable {
    /// Tokens in the pool.
    public private(set) var capacity: Int
    /// Tokens held now.
    public private(set) var inUse = 0
    @usableFromInline var waiters: Deque<UInt32> = []
    /// Tokens held over time.
    public private(set) var held: TimeWeightedAverage
    /// Waiters over time.
    public private(set) var waiting: TimeWeightedAverage
    /// Most tokens held at once since `startInterval` (a sample interval's peak).
    public private(set) var intervalMaximum = 0
    /// Successful acquisitions (immediate or after waiting).
    public private(set) var grants: UInt64 = 0
    /// `tryAcquire` calls refused because the pool was empty.
    public private(set) var refusals: UInt64 = 0

    /// A pool of `capacity` tokens; throws unless capacity >= 0.
    public init(capacity: Int, at time: SimTime = .zero) throws {
        guard capacity >= 0 else {
            throw ParameterError(parameter: "TokenPool.capacity", value: "\(capacity)", expected: "an integer >= 0")
        }
        self.capacity = capacity
        held = TimeWeightedAverage(at: time)
        waiting = TimeWeightedAverage(at: time)
    }

    /// Tokens free now.
    public var available: Int { max(0, capacity - inUse) }
    /// Callers waiting now.
    public var waiterCount: Int { waiters.count }

    /// Takes a token if one is free; never waits.
    public mutating func tryAcquire(at now: SimTime) -> Bool {
        guard inUse < capacity else {
            refusals &+= 1
            return false
        }
        take(at: now)
        return true
    }

    /// Takes a token for `waiter` if one is free (returns true); otherwise queues it (false).
    public mutating func acquire(_ waiter: UInt32, at now: SimTime) -> Bool {
        if inUse < capacity && waiters.isEmpty {
            take(at: now)
            return true
        }
        waiters.append(waiter)
        waiting.set(Double(waiters.count), at: now)
        return false
    }

    /// Returns a token; if someone waits, the token passes to the longest waiter, returned.
    public mutating func release(at now: SimTime) -> UInt32? {
        precondition(inUse > 0, "TokenPool.release with no token held")
        if inUse <= capacity, let next = waiters.popFirst() {
            waiting.set(Double(waiters.count), at: now)
            grants &+= 1
            return next
        }
        inUse -= 1
        held.set(Double(inUse), at: now)
        return nil
    }

    /// Removes `waiter` from the line (it gave up); false if it was not waiting. O(n).
    public mutating func cancelWait(_ waiter: UInt32, at now: SimTime) -> Bool {
        guard let index = waiters.firstIndex(of: waiter) else { return false }
        waiters.remove(at: index)
        waiting.set(Double(waiters.count), at: now)
        return true
    }

    /// Changes the pool size; returns the waiters granted tokens by a larger pool, in FIFO
    /// order. A smaller pool takes tokens back only as holders release them.
    public mutating func setCapacity(_ newCapacity: Int, at now: SimTime) throws -> [UInt32] {
        guard newCapacity >= 0 else {
            throw ParameterError(parameter: "TokenPool.capacity", value: "\(newCapacity)", expected: "an integer >= 0")
        }
        capacity = newCapacity
        var granted: [UInt32] = []
        while inUse < capacity, let next = waiters.popFirst() {
            take(at: now)
            granted.append(next)
        }
        waiting.set(Double(waiters.count), at: now)
        return granted
    }

    /// Starts a new interval for `intervalMaximum`: its peak so far is the tokens held now.
    public mutating func startInterval() { intervalMaximum = inUse }

    /// Forgets statistics before `now` (end of warm-up).
    public mutating func resetStatistics(at now: SimTime) {
        held.reset(at: now)
        waiting.reset(at: now)
        grants = 0
        refusals = 0
    }

    private mutating func take(at now: SimTime) {
        inUse += 1
        if inUse > intervalMaximum { intervalMaximum = inUse }
        grants &+= 1
        held.set(Double(inUse), at: now)
    }
}
