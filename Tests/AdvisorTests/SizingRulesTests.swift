import Advisor
import TextFormat
import XCTest

/// One test per documented rule: the cases the Citus docs state, on both sides of each limit.
final class SizingRulesTests: XCTestCase {
    let general8 = DefaultCatalog.types.first { $0.name == "general-8" }!
    let general16 = DefaultCatalog.types.first { $0.name == "general-16" }!
    let compute8 = DefaultCatalog.types.first { $0.name == "compute-8" }!

    func candidate(_ workers: Int, _ type: InstanceType, shards: Int, maxConnections: Int = 500) -> Candidate {
        Candidate(shardCount: shards, workers: workers, instance: type, poolSize: 16, sharedPoolSize: 0, maxConnections: maxConnections,
                  costPerHour: Double(workers) * type.pricePerHour)
    }

    func context(_ kind: AdvisorSpec.WorkloadKind = .multiTenant, gb: Double = 50, single: AdvisorSpec.SingleNode? = nil,
                 horizonWorkers: Int = 0, coordinator: InstanceType? = nil) -> SizingRules.Context {
        SizingRules.Context(kind: kind, dataBytes: gb * 1e9, singleNode: single, horizonWorkers: horizonWorkers, coordinator: CoordinatorSetup(instance: coordinator ?? compute8, count: 1))
    }

    func testMultiTenantShardCountFollowsDataSize() {
        XCTAssertEqual(SizingRules.suggestedShardCounts(kind: .multiTenant, dataBytes: 50e9, workerCores: 64), [32])
        XCTAssertEqual(SizingRules.suggestedShardCounts(kind: .multiTenant, dataBytes: 600e9, workerCores: 64), [64, 128])
        XCTAssertEqual(SizingRules.shardCount(candidate(4, general8, shards: 32), context()).verdict, .pass)
        XCTAssertEqual(SizingRules.shardCount(candidate(4, general8, shards: 128), context(gb: 600)).verdict, .pass)
        XCTAssertEqual(SizingRules.shardCount(candidate(4, general8, shards: 16), context()).verdict, .fail)
        XCTAssertEqual(SizingRules.shardCount(candidate(4, general8, shards: 256), context(gb: 600)).verdict, .fail)
        // Issue 23: 32 shards for 301 GB is not what the rule suggests, so it does not pass.
        let big = SizingRules.shardCount(candidate(4, general8, shards: 32), context(gb: 301))
        XCTAssertEqual(big.verdict, .fail, big.detail)
        XCTAssertEqual(big.detail, "32 shards for 301 GB of data (64 or 128 suggested above 100 GB)")
    }

    func testRealTimeShardCountIsTwoToFourTimesCores() {
        // 8 workers x 16 cores = 128 cores: 256 to 512 shards.
        XCTAssertEqual(SizingRules.suggestedShardCounts(kind: .realTimeAnalytics, dataBytes: 1e12, workerCores: 128), [256, 512])
        let ctx = context(.realTimeAnalytics)
        XCTAssertEqual(SizingRules.shardCount(candidate(8, general16, shards: 384), ctx).verdict, .pass)
        XCTAssertEqual(SizingRules.shardCount(candidate(8, general16, shards: 128), ctx).verdict, .fail)
        XCTAssertEqual(SizingRules.shardCount(candidate(8, general16, shards: 1024), ctx).verdict, .fail)
    }

    func testConnectionBudgetWithTheDocsArithmetic() {
        let over = SizingRules.connectionBudget(candidate(8, general8, shards: 64, maxConnections: 500), expected: 400, bound: 400)
        XCTAssertEqual(over.verdict, .fail)
        XCTAssertTrue(over.rejects)
        XCTAssertEqual(over.detail, "64 shards x 400 concurrent multi-shard queries (expected: rate x no-queue latency) = 25,600 connections > 8 workers x 500 = 4,000")
        // 32 x 100 = 3,200 <= 8 x 500 = 4,000.
        XCTAssertEqual(SizingRules.connectionBudget(candidate(8, general8, shards: 32), expected: 100, bound: 100).verdict, .pass)
        XCTAssertEqual(SizingRules.connectionBudget(candidate(8, general8, shards: 32), expected: 0, bound: 0).verdict, .notApplicable)
    }

