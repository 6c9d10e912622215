import SimCore
import XCTest

final class ResourceTests: XCTestCase {
    let ms = SimDuration.milliseconds

    /// Drains a PS server, returning (job, completion ms) in completion order.
    private func drain(_ server: inout ProcessorSharingServer) -> [(UInt32, Int64)] {
        var out: [(UInt32, Int64)] = []
        while let t = server.nextCompletionTime {
            while let job = server.popCompleted(at: t) { out.append((job, t.microseconds / 1_000)) }
        }
        return out
    }

    func testProcessorSharingOneCore() throws {
        var ps = try ProcessorSharingServer(cores: 1)
        ps.arrive(job: 1, work: ms(10), at: .zero)
        ps.arrive(job: 2, work: ms(20), at: .zero)
        // Both at half speed until job 1 has had 10 ms of CPU (t = 20), then job 2 alone.
        let done = drain(&ps)
        XCTAssertEqual(done.map(\.0), [1, 2])
        XCTAssertEqual(done.map(\.1), [20, 30])
    }

    func testProcessorSharingMoreJobsThanCores() throws {
        var ps = try ProcessorSharingServer(cores: 2)
        ps.arrive(job: 1, work: ms(30), at: .zero)
        ps.arrive(job: 2, work: ms(30), at: .zero)
        // At t = 10 a third job arrives: each now gets 2/3 core.
        XCTAssertNil(ps.popCompleted(at: .zero + ms(10)))
        ps.arrive(job: 3, work: ms(10), at: .zero + ms(10))
        XCTAssertEqual(ps.ratePerJob, 2.0 / 3.0, accuracy: 1e-15)
        // Job 3 needs 10 ms at 2/3 -> t = 25; jobs 1, 2 have 20 - 10 = 20 - (15·2/3) left...
        let done = drain(&ps)
        XCTAssertEqual(done.map(\.0), [3, 1, 2])
        // After t = 25: jobs 1 and 2 have 30 - 10 - 10 = 10 ms left each at full speed.
        XCTAssertEqual(done.map(\.1), [25, 35, 35])
        XCTAssertEqual(ps.busyCores.mean(at: .zero + ms(35)), 2.0, accuracy: 1e-12)
    }

    func testProcessorSharingRemoveAndRejectZeroCores() throws {
        var ps = try ProcessorSharingServer(cores: 1)
        ps.arrive(job: 1, work: ms(10), at: .zero)
        ps.arrive(job: 2, work: ms(10), at: .zero)
        XCTAssertTrue(ps.remove(job: 1, at: .zero + ms(4)))
        XCTAssertFalse(ps.remove(job: 9, at: .zero + ms(4)))
        XCTAssertEqual(drain(&ps).map(\.1), [12])
        XCTAssertThrowsError(try ProcessorSharingServer(cores: 0)) { error in
            XCTAssertEqual((error as? ParameterError)?.parameter, "ProcessorSharingServer.cores")
        }
    }

    func testFCFSServesInArrivalOrder() throws {
        var q = try FCFSServer(servers: 2)
        XCTAssertEqual(q.arrive(job: 1, service: ms(10), at: .zero)?.completion, .zero + ms(10))
        XCTAssertEqual(q.arrive(job: 2, service: ms(50), at: .zero)?.completion, .zero + ms(50))
        XCTAssertNil(q.arrive(job: 3, service: ms(5), at: .zero + ms(1)))
        XCTAssertNil(q.arrive(job: 4, service: ms(5), at: .zero + ms(2)))
        XCTAssertEqual(q.waiting, 2)
        XCTAssertEqual(q.complete(at: .zero + ms(10)), FCFSServer.Start(job: 3, completion: .zero + ms(15)))
        XCTAssertEqual(q.complete(at: .zero + ms(15)), FCFSServer.Start(job: 4, completion: .zero + ms(20)))
        XCTAssertNil(q.complete(at: .zero + ms(20)))
        XCTAssertEqual(q.busy, 1)
        // Queue length: 1 during [1, 2), 2 during [2, 10), 1 during [10, 15): area 22 over 20 ms.
        XCTAssertEqual(q.queueLength.mean(at: .zero + ms(20)), 22.0 / 20.0, accuracy: 1e-12)
    }

