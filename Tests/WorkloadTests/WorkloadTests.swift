import SimCore
import Workload
import XCTest

final class WorkloadTests: XCTestCase {
    /// Chi-square goodness of fit of `draws` samples against `expected` probabilities
    /// (bins with expected count < 5 are pooled); returns (statistic, degrees of freedom).
    func chiSquare(_ counts: [Int], _ expected: [Double], draws: Int) -> (Double, Int) {
        var stat = 0.0, dof = -1
        var pooledObserved = 0.0, pooledExpected = 0.0
        for (c, p) in zip(counts, expected) {
            let e = p * Double(draws)
            if e < 5 { pooledObserved += Double(c); pooledExpected += e; continue }
            stat += (Double(c) - e) * (Double(c) - e) / e
            dof += 1
        }
        if pooledExpected > 0 { stat += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected; dof += 1 }
        return (stat, dof)
    }

    /// The alias sampler reproduces the exact Zipf law for s below, at and above 1 (χ² test,
    /// 99.9% critical value), and keeps rank 1 the most frequent.
    func testZipfSamplerIsExactForAnyExponent() throws {
        for s in [0.0, 0.6, 0.99, 1.0, 1.2, 2.0] {
            let n = 1_000, draws = 400_000
            let zipf = try ZipfSampler(count: n, exponent: s)
            let stream = RandomStream(runSeed: 5, name: "zipf-\(s)")
            var counts = [Int](repeating: 0, count: n)
            for _ in 0..<draws { counts[zipf.sample(stream) - 1] += 1 }
            let (stat, dof) = chiSquare(counts, ZipfSampler.weights(count: n, exponent: s), draws: draws)
            // Wilson–Hilferty approximation of the chi-square 99.9% quantile.
            let k = Double(dof), z = 3.09
            let critical = k * pow(1 - 2 / (9 * k) + z * (2 / (9 * k)).squareRoot(), 3)
            XCTAssertLessThan(stat, critical, "s = \(s): χ² \(stat) with \(dof) dof")
            if s > 0 { XCTAssertEqual(counts.firstIndex(of: counts.max()!), 0, "s = \(s): rank 1 most frequent") }
        }
        XCTAssertThrowsError(try ZipfSampler(count: 0, exponent: 1))
        XCTAssertThrowsError(try ZipfSampler(count: 10, exponent: -1))
    }

    func testZipfWeightsMatchTheGeneralisedHarmonicNumber() throws {
        let w = ZipfSampler.weights(count: 100_000, exponent: 0.8)
        XCTAssertEqual(w.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(w[0], 1 / (try SpecialFunctions.generalizedHarmonic(n: 100_000, s: 0.8)), accuracy: 1e-12)
    }

    func testTenantPopulationWithLargestTenantsFixed() throws {
        let pop = try TenantPopulation(count: 1_000, totalBytes: 1e12, sizeExponent: 1.1, activityExponent: 0.9,
                                       overrides: [.init(rank: 1, sizeBytes: 2e11, activityShare: 0.3)])
        XCTAssertEqual(pop.sizeBytes[0], 2e11)
        XCTAssertEqual(pop.totalBytes, 1e12, accuracy: 1)
        XCTAssertEqual(pop.activity[0], 0.3)
        XCTAssertEqual(pop.activity.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertGreaterThan(pop.sizeBytes[1], pop.sizeBytes[2])
        let stream = RandomStream(runSeed: 1, name: "t")
        var first = 0
        for _ in 0..<100_000 where pop.sampleByActivity(stream) == 1 { first += 1 }
        XCTAssertEqual(Double(first) / 100_000, 0.3, accuracy: 0.005)
        XCTAssertThrowsError(try TenantPopulation(count: 10, totalBytes: 1, sizeExponent: 1, activityExponent: 1, overrides: [.init(rank: 11)]))
        XCTAssertThrowsError(try TenantPopulation(count: 10, totalBytes: 1, sizeExponent: 1, activityExponent: 1,
                                                  overrides: [.init(rank: 1, activityShare: 0.7), .init(rank: 2, activityShare: 0.4)]))
    }

    func testRateCurves() throws {
        let t = { (s: Int64) in SimTime.zero + .seconds(s) }
        XCTAssertEqual(RateCurve.step(before: 10, after: 30, at: .seconds(60)).rate(at: t(59)), 10)
        XCTAssertEqual(RateCurve.step(before: 10, after: 30, at: .seconds(60)).rate(at: t(60)), 30)
        XCTAssertEqual(RateCurve.ramp(from: 0, to: 100, start: .seconds(10), end: .seconds(20)).rate(at: t(15)), 50)
        let d = RateCurve.diurnal(mean: 100, amplitude: 0.5, period: .hours(24), peakAt: .hours(14))
        XCTAssertEqual(d.rate(at: t(14 * 3600)), 150, accuracy: 1e-9)
        XCTAssertEqual(d.rate(at: t(2 * 3600)), 50, accuracy: 1e-9)
        XCTAssertEqual(d.maximum, 150)
        XCTAssertThrowsError(try RateCurve.diurnal(mean: 1, amplitude: 2, period: .hours(1), peakAt: .zero).validated())
        XCTAssertThrowsError(try RateCurve.constant(-1).validated())
    }
}
