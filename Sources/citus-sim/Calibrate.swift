import ArgumentParser
import Calibration
import Foundation
import Reporting

/// `citus-sim calibrate Lab/measured/*.json --out costs.yaml`: fit the cost parameters to lab measurements.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the model's costs to lab measurements (Lab/measured/*.json) and write them, with 95% intervals, as YAML.",
        discussion: "The `operations:` section of the output pastes into a scenario. Exit codes: 0 ok, 2 invalid measurements (file: field: what), 3 internal error."
    )

    @Argument(help: "Measurement files or directories of them (Lab/measured).")
    var measurements: [String]

    @Option(name: .shortAndLong, help: "Where to write the costs (YAML). Written only when every file reads and fits.")
    var out: String

    func run() throws {
        let m = try CLI.readMeasurements(measurements)
        let fit: CostCalibration
        do { fit = try CostCalibration.fit(m) } catch let e as MeasurementError {
            CLI.printError("error: \(e.description)")
            throw ExitCode(2)
        }
        let text = CostsFile.yaml(fit, files: m.files)
        try CLI.reportingInternalErrors {
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                throw OutputDirectory.WriteError(description: "cannot write \(out): \(error.localizedDescription)")
            }
        }
        for p in fit.parameters {
            print("\(p.key) = \(CostsFile.number(p.value)) \(p.unit)  (95% CI \(CostsFile.number(p.low))…\(CostsFile.number(p.high)), n = \(p.samples))")
        }
        print("wrote \(out)")
    }
}

/// `citus-sim validate-model Lab/measured --out Reports/validation`: fit on one half, predict the other.
struct ValidateModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-model",
        abstract: "Fit the costs on one half of the lab's measurements, replay every experiment through the simulator and compare (validation.csv, report.html).",
        discussion: "Rows that fail are written failing. Exit codes: 0 written (whatever the verdicts), 2 invalid measurements (file: field: what), 3 internal error."
    )

    @Argument(help: "Measurement files or directories of them (Lab/measured).")
    var measurements: [String]

    @Option(name: .shortAndLong, help: "Output directory (replaced only when the validation completes).")
    var out: String = "Reports/validation"

    @Option(name: .customLong("threads"), help: "Threads for the replays (default: all cores). Results do not depend on it.")
    var threads: Int?

    @Option(help: "Also write every replay as a scenario file into this directory (replaced as a whole), for `citus-sim run`.")
    var replays: String?

    func run() throws {
        let m = try CLI.readMeasurements(measurements)
        let validation: ModelValidation
        do { validation = try ModelValidation.run(m, threads: threads ?? CLI.cores) } catch let e as MeasurementError {
            CLI.printError("error: \(e.description)")
            throw ExitCode(2)
        } catch {
            CLI.printError("internal error: \(error)")
            throw ExitCode(3)
        }
        let report = ValidationReport(validation)
        try CLI.reportingInternalErrors { try OutputDirectory.write(report.files, to: out) }
        if let replays {
            try CLI.reportingInternalErrors { try OutputDirectory.write(validation.replays.map { (name: $0.name, contents: $0.text) }, to: replays) }
            print("wrote \(validation.replays.count) replay scenarios to \(replays)")
        }
        for g in report.goals { print("\(g.met ? "met" : "NOT MET"): \(g.goal): \(g.result)") }
        print("\(validation.rows.filter(\.pass).count) of \(validation.rows.count) rows pass")
        print("wrote \(out)/validation.csv, \(out)/costs.yaml, \(out)/report.html")
    }
}

extension CLI {
    /// Reads lab measurements; a bad file prints `file: field: what` and exits 2.
    static func readMeasurements(_ paths: [String]) throws -> LabMeasurements {
        do { return try LabMeasurements.load(paths) } catch let e as MeasurementError {
            printError("error: \(e.description)")
            throw ExitCode(2)
        }
    }
}