    /// Issue 23: only the expected concurrency of multi-shard queries rejects a candidate; a
    /// bound taken from the latency target (or the sessions) that exceeds the budget is said,
    /// with its figures, and left to the simulation.
    func testConnectionBudgetRejectsOnlyOnTheExpectedConcurrency() {
        let c = candidate(4, general8, shards: 32, maxConnections: 1_000)
        let check = SizingRules.connectionBudget(c, expected: 7, bound: 200)
        XCTAssertEqual(check.verdict, .pass)
        XCTAssertFalse(check.rejects)
        XCTAssertTrue(check.detail.contains("32 shards x 7 concurrent multi-shard queries"), check.detail)
        XCTAssertTrue(check.detail.contains("it would need 6,400: only a bound, so the simulation decides"), check.detail)
    }

    /// Issue 23: the DBA's case, 200 sessions, 10% of 3,000 queries/s multi-shard at a few ms
    /// each: the expected concurrency is a handful, not the 200 sessions, and the candidate is
    /// simulated.
    func testExpectedMultiShardConcurrencyComesFromTheWorkload() throws {
        let yaml = AdvisorSearchTests.yaml(slo: "p99_ms: {lookup: 12.5}", advisor: "").replacingOccurrences(of: "rate_per_second: 400, sessions: 40", with: "rate_per_second: 3000, sessions: 200")
            .replacingOccurrences(of: "share: 0.98", with: "share: 0.9").replacingOccurrences(of: "share: 0.02", with: "share: 0.1")
        let (s, spec) = try AdvisorSearchTests.load(yaml)
        let advisor = try Advisor(base: s, spec: spec, threads: 1)
        let c = Candidate(shardCount: 32, workers: 4, instance: general8, poolSize: 16, sharedPoolSize: 0, maxConnections: 1_000, costPerHour: 1)
        let screened = try advisor.screen(c, id: 1).outcome
        let load = try XCTUnwrap(screened.load)
        // 300 fan-outs/s x (1 ms plan + 2 ms on each worker's 8 shards over 16 connections + 0.5 ms) ~ 1 in flight;
        // without a target for the fan-outs the bound is the 200 sessions.
        XCTAssertLessThan(load.expectedMultiShard, 10)
        XCTAssertEqual(load.concurrentMultiShard, 200)
        let rule = try XCTUnwrap(screened.rules.first { $0.id == "connection-budget" })
        XCTAssertEqual(rule.verdict, .pass, rule.detail)
        XCTAssertTrue(rule.detail.contains("at the latency target's concurrency (200 queries) it would need 6,400: only a bound"), rule.detail)
        XCTAssertNotEqual(screened.rejectedBy, .rule, screened.rejection ?? "")
    }

    func testMigrationFromOneNodeNeedsAtLeastItsCoresAndMemory() {
        // One 32-core, 128 GiB server: 4 x general-8 (32 cores, 128 GiB) matches; 3 do not.
        let single = AdvisorSpec.SingleNode(cores: 32, memoryGiB: 128)
        XCTAssertEqual(SizingRules.singleNodeMigration(candidate(4, general8, shards: 32), context(single: single)).verdict, .pass)
        XCTAssertEqual(SizingRules.singleNodeMigration(candidate(3, general8, shards: 32), context(single: single)).verdict, .fail)
        XCTAssertEqual(SizingRules.singleNodeMigration(candidate(3, general8, shards: 32), context()).verdict, .notApplicable)
    }

    func testRealTimeCoresScaleWithTheLatencyRatio() {
        // 16 cores at 800 ms, 200 ms wanted: 64 cores.
        let single = AdvisorSpec.SingleNode(cores: 16, memoryGiB: 64, latencyMs: 800, targetLatencyMs: 200)
        let ok = SizingRules.realTimeCores(candidate(4, general16, shards: 128), context(single: single))
        XCTAssertEqual(ok.verdict, .pass)
        XCTAssertTrue(ok.detail.hasSuffix("= 64 needed"), ok.detail)
        XCTAssertEqual(SizingRules.realTimeCores(candidate(3, general16, shards: 128), context(single: single)).verdict, .fail)
    }

