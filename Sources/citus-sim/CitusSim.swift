import ArgumentParser
import Foundation

/// The `citus-sim` command: subcommands only; all logic lives in the library targets.
@main
struct CitusSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "citus-sim",
        abstract: "Discrete-event simulator and sizing advisor for Citus clusters.",
        version: CitusSim.version,
        subcommands: [Init.self, Import.self, Schema.self, Run.self, Validate.self, Recommend.self, ShardOf.self, Plan.self, Apply.self, Calibrate.self, ValidateModel.self, Bench.self, Fuzz.self, Merge.self]
    )

    /// The tool's version and the Citus release whose deterministic behaviour (hashing,
    /// placement, rebalance plans, background jobs, splits) it reproduces.
    static let version = "citus-sim 0.9.0: reproduces Citus 13.2 (PostgreSQL 15) placement, planning and background-job behaviour"

    /// Exit codes are part of the interface (README): 0 ok, 2 invalid input (including
    /// bad arguments, which ArgumentParser would report as 64), 3 internal error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                CLI.printError(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
