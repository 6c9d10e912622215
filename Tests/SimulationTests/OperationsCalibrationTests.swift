import Simulation
import TestSupport
import XCTest

/// The move-cost defaults of `OperationsSpec` are fitted to Citus 13.2 measurements
/// (Tests/Fixtures/citus/measured/single_moves.json): refit them here, so a changed default
/// or a changed model constant that no longer matches the measurements fails.
final class OperationsCalibrationTests: XCTestCase {
    func testDefaultsMatchTheMeasuredMoves() throws {
        let moves = try Fixtures.json("measured/single_moves.json").dicts("single_moves")
        func points(_ mode: String) -> [(bytes: Double, seconds: Double)] {
            moves.filter { $0.string("mode") == mode }.map { (Double($0.int64("bytes_before_on_source")!), ($0["wall_s"] as! NSNumber).doubleValue) }
        }
        let blocking = points("block_writes"), logical = points("force_logical")
        XCTAssertEqual(blocking.count, 14)
        XCTAssertEqual(logical.count, 14)
        // Least squares: seconds = intercept + bytes / rate.
        let n = Double(blocking.count)
        let mx = blocking.reduce(0) { $0 + $1.bytes } / n, my = blocking.reduce(0) { $0 + $1.seconds } / n
        let slope = blocking.reduce(0) { $0 + ($1.bytes - mx) * ($1.seconds - my) } / blocking.reduce(0) { $0 + ($1.bytes - mx) * ($1.bytes - mx) }
        let intercept = my - slope * mx
        let spec = OperationsSpec()
        XCTAssertEqual(spec.copyBytesPerCoreSecond, 1 / slope, accuracy: 0.01 / slope, "copy rate within 1% of the fit")
        XCTAssertEqual(spec.blockingOverhead.seconds, max(0, intercept), accuracy: 0.05)
        // Logical moves: the median overhead beyond the copy is the set-up plus three 1 s
        // catch-up polls in the model.
        let overheads = logical.map { $0.seconds - $0.bytes * slope }.sorted()
        let median = (overheads[6] + overheads[7]) / 2
        XCTAssertEqual(spec.logicalOverhead.seconds + 3, median, accuracy: 0.05)
    }
}