    func testTokenPoolFIFOAndTryAcquire() throws {
        var pool = try TokenPool(capacity: 2)
        XCTAssertTrue(pool.tryAcquire(at: .zero))
        XCTAssertTrue(pool.acquire(7, at: .zero))
        XCTAssertFalse(pool.tryAcquire(at: .zero))
        XCTAssertEqual(pool.refusals, 1)
        XCTAssertFalse(pool.acquire(8, at: .zero))
        XCTAssertFalse(pool.acquire(9, at: .zero))
        XCTAssertFalse(pool.acquire(10, at: .zero))
        XCTAssertTrue(pool.cancelWait(9, at: .zero))
        XCTAssertEqual(pool.release(at: .zero + ms(1)), 8)
        XCTAssertEqual(try pool.setCapacity(3, at: .zero + ms(2)), [10])
        XCTAssertEqual(pool.inUse, 3)
        XCTAssertNil(pool.release(at: .zero + ms(3)))
        XCTAssertEqual(pool.available, 1)
        XCTAssertThrowsError(try TokenPool(capacity: -1))
    }

    /// A FIFO link sends one message at a time: a message offered while the link is busy
    /// starts when the earlier one has left; busy time counts only what is behind `time`.
    func testFIFOLinkQueuesMessagesAndCountsBusyTime() {
        var link = FIFOLink()
        XCTAssertEqual(link.send(taking: .milliseconds(10), at: .zero), .zero + .milliseconds(10))
        // Offered at 4 ms, behind the first: leaves at 10 + 5 ms.
        XCTAssertEqual(link.send(taking: .milliseconds(5), at: .zero + .milliseconds(4)), .zero + .milliseconds(15))
        XCTAssertEqual(link.busyMicroseconds(at: .zero + .milliseconds(12)), 12_000)
        XCTAssertEqual(link.busyMicroseconds(at: .zero + .milliseconds(20)), 15_000)
        // An idle link starts at once.
        XCTAssertEqual(link.send(taking: .milliseconds(1), at: .zero + .milliseconds(30)), .zero + .milliseconds(31))
        XCTAssertEqual(link.busyMicroseconds(at: .zero + .milliseconds(40)), 16_000)
    }

    func testDiskIsLimitedByIOPSAndBandwidth() throws {
        var disk = try Disk(iops: 1_000, bytesPerSecond: 100e6, accessLatency: .microseconds(500))
        XCTAssertEqual(disk.serviceTime(operations: 1, bytes: 8_192), .milliseconds(1))  // IOPS-bound
        XCTAssertEqual(disk.serviceTime(operations: 1, bytes: 1e6), .milliseconds(10))  // bandwidth-bound
        disk.submit(request: 1, operations: 1, bytes: 8_192, at: .zero)
        disk.submit(request: 2, operations: 1, bytes: 8_192, at: .zero)
        var done: [(UInt32, Int64)] = []
        while let t = disk.nextEventTime {
            while let r = disk.popCompleted(at: t) { done.append((r, t.microseconds)) }
        }
        // Two 1 ms requests share the device: both leave it at 2 ms, delivered 0.5 ms later.
        XCTAssertEqual(done.map(\.0), [1, 2])
        XCTAssertEqual(done.map(\.1), [2_500, 2_500])
        XCTAssertThrowsError(try Disk(iops: 0, bytesPerSecond: 1, accessLatency: .zero))
    }

