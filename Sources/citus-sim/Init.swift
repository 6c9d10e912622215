import ArgumentParser
import Foundation
import Scenario

/// `citus-sim init`: writes a commented starting scenario.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a commented starting scenario to edit (then `validate`, `run` or `recommend` it).",
        discussion: "Templates:\n" + ScenarioTemplate.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n")
            + "\nExit codes: 0 written, 2 bad arguments or the file exists (use --force)."
    )

    @Option(help: "The template: \(ScenarioTemplate.allCases.map(\.rawValue).joined(separator: ", ")).")
    var template: String = ScenarioTemplate.multiTenant.rawValue

    @Option(name: .shortAndLong, help: "Where to write it; - for standard output.")
    var out: String = "scenario.yaml"

    @Flag(help: "Replace an existing file.")
    var force = false

    func validate() throws {
        guard ScenarioTemplate(rawValue: template) != nil else {
            throw ValidationError("--template must be one of \(ScenarioTemplate.allCases.map(\.rawValue).joined(separator: ", ")), got \(template)")
        }
    }

    func run() throws {
        let text = ScenarioTemplate(rawValue: template)!.text
        if out == "-" {
            print(text, terminator: "")
            return
        }
        if !force && FileManager.default.fileExists(atPath: out) {
            CLI.printError("error: \(out) exists; choose another --out or pass --force to replace it")
            throw ExitCode(2)
        }
        try CLI.reportingInternalErrors { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) }
        print("wrote \(out) (template \(template)); next: citus-sim validate \(out) && citus-sim \(template == "sizing" ? "recommend" : "run") \(out)")
    }
}

/// Quick what-ifs without copying the file: values set on the command line.
struct ScenarioOverrides: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a scenario key for this run, as KEY=VALUE with a dotted key (e.g. citus.shard_count=64, workload.arrivals.rate_per_second=3000); repeatable.", valueName: "KEY=VALUE"))
    var assignments: [String] = []

    @Option(help: "Override run.duration (e.g. 30m).")
    var duration: String?

    var overrides: [ScenarioOverride] {
        assignments.compactMap(ScenarioOverride.init(argument:)) + (duration.map { [ScenarioOverride(key: "run.duration", value: $0)] } ?? [])
    }

    func validate() throws {
        for a in assignments where ScenarioOverride(argument: a) == nil {
            throw ValidationError("--set takes KEY=VALUE with a dotted key such as citus.shard_count=64, got \(a)")
        }
    }
}
