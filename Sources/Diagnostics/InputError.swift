/// Thrown when an input has errors; carries every finding, errors and warnings, in file order.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public var findings: [Finding]

    public init(findings: [Finding]) { self.findings = findings }

    public var description: String { findings.map(\.description).joined(separator: "\n") }
}
