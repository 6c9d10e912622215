import ArgumentParser

/// The `citus-sim` command: subcommands only; all logic lives in the library targets.
@main
struct CitusSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "citus-sim",
        abstract: "Discrete-event simulator and sizing advisor for Citus clusters.",
        subcommands: [Run.self, Validate.self, Bench.self]
    )
}
