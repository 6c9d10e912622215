import ParallelRuns
import QueueingModels
import SimCore
import XCTest

/// The kernel's resources against closed-form queueing results.
///
/// Each check runs independent replications (seeds from the "replications" stream of a
/// fixed base seed), asks that the 95% confidence interval be narrower than the
/// tolerance (so the comparison means something), that the estimate be within the
/// tolerance of the exact value, and that the exact value lie inside the 99% interval
/// (no bias the replications can see).
final class QueueingTheoryTests: XCTestCase {
    private func estimate(_ config: StationConfig, metric: String, replications: Int, seed: UInt64 = 2026) throws -> (ConfidenceInterval, ConfidenceInterval) {
        let reps = try Replications(baseSeed: seed, count: replications)
        let runs = reps.run(threads: 2) { _, seed in (try? StationRun.run(config, seed: seed).metrics) ?? [] }
        XCTAssertFalse(runs.contains { $0.isEmpty }, "a replication failed to run")
        let values = runs.map { $0.first { $0.name == metric }!.value }
        return (try ConfidenceInterval(samples: values, level: 0.95), try ConfidenceInterval(samples: values, level: 0.99))
    }

    private func assertMatches(_ ci95: ConfidenceInterval, _ ci99: ConfidenceInterval, exact: Double, tolerance: Double, _ what: String) {
        print("\(what): estimate \(ci95.mean) ± \(ci95.halfWidth) (95%), exact \(exact)")
        XCTAssertLessThan(ci95.halfWidth, tolerance * exact, "\(what): interval too wide for the claim; add replications")
        XCTAssertLessThan(abs(ci95.mean - exact), tolerance * exact, "\(what): estimate \(ci95.mean) vs exact \(exact)")
        XCTAssertTrue(ci99.contains(exact), "\(what): exact \(exact) outside 99% interval [\(ci99.lower), \(ci99.upper)]")
    }

    /// M/M/4 at rho 0.8: mean response within 2% of the Erlang C formula.
    func testMMcFCFSMatchesErlangC() throws {
        let config = StationConfig(discipline: .fcfs, servers: 4, arrivalRatePerSecond: 320, service: .exponential(mean: 0.01),
                                   customers: 60_000, warmupCustomers: 2_000)
        let exact = config.exactMeanResponseSeconds! * 1e3
        XCTAssertEqual(exact, 17.4553, accuracy: 1e-3, "Erlang C: C(4, 3.2) = 0.5964, W = C/(4μ−λ) + 1/μ")
        let (ci95, ci99) = try estimate(config, metric: "response_latency_mean_ms", replications: 30)
        assertMatches(ci95, ci99, exact: exact, tolerance: 0.02, "M/M/4 FCFS")
    }

    /// M/M/4 processor sharing at rho 0.8: same mean response as FCFS (same birth-death chain).
    func testMMcProcessorSharingMatchesErlangC() throws {
        let config = StationConfig(discipline: .processorSharing, servers: 4, arrivalRatePerSecond: 320, service: .exponential(mean: 0.01),
                                   customers: 60_000, warmupCustomers: 2_000)
        let (ci95, ci99) = try estimate(config, metric: "response_latency_mean_ms", replications: 30)
        assertMatches(ci95, ci99, exact: config.exactMeanResponseSeconds! * 1e3, tolerance: 0.02, "M/M/4 PS")
    }

    /// M/G/1-PS with lognormal service of CV 2 at rho 0.7: E[T] = E[S]/(1−rho), insensitive
    /// to the service distribution.
    func testMG1ProcessorSharingInsensitivity() throws {
        let config = StationConfig(discipline: .processorSharing, servers: 1, arrivalRatePerSecond: 70,
                                   service: try .lognormal(mean: 0.01, cv: 2), customers: 60_000, warmupCustomers: 2_000)
        let exact = config.exactMeanResponseSeconds! * 1e3
        XCTAssertEqual(exact, 10 / 0.3, accuracy: 1e-9)
        let (ci95, ci99) = try estimate(config, metric: "response_latency_mean_ms", replications: 30)
        assertMatches(ci95, ci99, exact: exact, tolerance: 0.03, "M/G/1-PS lognormal CV 2")
    }

    /// M/M/c/c with a token pool of c = 10 offered 8 erlangs: blocking per Erlang B.
    func testTokenPoolMatchesErlangB() throws {
        let config = StationConfig(discipline: .loss, servers: 10, arrivalRatePerSecond: 800, service: .exponential(mean: 0.01),
                                   customers: 60_000, warmupCustomers: 1_000)
        let exact = config.exactBlockingProbability!
        XCTAssertEqual(exact, 0.12166, accuracy: 1e-5, "Erlang B(10, 8)")
        let (ci95, ci99) = try estimate(config, metric: "blocking_probability", replications: 20)
        assertMatches(ci95, ci99, exact: exact, tolerance: 0.02, "M/M/10/10 blocking")
    }
}