    func testWakeupSlotSchedulesOnlyEarlierThanPending() {
        var slot = WakeupSlot()
        XCTAssertTrue(slot.needsWakeup(at: .zero + ms(10)))
        XCTAssertFalse(slot.needsWakeup(at: .zero + ms(12)))
        XCTAssertTrue(slot.needsWakeup(at: .zero + ms(5)))
        slot.fired(at: .zero + ms(5))
        // The wake-up at 10 ms is still in the queue: due at 10 ms again needs no second one.
        XCTAssertEqual(slot.armedAt, .zero + ms(10))
        XCTAssertFalse(slot.needsWakeup(at: .zero + ms(10)))
        XCTAssertTrue(slot.needsWakeup(at: .zero + ms(8)))
        slot.fired(at: .zero + ms(8))
        slot.fired(at: .zero + ms(10))
        XCTAssertNil(slot.armedAt)
        XCTAssertFalse(slot.needsWakeup(at: nil))
        // Past four pending instants the latest is forgotten: a later due time schedules again.
        for t in [40, 30, 20, 10, 5] { XCTAssertTrue(slot.needsWakeup(at: .zero + ms(Int64(t)))) }
        for t in [5, 10, 20, 30] { slot.fired(at: .zero + ms(Int64(t))) }
        XCTAssertNil(slot.armedAt)
        XCTAssertTrue(slot.needsWakeup(at: .zero + ms(40)))
    }
}

final class FutureArrivalTests: XCTestCase {
    /// Jobs given future arrival instants complete exactly when the same jobs arriving
    /// with an event at those instants do (random jobs, several seeds and core counts).
    func testFutureArrivalsMatchEagerArrivals() throws {
        for seed in UInt64(1)...30 {
            let rng = RandomStream(runSeed: seed, name: "ps")
            let cores = Int(rng.integer(below: 4)) + 1
            var jobs: [(arrival: Int64, work: Int64)] = []
            var t: Int64 = 0
            for _ in 0..<200 {
                t += Int64(rng.exponential(mean: 3_000))
                jobs.append((t, Int64(rng.exponential(mean: 2_500 * Double(cores))) + 1))
            }
            // Eager: each job arrives when the clock reaches it (an event at its instant).
            var eager = try ProcessorSharingServer(cores: cores)
            var eagerDone: [UInt32: Int64] = [:]
            var next = 0
            while next < jobs.count || eager.nextCompletionTime != nil {
                let completion = eager.nextCompletionTime?.microseconds ?? .max
                if next < jobs.count && jobs[next].arrival < completion {
                    eager.arrive(job: UInt32(next), work: .microseconds(jobs[next].work), at: SimTime(microseconds: jobs[next].arrival))
                    next += 1
                } else {
                    while let j = eager.popCompleted(at: SimTime(microseconds: completion)) { eagerDone[j] = completion }
                }
            }
            // Lazy: jobs are handed over early (at most 50 ms ahead) with their future arrival instants.
            var lazy = try ProcessorSharingServer(cores: cores)
            var lazyDone: [UInt32: Int64] = [:]
            var handed = 0
            var now: Int64 = 0
            while handed < jobs.count || lazy.nextCompletionTime != nil {
                while handed < jobs.count && jobs[handed].arrival - 50_000 <= now {
                    lazy.arrive(job: UInt32(handed), work: .microseconds(jobs[handed].work), at: SimTime(microseconds: max(now, jobs[handed].arrival)))
                    handed += 1
                }
                let completion = lazy.nextCompletionTime?.microseconds ?? .max
                let nextHand = handed < jobs.count ? jobs[handed].arrival - 50_000 : .max
                now = min(completion, nextHand)
                if now == completion { while let j = lazy.popCompleted(at: SimTime(microseconds: now)) { lazyDone[j] = now } }
            }
            XCTAssertEqual(lazyDone.count, jobs.count, "seed \(seed)")
            for j in 0..<jobs.count {
                XCTAssertEqual(lazyDone[UInt32(j)]!, eagerDone[UInt32(j)]!, accuracy: 2, "seed \(seed), job \(j)")
            }
        }
    }

    func testRemoveBeforeArrival() throws {
        var ps = try ProcessorSharingServer(cores: 1)
        ps.arrive(job: 1, work: .milliseconds(10), at: .zero)
        ps.arrive(job: 2, work: .milliseconds(10), at: .zero + .milliseconds(5))
        XCTAssertEqual(ps.nextCompletionTime, .zero + .milliseconds(15), "job 2 halves job 1's speed from t = 5")
        XCTAssertTrue(ps.remove(job: 2, at: .zero + .milliseconds(1)))
        XCTAssertEqual(ps.nextCompletionTime, .zero + .milliseconds(10))
    }
}

