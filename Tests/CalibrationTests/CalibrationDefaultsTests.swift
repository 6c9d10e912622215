import Calibration
import Simulation
import TestSupport
import XCTest

/// The shipped move-cost defaults (`OperationsSpec`) against `citus-sim calibrate Lab/measured`.
final class CalibrationDefaultsTests: XCTestCase {
    /// The shipped move-cost defaults are the fit of the committed measurements: refit them,
    /// so a new measurement or a changed default that no longer matches fails here.
    func testShippedDefaultsAreTheFitOfTheCommittedMeasurements() throws {
        let fit = try CostCalibration.fit(try LabMeasurements.load([Fixtures.labMeasured]))
        let spec = OperationsSpec()
        func fitted(_ key: String) throws -> Double { try XCTUnwrap(fit.value(key), "\(key) was not fitted") }
        XCTAssertEqual(spec.copyBytesPerCoreSecond / 1_048_576, try fitted("copy_mib_per_core_second"), accuracy: 0.05)
        // Durations are shipped rounded to 0.1 ms.
        XCTAssertEqual(spec.blockingOverhead.seconds, try fitted("blocking_move_overhead"), accuracy: 0.00006)
        XCTAssertEqual(spec.logicalOverhead.seconds, try fitted("logical_move_overhead"), accuracy: 0.00006)
        XCTAssertEqual(spec.separateTransactionMoveOverhead.blockWrites.seconds, try fitted("separate_transaction_move_overhead"), accuracy: 0.00006)
        XCTAssertEqual(spec.separateTransactionMoveOverhead.logical.seconds, try fitted("separate_transaction_logical_move_overhead"), accuracy: 0.00006)
        XCTAssertEqual(spec.backgroundTaskOverhead.blockWrites.seconds, try fitted("background_task_overhead"), accuracy: 0.00006)
        XCTAssertEqual(spec.backgroundTaskOverhead.logical.seconds, try fitted("background_task_logical_overhead"), accuracy: 0.00006)
        XCTAssertEqual(spec.schemaUndistributeCPUShare, try fitted("schema_undistribute_cpu_share"), accuracy: 0.00006)
        XCTAssertEqual(spec.schemaDistributeCPUShare, try fitted("schema_distribute_cpu_share"), accuracy: 0.00006)
        for p in fit.parameters {
            XCTAssertTrue(p.low <= p.value && p.value <= p.high, "\(p.key): \(p.value) outside its interval \(p.low)…\(p.high)")
        }
    }}
