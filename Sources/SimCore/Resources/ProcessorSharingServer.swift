/// A c-core processor-sharing server: every active job progresses at min(1, c/n) cores.
///
/// This is how PostgreSQL backends share a machine's cores. Work is measured in
/// microseconds of CPU at full core speed. The implementation keeps a virtual time `V`
/// (work received by each active job, which is the same for all of them) and each job's
/// finishing tag (V at arrival + work) in a sorted queue (`SortedQueue`: a departure is
/// O(1), an arrival a short scan from the end). Completion instants are rounded up to the
/// next microsecond, so a job may finish up to 1 µs late, never early.
///
/// Protocol for the owner: after `arrive`, `remove` or `popCompleted`, ask
/// `nextCompletionTime` and keep one wake-up scheduled (`Scheduler.setTimer`); on the
/// wake-up, call `popCompleted(at:)` until it returns nil.
///
/// A job may be given an arrival instant in the future (a request still travelling to
/// the server). It joins the sharing at that instant without an event: the server
/// applies pending arrivals whenever it is advanced, and `nextCompletionTime` looks ahead
/// across them, so the result is the same as arriving with an event at that instant.
public struct ProcessorSharingServer: @unchecked Sendable {
    struct PendingArrival {
        var time: Int64
        var sequence: UInt64
        var job: UInt32
        var work: Int64
    }

    struct Entry: QueueOrdered {
        var tag: Double
        var sequence: UInt64
        var job: UInt32
        static func precedes(_ a: Entry, _ b: Entry) -> Bool {
            a.tag < b.tag || (a.tag == b.tag && a.sequence < b.sequence)
        }
    }

    /// Number of cores (servers), c.
    public let cores: Int
    /// Active jobs by finishing tag.
    var active = SortedQueue<Entry>()
    var virtualTime: Double = 0
    var lastUpdate: SimTime = .zero
    var nextSequence: UInt64 = 0
    /// Jobs that arrive later: (arrival time µs, sequence, job, work µs), sorted by
    /// (time, sequence) from `pendingHead` on. Arrivals come almost in order, so inserting
    /// is nearly always an append; joined arrivals advance the head (compacted now and then).
    /// A plain-record table (no copy-on-write checks; the server's owner never copies it).
    var pending = RecordTable<PendingArrival>(capacity: 16)
    var pendingHead = 0
    /// Occupancy statistics: jobs n (and busy cores min(n, c)) since `lastChange`, their
    /// integrals in jobs × µs from `statisticsStart`, and the largest n; one update per change.
    var statisticsStart: SimTime
    var lastChange: SimTime
    var jobsSinceChange = 0
    var jobsArea: Double = 0
    var busyArea: Double = 0
    var maximumJobs = 0
    /// Busy cores over time, min(n, c).
    public var busyCores: TimeWeightedAverage {
        TimeWeightedAverage(start: statisticsStart, lastChange: lastChange, value: Double(min(jobsSinceChange, cores)),
                            area: busyArea, maximum: Double(min(maximumJobs, cores)))
    }
    /// Jobs in the server over time.
    public var jobsInSystem: TimeWeightedAverage {
        TimeWeightedAverage(start: statisticsStart, lastChange: lastChange, value: Double(jobsSinceChange),
                            area: jobsArea, maximum: Double(maximumJobs))
    }
    /// Jobs completed so far.
    public private(set) var completed: UInt64 = 0

    /// A server with `cores` cores; throws unless cores >= 1.
    public init(cores: Int, at time: SimTime = .zero) throws {
        try ParameterError.requirePositive(cores, "ProcessorSharingServer.cores")
        self.cores = cores
        statisticsStart = time
        lastChange = time
        lastUpdate = time
    }

    /// Jobs currently sharing the cores (not counting future arrivals).
    public var activeJobs: Int { active.count }

    /// Cores each active job receives now: min(1, c/n).
    public var ratePerJob: Double { Self.rate(jobs: active.count, cores: cores) }

    /// min(1, c/n); 1 without dividing when n <= c (the common case on many-core nodes).
    @inline(__always)
    static func rate(jobs n: Int, cores c: Int) -> Double { n <= c ? 1 : Double(c) / Double(n) }

    /// Brings virtual time up to `now`, letting pending jobs join at their instants. The
    /// prediction of the next completion already looked ahead across them, so joining does
    /// not make it stale.
    @inline(__always)
    mutating func advance(to now: SimTime) {
        precondition(now >= lastUpdate, "ProcessorSharingServer advanced backwards to \(now) from \(lastUpdate)")
        if pendingHead < pending.count { joinPending(upTo: now) }
        integrate(to: now)
    }

