import ArgumentParser
import Reporting

/// `citus-sim schema > scenario.schema.json`: the scenario format as a JSON Schema.
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the scenario format as a JSON Schema (draft 2020-12), for editors and validators.",
        discussion: "Shipped scenarios start with `# yaml-language-server: $schema=scenario.schema.json`, so editors with the YAML language server validate and complete them. `citus-sim validate` checks what the schema cannot (keys that depend on each other, the timeline's SQL)."
    )

    func run() throws { print(ScenarioSchema.json, terminator: "") }
}
