import QueueingModels
import SimCore
import XCTest

final class DeterminismTests: XCTestCase {
    /// The engine and the hand-written baseline handle the same events in the same order:
    /// same count, same checksum of event times (for several seeds).
    func testEngineOrdersHoldModelExactlyLikeBaseline() {
        for seed in UInt64(1)...5 {
            let engine = HoldModel.run(seed: seed, pending: 100, events: 50_000)
            let baseline = BaselineHold.run(seed: seed, pending: 100, events: 50_000)
            XCTAssertEqual(engine.0, 50_000, "seed \(seed)")
            XCTAssertEqual(engine.0, baseline.0, "seed \(seed)")
            XCTAssertEqual(engine.1, baseline.1, "seed \(seed): event order differs from the baseline")
        }
    }

    func testSameSeedSameResultsDifferentSeedDifferentResults() throws {
        let config = StationConfig(discipline: .processorSharing, servers: 2, arrivalRatePerSecond: 150,
                                   service: try .lognormal(mean: 0.01, cv: 1.5), customers: 5_000, warmupCustomers: 100)
        let a = try StationRun.run(config, seed: 11), b = try StationRun.run(config, seed: 11), c = try StationRun.run(config, seed: 12)
        XCTAssertEqual(a.metrics, b.metrics)
        XCTAssertEqual(a.events, b.events)
        XCTAssertEqual(a.simulatedTime, b.simulatedTime)
        XCTAssertNotEqual(a.metrics, c.metrics)
    }

    func testInvalidStationParametersAreNamed() {
        let bad = StationConfig(discipline: .fcfs, servers: 0, arrivalRatePerSecond: .nan, service: .exponential(mean: 1), customers: 10, warmupCustomers: 0)
        XCTAssertThrowsError(try StationRun.run(bad, seed: 1)) { error in
            XCTAssertEqual((error as? ParameterError)?.parameter, "station.servers")
        }
        var nanRate = bad
        nanRate.servers = 1
        XCTAssertThrowsError(try StationRun.run(nanRate, seed: 1)) { error in
            XCTAssertEqual((error as? ParameterError)?.parameter, "station.arrival_rate_per_second")
        }
    }
}