final class ProcessorSharingReferenceTests: XCTestCase {
    /// The server against a direct reference (each job's remaining work advanced at
    /// min(1, c/n) between events) under bursts that queue up to ~150 jobs, with some jobs
    /// cancelled: the same completions in the same order at the same microseconds (the
    /// reference rounds as the server does; 1 µs allowed where float sums round apart).
    func testMatchesDirectReferenceUnderDeepQueues() throws {
        for seed in UInt64(1)...12 {
            let rng = RandomStream(runSeed: seed, name: "ps-reference")
            let cores = [1, 4, 16][Int(seed % 3)]
            // Bursts of arrivals at 3x capacity, then quiet spells: queues grow past 100 jobs.
            var jobs: [(arrival: Int64, work: Int64)] = []
            var t: Int64 = 0
            for i in 0..<1_500 {
                let burst = (i / 150) % 2 == 0
                t += Int64(rng.exponential(mean: burst ? 1_000 / 3 : 4_000))
                jobs.append((t, Int64(rng.exponential(mean: 1_000 * Double(cores))) + 1))
            }
            let cancelled = Set((0..<jobs.count).filter { $0 % 17 == 5 })

            var ps = try ProcessorSharingServer(cores: cores)
            var order: [UInt32] = [], instants: [Int64] = []
            var next = 0, maxJobs = 0, steps = 0
            while next < jobs.count || ps.nextCompletionTime != nil {
                steps += 1
                guard steps < 10 * jobs.count else { return XCTFail("seed \(seed): the server stopped making progress") }
                let completion = ps.nextCompletionTime?.microseconds ?? .max
                if next < jobs.count && jobs[next].arrival < completion {
                    let now = SimTime(microseconds: jobs[next].arrival)
                    ps.arrive(job: UInt32(next), work: .microseconds(jobs[next].work), at: now)
                    // Cancel an earlier job, if still there, when job + 3 arrives.
                    if next >= 3, cancelled.contains(next - 3) { _ = ps.remove(job: UInt32(next - 3), at: now) }
                    maxJobs = max(maxJobs, ps.activeJobs)
                    next += 1
                } else {
                    while let j = ps.popCompleted(at: SimTime(microseconds: completion)) {
                        order.append(j)
                        instants.append(completion)
                    }
                }
            }
            XCTAssertGreaterThan(maxJobs, 60, "seed \(seed): the bursts must queue deeply")

            // Reference: remaining work per job, advanced between events; like the server, a
            // completion happens at the next whole microsecond (the job shares the cores
            // until then), and jobs done by then leave in order of remaining work.
            var active: [(job: Int, left: Double)] = []
            var clock = 0.0
            var refOrder: [UInt32] = [], refInstants: [Double] = []
            var k = 0
            func advance(to time: Double) {
                guard !active.isEmpty else { clock = time; return }
                let rate = min(1, Double(cores) / Double(active.count))
                for i in active.indices { active[i].left -= (time - clock) * rate }
                clock = time
            }
            while k < jobs.count || !active.isEmpty {
                let rate = active.isEmpty ? 1 : min(1, Double(cores) / Double(active.count))
                let least = active.map(\.left).min()
                let done = least.map { (clock + max(0, $0) / rate).rounded(.up) } ?? .infinity
                if k < jobs.count && Double(jobs[k].arrival) < done {
                    advance(to: Double(jobs[k].arrival))
                    active.append((k, Double(jobs[k].work)))
                    if k >= 3, cancelled.contains(k - 3) { active.removeAll { $0.job == k - 3 } }
                    k += 1
                } else {
                    advance(to: done)
                    let finished = active.filter { $0.left <= 1e-6 }.sorted { ($0.left, $0.job) < ($1.left, $1.job) }
                    active.removeAll { $0.left <= 1e-6 }
                    refOrder += finished.map { UInt32($0.job) }
                    refInstants += finished.map { _ in done }
                }
            }
            XCTAssertEqual(order, refOrder, "seed \(seed): completion order")
            let worst = zip(instants, refInstants).map { abs(Double($0) - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1, "seed \(seed): completion instants (µs)")
        }
    }
}
