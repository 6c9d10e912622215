/// A model parameter outside its valid range: names the parameter, the value given and
/// what would be valid.
public struct ParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Which parameter, e.g. `ProcessorSharingServer.cores`.
    public var parameter: String
    /// The rejected value, as text.
    public var value: String
    /// What would be valid, e.g. `a finite number > 0`.
    public var expected: String

    public init(parameter: String, value: String, expected: String) {
        self.parameter = parameter
        self.value = value
        self.expected = expected
    }

    public var description: String { "invalid \(parameter): \(value); expected \(expected)" }

    /// Throws unless `value` is finite and > 0.
    public static func requirePositive(_ value: Double, _ parameter: String) throws {
        guard value.isFinite && value > 0 else {
            throw ParameterError(parameter: parameter, value: "\(value)", expected: "a finite number > 0")
        }
    }

    /// Throws unless `value` is finite and >= 0.
    public static func requireNonNegative(_ value: Double, _ parameter: String) throws {
        guard value.isFinite && value >= 0 else {
            throw ParameterError(parameter: parameter, value: "\(value)", expected: "a finite number >= 0")
        }
    }

    /// Throws unless `value` > 0.
    public static func requirePositive<I: BinaryInteger>(_ value: I, _ parameter: String) throws {
        guard value > 0 else {
            throw ParameterError(parameter: parameter, value: "\(value)", expected: "an integer > 0")
        }
    }
}
