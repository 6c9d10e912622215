import Calibration
import Foundation
import Simulation
import TestSupport
import XCTest

/// The shipped move-cost defaults (`OperationsSpec`) against `citus-sim calibrate Lab/measured`,
/// and the executor's (`ClusterSpec`) against `validate-model`'s fit.
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
    }

    /// The executor's defaults are the costs `validate-model` fits on the lab (costs.yaml's
    /// `cluster:` section, which CI regenerates from Lab/measured): a refit that moves them, or
    /// a default changed by hand, fails here.
    func testExecutorDefaultsAreTheValidationFit() throws {
        let text = try String(contentsOfFile: Fixtures.validationCosts, encoding: .utf8)
        var cluster: [String: Double] = [:]
        var inCluster = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") { inCluster = line.hasPrefix("cluster:"); continue }
            let fields = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 2)
            guard inCluster, fields.count >= 2, fields[0].hasSuffix(":"), fields[1].hasSuffix("ms"), let ms = Double(fields[1].dropLast(2)) else { continue }
            cluster[String(fields[0].dropLast())] = ms / 1000
        }
        let node = NodeSpec(cores: 4, memoryBytes: 16 * 1_073_741_824, sharedBuffersBytes: 4 * 1_073_741_824, diskIOPS: 20_000, diskBytesPerSecond: 500e6,
                            diskLatency: .microseconds(100), nicBytesPerSecond: 1.25e9, maxConnections: 100)
        let spec = ClusterSpec(coordinator: node, worker: node, workerCount: 2, networkLatency: .zero)
        XCTAssertEqual(spec.connectionSetupCPU.seconds, try XCTUnwrap(cluster["connection_setup_cpu"]), accuracy: 1e-9)
        XCTAssertEqual(spec.tlsHandshakeCPU.seconds, try XCTUnwrap(cluster["tls_handshake_cpu"]), accuracy: 1e-9)
        XCTAssertEqual(spec.taskCoordinatorCPU.seconds, try XCTUnwrap(cluster["task_coordinator_cpu"]), accuracy: 1e-9)
        XCTAssertEqual(spec.coldTaskWorkerCPU.seconds, try XCTUnwrap(cluster["cold_task_worker_cpu"]), accuracy: 1e-9)
        XCTAssertEqual(spec.subplanCoordinatorCPU.seconds, try XCTUnwrap(cluster["subplan_coordinator_cpu"]), accuracy: 1e-9)
    }
}
