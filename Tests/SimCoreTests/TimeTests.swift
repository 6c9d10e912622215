import SimCore
import XCTest

final class TimeTests: XCTestCase {
    func testClockFormat() {
        XCTAssertEqual(SimTime.zero.description, "+00:00:00.000")
        XCTAssertEqual((SimTime.zero + .hours(26) + .minutes(3) + .seconds(4) + .milliseconds(56)).description, "+26:03:04.056")
        XCTAssertEqual(SimDuration.microseconds(-1_500).description, "-00:00:00.001")
    }

    func testInstantAndDurationArithmetic() {
        let t = SimTime.zero + .seconds(2)
        XCTAssertEqual((t + .milliseconds(500)) - t, .milliseconds(500))
        XCTAssertEqual(SimDuration(seconds: 0.0000015).microseconds, 2, "rounds to the nearest microsecond")
        XCTAssertEqual(SimDuration(seconds: 1.25), .milliseconds(1_250))
        XCTAssertEqual((t - .seconds(1)).seconds, 1.0)
    }
}
