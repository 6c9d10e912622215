/// A c-core processor-sharing server: every active job progresses at min(1, c/n) cores.
///
/// This is how PostgreSQL backends share a machine's cores. Work is measured in
/// microseconds of CPU at full core speed. The implementation keeps a virtual time `V`
/// (work received by each active job, which is the same for all of them) and each job's
/// finishing tag (V at arrival + work) in a min-heap, so an arrival or a departure costs
/// O(log n). Completion instants are rounded up to the next microsecond, so a job may
/// finish up to 1 µs late, never early.
///
/// Protocol for the owner: after `arrive`, `remove` or `popCompleted`, ask
/// `nextCompletionTime` and keep one wake-up event scheduled (see `WakeupSlot`); on the
/// wake-up, call `popCompleted(at:)` until it returns nil.
public struct ProcessorSharingServer: Sendable {
    @usableFromInline struct Entry: Sendable {
        var tag: Double
        var sequence: UInt64
        var job: UInt32
        @inline(__always) static func < (a: Entry, b: Entry) -> Bool {
            a.tag < b.tag || (a.tag == b.tag && a.sequence < b.sequence)
        }
    }

    /// Number of cores (servers), c.
    public let cores: Int
    @usableFromInline var heap: [Entry] = []
    @usableFromInline var virtualTime: Double = 0
    @usableFromInline var lastUpdate: SimTime = .zero
    @usableFromInline var nextSequence: UInt64 = 0
    /// Busy cores over time, min(n, c).
    public private(set) var busyCores: TimeWeightedAverage
    /// Jobs in the server over time.
    public private(set) var jobsInSystem: TimeWeightedAverage
    /// Jobs completed so far.
    public private(set) var completed: UInt64 = 0

    /// A server with `cores` cores; throws unless cores >= 1.
    public init(cores: Int, at time: SimTime = .zero) throws {
        try ParameterError.requirePositive(cores, "ProcessorSharingServer.cores")
        self.cores = cores
        busyCores = TimeWeightedAverage(at: time)
        jobsInSystem = TimeWeightedAverage(at: time)
        lastUpdate = time
    }

    /// Jobs currently sharing the cores.
    public var activeJobs: Int { heap.count }

    /// Cores each active job receives now: min(1, c/n).
    public var ratePerJob: Double { heap.isEmpty ? 1 : min(1, Double(cores) / Double(heap.count)) }

    /// Brings virtual time up to `now`.
    @usableFromInline
    mutating func advance(to now: SimTime) {
        precondition(now >= lastUpdate, "ProcessorSharingServer advanced backwards to \(now) from \(lastUpdate)")
        if !heap.isEmpty {
            virtualTime += Double(now.microseconds - lastUpdate.microseconds) * ratePerJob
        }
        lastUpdate = now
    }

    /// A job `job` arrives at `now` needing `work` of CPU (at full core speed).
    public mutating func arrive(job: UInt32, work: SimDuration, at now: SimTime) {
        precondition(work >= .zero, "negative work \(work) for job \(job)")
        advance(to: now)
        push(Entry(tag: virtualTime + Double(work.microseconds), sequence: nextSequence, job: job))
        nextSequence &+= 1
        recordOccupancy(at: now)
    }

    /// When the next job finishes if nothing else arrives; nil when idle. Kept up to date
    /// by every change, so reading it (even through an array subscript) copies nothing.
    public private(set) var nextCompletionTime: SimTime?

    private mutating func updateNextCompletion() {
        guard let first = heap.first else {
            nextCompletionTime = nil
            return
        }
        let remaining = (first.tag - virtualTime) / ratePerJob
        let wait = remaining <= 0 ? 0 : Int64(remaining.rounded(.up))
        nextCompletionTime = lastUpdate + .microseconds(wait)
    }

    /// Removes and returns one job that has finished by `now`, or nil if none has.
    public mutating func popCompleted(at now: SimTime) -> UInt32? {
        advance(to: now)
        guard let first = heap.first else { return nil }
        let tolerance = max(1e-6, virtualTime * 1e-12)
        guard first.tag <= virtualTime + tolerance else {
            updateNextCompletion()
            return nil
        }
        removeEntry(at: 0)
        completed &+= 1
        recordOccupancy(at: now)
        return first.job
    }

    /// Takes `job` out unfinished (a cancelled query); returns false if it is not here. O(n).
    public mutating func remove(job: UInt32, at now: SimTime) -> Bool {
        advance(to: now)
        guard let index = heap.firstIndex(where: { $0.job == job }) else { return false }
        removeEntry(at: index)
        recordOccupancy(at: now)
        return true
    }

    /// Forgets utilisation history before `now` (end of warm-up).
    public mutating func resetStatistics(at now: SimTime) {
        busyCores.reset(at: now)
        jobsInSystem.reset(at: now)
        completed = 0
    }

    private mutating func recordOccupancy(at now: SimTime) {
        if heap.isEmpty { virtualTime = 0 }  // rebase: keeps V small and tags exact
        updateNextCompletion()
        busyCores.set(Double(min(heap.count, cores)), at: now)
        jobsInSystem.set(Double(heap.count), at: now)
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        siftUp(heap.count - 1)
    }

    private mutating func removeEntry(at index: Int) {
        let last = heap.removeLast()
        guard index < heap.count else { return }
        heap[index] = last
        siftUp(index)
        siftDown(index)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        let entry = heap[child]
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry < heap[parent] else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    private mutating func siftDown(_ start: Int) {
        var hole = start
        let entry = heap[hole]
        let n = heap.count
        while true {
            var child = 2 * hole + 1
            if child >= n { break }
            if child + 1 < n && heap[child + 1] < heap[child] { child += 1 }
            guard heap[child] < entry else { break }
            heap[hole] = heap[child]
            hole = child
        }
        heap[hole] = entry
    }
}
