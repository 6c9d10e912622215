import SimCore
import XCTest

final class RandomTests: XCTestCase {
    func testFNV1aKnownValues() {
        // Published FNV-1a 64 test vectors.
        XCTAssertEqual(StableHash.fnv1a("".utf8), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(StableHash.fnv1a("a".utf8), 0xaf63_dc4c_8601_ec8c)
        XCTAssertEqual(StableHash.fnv1a("foobar".utf8), 0x8594_4171_f739_67e8)
    }

    func testStreamsAreReproducibleAndIndependentByName() {
        let a1 = RandomStream(runSeed: 42, name: "arrivals"), a2 = RandomStream(runSeed: 42, name: "arrivals")
        let b = RandomStream(runSeed: 42, name: "service"), c = RandomStream(runSeed: 43, name: "arrivals")
        let x1 = (0..<100).map { _ in a1.uniform() }, x2 = (0..<100).map { _ in a2.uniform() }
        XCTAssertEqual(x1, x2)
        XCTAssertNotEqual(x1, (0..<100).map { _ in b.uniform() })
        XCTAssertNotEqual(x1, (0..<100).map { _ in c.uniform() })
        // Pinned: the first draw for (seed 1, "arrivals") must not change between releases,
        // or every published result would shift.
        XCTAssertEqual(StableHash.streamSeed(runSeed: 1, name: "arrivals"), StableHash.fnv1a("arrivals".utf8, state: StableHash.fnv1a(1)))
    }

    /// Each distribution's sample mean lies inside a 99.9% interval around its analytic mean.
    func testDistributionMeans() throws {
        let cases: [(String, Distribution)] = [
            ("exponential", .exponential(mean: 2)),
            ("lognormal", try .lognormal(mean: 3, cv: 0.5)),
            ("gamma", try .gamma(mean: 5, cv: 0.7)),
            ("pareto", .pareto(shape: 3.5, scale: 1)),
            ("weibull", .weibull(shape: 1.5, scale: 2)),
            ("uniform", .uniform(low: 1, high: 3)),
        ]
        for (name, d) in cases {
            let stream = RandomStream(runSeed: 7, name: name)
            let n = 200_000
            var sum = 0.0
            for _ in 0..<n { sum += d.sample(stream) }
            let mean = sum / Double(n)
            let se = d.mean * d.cv / Double(n).squareRoot()
            XCTAssertEqual(mean, d.mean, accuracy: 3.3 * se, "\(name)")
        }
        XCTAssertEqual(try Distribution.lognormal(mean: 3, cv: 2).cv, 2, accuracy: 1e-12)
        XCTAssertEqual(try Distribution.gamma(mean: 3, cv: 2).cv, 2, accuracy: 1e-12)
    }

    func testInvalidDistributionParametersAreNamed() {
        XCTAssertThrowsError(try Distribution.lognormal(mean: .nan, cv: 1)) { error in
            XCTAssertEqual((error as? ParameterError)?.parameter, "lognormal.mean")
        }
        XCTAssertThrowsError(try Distribution.exponential(mean: -1).validated("query.service")) { error in
            XCTAssertEqual((error as? ParameterError)?.description, "invalid query.service.mean: -1.0; expected a finite number > 0")
        }
        XCTAssertThrowsError(try Distribution.uniform(low: 3, high: 1).validated())
    }

    func testSpecialFunctions() throws {
        XCTAssertEqual(try SpecialFunctions.hurwitzZeta(s: 2, q: 1), Double.pi * Double.pi / 6, accuracy: 1e-13)
        XCTAssertEqual(try SpecialFunctions.studentTQuantile(0.975, degreesOfFreedom: 9), 2.262_157_162_7, accuracy: 1e-9)
        // H(n, s) by zeta (s > 1) and by Euler–Maclaurin (s <= 1) against a direct sum.
        for s in [0.0, 0.6, 1.0, 1.3] {
            let n = 1_500_000
            var direct = 0.0
            for k in stride(from: n, through: 1, by: -1) { direct += pow(Double(k), -s) }
            XCTAssertEqual(try SpecialFunctions.generalizedHarmonic(n: n, s: s), direct, accuracy: direct * 1e-11, "s = \(s)")
        }
        XCTAssertThrowsError(try SpecialFunctions.hurwitzZeta(s: 1, q: 1))
    }

    func testScaledDistributionKeepsShapeAndScalesTheMean() throws {
        let shapes: [Distribution] = [.constant(2), .exponential(mean: 2), try .lognormal(mean: 2, cv: 1.5), try .gamma(mean: 2, cv: 0.5),
                                      .pareto(shape: 3, scale: 1), .weibull(shape: 1.5, scale: 2), .uniform(low: 1, high: 3)]
        for d in shapes {
            let s = d.scaled(by: 0.25)
            XCTAssertEqual(s.mean, d.mean * 0.25, accuracy: d.mean * 1e-12, "\(d)")
            XCTAssertEqual(s.cv, d.cv, accuracy: 1e-9, "\(d)")
        }
    }
}
