import Advisor
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
        SizingRules.Context(kind: kind, dataBytes: gb * 1e9, singleNode: single, horizonWorkers: horizonWorkers, coordinator: coordinator ?? compute8)
    }

    func testMultiTenantShardCountFollowsDataSize() {
        XCTAssertEqual(SizingRules.suggestedShardCounts(kind: .multiTenant, dataBytes: 50e9, workerCores: 64), [32])
        XCTAssertEqual(SizingRules.suggestedShardCounts(kind: .multiTenant, dataBytes: 600e9, workerCores: 64), [64, 128])
        XCTAssertEqual(SizingRules.shardCount(candidate(4, general8, shards: 32), context()).verdict, .pass)
        XCTAssertEqual(SizingRules.shardCount(candidate(4, general8, shards: 128), context(gb: 600)).verdict, .pass)
        XCTAssertEqual(SizingRules.shardCount(candidate(4, general8, shards: 16), context()).verdict, .fail)
        XCTAssertEqual(SizingRules.shardCount(candidate(4, general8, shards: 256), context(gb: 600)).verdict, .fail)
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
        let over = SizingRules.connectionBudget(candidate(8, general8, shards: 64, maxConnections: 500), concurrent: 400)
        XCTAssertEqual(over.verdict, .fail)
        XCTAssertTrue(over.rejects)
        XCTAssertEqual(over.detail, "64 shards x 400 concurrent queries = 25,600 connections > 8 workers x 500")
        // 32 x 100 = 3,200 <= 8 x 500 = 4,000.
        XCTAssertEqual(SizingRules.connectionBudget(candidate(8, general8, shards: 32), concurrent: 100).verdict, .pass)
        XCTAssertEqual(SizingRules.connectionBudget(candidate(8, general8, shards: 32), concurrent: 0).verdict, .notApplicable)
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
