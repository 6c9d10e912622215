import SimCore
import XCTest

final class LinearFitTests: XCTestCase {
    /// A line through known points is found exactly; noise widens the interval around the truth.
    func testFitsALineAndItsInterval() throws {
        let exact = try LinearFit([(1, 5), (2, 7), (3, 9), (4, 11)])
        XCTAssertEqual(exact.slope.mean, 2, accuracy: 1e-12)
        XCTAssertEqual(exact.intercept.mean, 3, accuracy: 1e-12)
        XCTAssertEqual(exact.slope.halfWidth, 0, accuracy: 1e-9)
        let noisy = try LinearFit([(1, 5.3), (2, 6.8), (3, 9.2), (4, 10.7), (5, 13.1)])
        XCTAssertTrue(noisy.slope.lower < 2 && 2 < noisy.slope.upper, "the true slope lies in the 95% interval")
        XCTAssertGreaterThan(noisy.slope.halfWidth, 0)
    }

    func testRefusesTooFewOrDegeneratePoints() {
        XCTAssertThrowsError(try LinearFit([(1, 1), (2, 2)]))
        XCTAssertThrowsError(try LinearFit([(1, 1), (1, 2), (1, 3)]))
        XCTAssertThrowsError(try LinearFit([(1, 1), (2, .nan), (3, 3)]))
    }
}
