/// A problem found in an input file, located to line and column.
public struct Finding: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    public var file: String
    /// 1-based line, 0 when unknown.
    public var line: Int
    /// 1-based column, 0 when unknown.
    public var column: Int
    public var severity: Severity
    public var message: String

    public init(file: String, line: Int, column: Int, severity: Severity, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.severity = severity
        self.message = message
    }

    /// `file:line:col: error: message`, the format compilers and editors understand
    /// (`file: error: message` when the place is not known, or not in a file).
    public var description: String {
        line == 0 ? "\(file): \(severity.rawValue): \(message)" : "\(file):\(line):\(column): \(severity.rawValue): \(message)"
    }
}
