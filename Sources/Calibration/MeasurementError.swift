import Foundation

/// A measurement file that cannot be used: `file: field: what is wrong`.
public struct MeasurementError: Error, CustomStringConvertible, Equatable {
    public var file: String
    /// The JSON path of the field, e.g. `runs[3].drain.wall_s`.
    public var field: String
    public var problem: String

    public init(file: String, field: String, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(file): \(field.isEmpty ? "(file)" : field): \(problem)" }
}

/// A value inside a measurement file, with the file and the path that lead to it, so every
/// error names both.
struct JSONField {
    let file: String
    let path: String
    let value: Any

    func fail(_ problem: String) -> MeasurementError { MeasurementError(file: file, field: path, problem: problem) }

    func child(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The member `name` of this object; an error when it is missing or this is no object.
    func field(_ name: String) throws -> JSONField {
        guard let object = value as? [String: Any] else { throw fail("is not an object") }
        guard let v = object[name], !(v is NSNull) else { throw MeasurementError(file: file, field: child(name), problem: "is missing") }
        return JSONField(file: file, path: child(name), value: v)
    }

    /// The member `name`, or nil when it is missing or null.
    func optional(_ name: String) -> JSONField? {
        guard let object = value as? [String: Any], let v = object[name], !(v is NSNull) else { return nil }
        return JSONField(file: file, path: child(name), value: v)
    }

    /// True for JSON's `true` and `false` (Foundation gives numbers and booleans the same
    /// NSNumber type; a boolean's class name says which).
    var isBoolean: Bool { String(describing: type(of: value)).contains("Boolean") }

    func double() throws -> Double {
        if let text = value as? String, let v = Double(text), v.isFinite { return v }  // psql gives numbers as text
        guard let n = value as? NSNumber, !isBoolean, n.doubleValue.isFinite else { throw fail("is not a number") }
        return n.doubleValue
    }

    /// A number that must be ≥ 0.
    func nonNegative() throws -> Double {
        let v = try double()
        guard v >= 0 else { throw fail("is \(v); expected a number ≥ 0") }
        return v
    }

    func int() throws -> Int {
        if let s = value as? String, let i = Int(s) { return i }  // psql gives ids as text
        let v = try double()
        guard v == v.rounded(), abs(v) < 1e15 else { throw fail("is \(v); expected a whole number") }
        return Int(v)
    }

    func string() throws -> String {
        guard let s = value as? String else { throw fail("is not a string") }
        return s
    }

    func bool() throws -> Bool {
        guard isBoolean, let b = value as? Bool else { throw fail("is not true or false") }
        return b
    }

    func array() throws -> [JSONField] {
        guard let a = value as? [Any] else { throw fail("is not a list") }
        return a.enumerated().map { JSONField(file: file, path: "\(path)[\($0.offset)]", value: $0.element) }
    }

    /// A list that must not be empty.
    func nonEmptyArray() throws -> [JSONField] {
        let a = try array()
        guard !a.isEmpty else { throw fail("is an empty list; expected at least one entry") }
        return a
    }

    /// An object's members in key order (never in a dictionary's iteration order).
    func members() throws -> [(String, JSONField)] {
        guard let object = value as? [String: Any] else { throw fail("is not an object") }
        return object.keys.sorted().map { ($0, JSONField(file: file, path: child($0), value: object[$0]!)) }
    }
}