    func testShardCountLeavesRoomForThePlannedWorkers() {
        XCTAssertEqual(SizingRules.roomToScale(candidate(8, general8, shards: 32), context(horizonWorkers: 40)).verdict, .fail)
        XCTAssertEqual(SizingRules.roomToScale(candidate(8, general8, shards: 64), context(horizonWorkers: 40)).verdict, .pass)
    }

    func testCoordinatorSmallerAndComputeOptimised() {
        XCTAssertEqual(SizingRules.coordinatorSize(candidate(4, general16, shards: 32), context()).verdict, .pass)
        let big = DefaultCatalog.types.first { $0.name == "general-32" }!
        XCTAssertEqual(SizingRules.coordinatorSize(candidate(4, general8, shards: 32), context(coordinator: big)).verdict, .fail)
    }

    func testNumberFormattingIsFixed() {
        XCTAssertEqual(SizingRules.grouped(25_600), "25,600")
        XCTAssertEqual(SizingRules.grouped(999), "999")
        XCTAssertEqual(SizingRules.grouped(-1_000_000), "-1,000,000")
        XCTAssertEqual(SizingRules.fixed(3.14159, 2), "3.14")
        XCTAssertEqual(SizingRules.fixed(-0.05, 1), "-0.1")
        XCTAssertEqual(SizingRules.fixed(2.0, 0), "2")
        XCTAssertEqual(SizingRules.fixed(0.004, 3), "0.004")
    }
}

/// Issue 20, item 5: a worker's disk must hold its data at the horizon plus the largest shard
/// group's move or split, with Citus's 10% kept free.
final class DiskSpaceRuleTests: XCTestCase {
    let gib = 1_073_741_824.0

    func check(growth: Double, disks: [Double] = [100, 100]) -> RuleCheck {
        let type = DefaultCatalog.types.first { $0.name == "general-8" }!
        let c = Candidate(shardCount: 32, workers: 2, instance: type, poolSize: 16, sharedPoolSize: 0, maxConnections: 500, costPerHour: 1)
        var load = AnalyticLoad(rate: 1, workerCPU: [0, 0], coordinatorCPU: 0, workerDiskReads: [0, 0], workerDisk: [0, 0], workingSetBytes: [0, 0],
                                cacheBytes: 0, concurrentMultiShard: 0, expectedMultiShard: 0)
        load.setStorage(workerDataBytes: [40 * gib, 50 * gib], largestGroupBytes: 10 * gib, workerDiskBytes: disks.map { $0 * gib })
        let ctx = SizingRules.Context(kind: .multiTenant, dataBytes: 90 * gib, singleNode: nil, horizonWorkers: 2,
                                      coordinator: CoordinatorSetup(instance: DefaultCatalog.types.first { $0.name == "compute-8" }!, count: 1), dataGrowth: growth)
        return SizingRules.diskSpace(c, ctx, load)
    }

    func testDataAtTheHorizonPlusTheLargestGroupMustFitInNinetyPercent() {
        // 50 + 10 = 60 of 90 usable.
        XCTAssertEqual(check(growth: 1).verdict, .pass)
        // 75 + 15 = 90 of 90: exactly at the limit still fits.
        XCTAssertEqual(check(growth: 1.5).verdict, .pass)
        // 80 + 16 = 96 > 90: rejected, with the figures.
        let miss = check(growth: 1.6)
        XCTAssertEqual(miss.verdict, .fail)
        XCTAssertTrue(miss.rejects)
        XCTAssertEqual(miss.detail, "worker-2 holds 50.0 GiB today, 80.0 GiB at the horizon (data ×1.60); + 16.0 GiB for the largest shard group's move or split = 96.0 GiB > 90.0 GiB usable (100 GiB disk, 10% kept free)")
        // The tightest worker is judged against its own disk: a small disk on the emptier one.
        let small = check(growth: 1, disks: [55, 100])
        XCTAssertEqual(small.verdict, .fail)
        XCTAssertTrue(small.detail.hasPrefix("worker-1 holds 40.0 GiB today; + 10.0 GiB"), small.detail)
    }
}