    private mutating func joinPending(upTo now: SimTime) {
        while pendingHead < pending.count, pending[pendingHead].time <= now.microseconds {
            let first = pending[pendingHead]
            integrate(to: SimTime(microseconds: first.time))
            pendingHead += 1
            active.push(Entry(tag: virtualTime + Double(first.work), sequence: first.sequence, job: first.job))
            recordOccupancy(at: lastUpdate)
        }
        if pendingHead == pending.count {
            pending.removeAll()
            pendingHead = 0
        } else if pendingHead >= 64 && pendingHead * 2 >= pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    @inline(__always)
    private mutating func integrate(to now: SimTime) {
        let n = active.count
        if n > 0 {
            let dt = Double(now.microseconds - lastUpdate.microseconds)
            virtualTime += n <= cores ? dt : dt * Double(cores) / Double(n)
        }
        lastUpdate = now
    }

    /// A job `job` arrives at `time` (now, or later: see the type's notes) needing `work`
    /// of CPU at full core speed. Jobs arriving at the same instant join in call order.
    public mutating func arrive(job: UInt32, work: SimDuration, at time: SimTime) {
        precondition(work >= .zero, "negative work \(work) for job \(job)")
        precondition(time >= lastUpdate, "job \(job) arrives at \(time), before the server's time \(lastUpdate)")
        let sequence = nextSequence
        nextSequence &+= 1
        if time > lastUpdate || pendingHead < pending.count && pending[pendingHead].time <= time.microseconds {
            pushPending(PendingArrival(time: time.microseconds, sequence: sequence, job: job, work: work.microseconds))
            // A job joining no earlier than the predicted completion cannot move it (the
            // look-ahead stops at the first arrival at or after the completion).
            if let due = cachedNextCompletion, !nextIsStale, time >= due { return }
            nextIsStale = true
            return
        }
        nextIsStale = true
        active.push(Entry(tag: virtualTime + Double(work.microseconds), sequence: sequence, job: job))
        recordOccupancy(at: time)
    }

    /// When the next job finishes if nothing else arrives; nil when idle. Computed when
    /// first read after a change (a wake-up that completes k jobs pays once, not k times);
    /// the getter is mutating, so reading it through an array subscript copies nothing.
    public var nextCompletionTime: SimTime? {
        mutating get {
            if nextIsStale {
                updateNextCompletion()
                nextIsStale = false
            }
            return cachedNextCompletion
        }
    }
    private var cachedNextCompletion: SimTime?
    private var nextIsStale = false

    /// Looks ahead across pending arrivals (they only join before the first completion if
    /// they arrive earlier); the state itself is not changed.
    private mutating func updateNextCompletion() {
        var v = virtualTime, t = Double(lastUpdate.microseconds), n = active.count
        var minTag = active.first?.tag ?? .infinity
        var i = pendingHead
        while true {
            let shared = n > cores
            let completion = n == 0 ? Double.infinity : t + max(0, shared ? (minTag - v) * Double(n) / Double(cores) : minTag - v)
            if i < pending.count, Double(pending[i].time) < completion {
                let a = pending[i]
                if n > 0 { v += shared ? (Double(a.time) - t) * Double(cores) / Double(n) : Double(a.time) - t }
                t = Double(a.time)
                n += 1
                minTag = min(minTag, v + Double(a.work))
                i += 1
                continue
            }
            guard completion.isFinite else {
                cachedNextCompletion = nil
                return
            }
            // Round up, but never before the last arrival applied (ceil by hand: the
            // library call shows in profiles).
            let exact = completion - Double(lastUpdate.microseconds)
            var wait = Int64(exact)
            if Double(wait) < exact { wait += 1 }
            cachedNextCompletion = lastUpdate + .microseconds(max(0, wait))
            return
        }
    }

    private mutating func pushPending(_ item: PendingArrival) {
        // Sequence numbers only grow, so an arrival no earlier than the last goes at the end.
        if pending.count == pendingHead || pending[pending.count - 1].time <= item.time { return pending.append(item) }
        var i = pending.count
        while i > pendingHead && (pending[i - 1].time, pending[i - 1].sequence) > (item.time, item.sequence) { i -= 1 }
        pending.insert(item, at: i)
    }

    /// Removes and returns one job that has finished by `now`, or nil if none has.
    public mutating func popCompleted(at now: SimTime) -> UInt32? {
        advance(to: now)
        guard let first = active.first else { return nil }
        let tolerance = max(1e-6, virtualTime * 1e-12)
        guard first.tag <= virtualTime + tolerance else { return nil }
        active.removeFirst()
        completed &+= 1
        recordOccupancy(at: now)
        nextIsStale = true
        return first.job
    }

    /// Takes `job` out unfinished (a cancelled query), even before it has arrived; returns
    /// false if it is not here. O(n).
    public mutating func remove(job: UInt32, at now: SimTime) -> Bool {
        advance(to: now)
        if let p = (pendingHead..<pending.count).first(where: { pending[$0].job == job }) {
            pending.remove(at: p)
            nextIsStale = true
            return true
        }
        guard let index = active.firstIndex(where: { $0.job == job }) else { return false }
        active.remove(at: index)
        recordOccupancy(at: now)
        nextIsStale = true
        return true
    }

    /// Forgets utilisation history before `now` (end of warm-up).
    public mutating func resetStatistics(at now: SimTime) {
        let jobs = jobsSinceChange
        statisticsStart = now
        lastChange = now
        jobsArea = 0
        busyArea = 0
        maximumJobs = jobs
        completed = 0
    }

    /// Statistics after a change in the number of jobs (callers update the next completion
    /// once, at the end of their public operation).
    private mutating func recordOccupancy(at now: SimTime) {
        let n = active.count
        if n == 0 { virtualTime = 0 }  // rebase: keeps V small and tags exact
        let dt = Double(now.microseconds - lastChange.microseconds)
        busyArea += Double(min(jobsSinceChange, cores)) * dt
        jobsArea += Double(jobsSinceChange) * dt
        lastChange = now
        jobsSinceChange = n
        if n > maximumJobs { maximumJobs = n }
    }
}
