import Diagnostics
import Yams

/// Reads a YAML document strictly: typed getters with units and ranges, unknown keys
/// reported, and every problem collected with its line and column rather than thrown
/// at the first one.
public final class YAMLReader {
    public let file: String
    public private(set) var findings: [Finding] = []

    public init(file: String) { self.file = file }

    /// Parses `text`; nil (with a finding) when it is not YAML or not a mapping.
    public func parseRoot(_ text: String, overrides: [ScenarioOverride] = []) -> YAMLMapping? {
        do {
            guard var node = try Yams.compose(yaml: text) else {
                error(nil, "the file is empty; expected a mapping with a `version` key")
                return nil
            }
            if case .mapping = node { for o in overrides { o.apply(to: &node) } }
            return mapping(node, path: "")
        } catch let yamlError as YamlError {
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                findings.append(Finding(file: file, line: mark.line, column: mark.column, severity: .error, message: "not valid YAML: \(problem)"))
            case .duplicatedKeysInMapping(let duplicates, let context):
                let keys = duplicates.sorted().map { "`\($0)`" }.joined(separator: ", ")
                findings.append(Finding(file: file, line: context.mark.line, column: context.mark.column, severity: .error,
                                        message: "duplicate key \(keys) in the mapping that starts here; each key may appear once"))
            default:
                findings.append(Finding(file: file, line: 0, column: 0, severity: .error, message: "not valid YAML: \(yamlError)"))
            }
            return nil
        } catch {
            findings.append(Finding(file: file, line: 0, column: 0, severity: .error, message: "not valid YAML: \(error)"))
            return nil
        }
    }

    /// `node` as a mapping, or nil with a finding naming `path`.
    public func mapping(_ node: Node, path: String) -> YAMLMapping? {
        guard case .mapping(let m) = node else {
            error(node, "`\(path.isEmpty ? "document" : path)` must be a mapping of keys to values")
            return nil
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (k, v) in m {
            guard let key = k.string else {
                error(k, "keys must be strings")
                continue
            }
            entries.append((key, k, v))
        }
        return YAMLMapping(reader: self, node: node, path: path, entries: entries)
    }

    public var hasErrors: Bool { findings.contains { $0.severity == .error } }

    /// Records a finding located by its producer (e.g. inside embedded SQL).
    public func append(_ finding: Finding) { findings.append(finding) }

    /// Records an error at `node` (or at 0:0 when nil).
    public func error(_ node: Node?, _ message: String) { add(node, .error, message) }
    /// Records a warning at `node`.
    public func warning(_ node: Node?, _ message: String) { add(node, .warning, message) }

    private func add(_ node: Node?, _ severity: Finding.Severity, _ message: String) {
        let mark = node?.mark
        findings.append(Finding(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, severity: severity, message: message))
    }
}

/// One YAML mapping being read: each getter marks its key as used; `finish` reports keys
/// nobody asked for, with the list of keys that would be valid.
public final class YAMLMapping {
    public let reader: YAMLReader
    public let node: Node
    /// Dotted path of this mapping in the document, e.g. `station.service`.
    public let path: String
    /// The mapping's entries in document order.
    public let entries: [(key: String, keyNode: Node, value: Node)]
    private var known: [String] = []

    init(reader: YAMLReader, node: Node, path: String, entries: [(key: String, keyNode: Node, value: Node)]) {
        self.reader = reader
        self.node = node
        self.path = path
        self.entries = entries
    }

    public func qualified(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The value node for `key`, marking the key as known.
    public func value(_ key: String) -> Node? {
        if !known.contains(key) { known.append(key) }
        return entries.first { $0.key == key }?.value
    }

    /// Reports a missing required key.
    public func missing(_ key: String, _ expected: String) {
        reader.error(node, "missing key `\(qualified(key))`: expected \(expected)")
    }

    /// Reports every key that no getter asked for.
    public func finish() {
        for entry in entries where !known.contains(entry.key) {
            let valid = known.map { "`\($0)`" }.joined(separator: ", ")
            reader.error(entry.keyNode, "unknown key `\(qualified(entry.key))`; valid keys here: \(valid)")
        }
    }

    /// A nested mapping under `key`.
    public func mapping(_ key: String, required: Bool = true) -> YAMLMapping? {
        guard let v = value(key) else {
            if required { missing(key, "a mapping") }
            return nil
        }
        return reader.mapping(v, path: qualified(key))
    }

    /// A string, optionally one of `allowed`.
    public func string(_ key: String, allowed: [String]? = nil, default fallback: String? = nil) -> String? {
        guard let v = value(key) else {
            if fallback == nil { missing(key, allowed.map { "one of \($0.joined(separator: ", "))" } ?? "a string") }
            return fallback
        }
        guard case .scalar(let s) = v else {
            reader.error(v, "`\(qualified(key))` must be a string")
            return nil
        }
        if let allowed, !allowed.contains(s.string) {
            reader.error(v, "`\(qualified(key))` is `\(s.string)`; expected one of \(allowed.joined(separator: ", "))")
            return nil
        }
        return s.string
    }

    /// `true` or `false` (`fallback` when the key is absent).
    public func bool(_ key: String, default fallback: Bool) -> Bool? {
        guard let v = value(key) else { return fallback }
        guard let b = v.bool else {
            reader.error(v, "`\(qualified(key))` must be true or false")
            return nil
        }
        return b
    }

    /// An integer in `range`.
    public func integer(_ key: String, in range: ClosedRange<Int>, default fallback: Int? = nil) -> Int? {
        guard let v = value(key) else {
            if fallback == nil { missing(key, "an integer in \(range.lowerBound)...\(range.upperBound)") }
            return fallback
        }
        guard let i = integerValue(v) else {
            reader.error(v, "`\(qualified(key))` must be an integer in \(range.lowerBound)...\(range.upperBound), got `\(v.string ?? "a collection")`")
            return nil
        }
        guard range.contains(i) else {
            reader.error(v, "`\(qualified(key))` is \(i); expected an integer in \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return i
    }

    /// An unsigned 64-bit integer (seeds).
    public func unsigned(_ key: String, default fallback: UInt64) -> UInt64? {
        guard let v = value(key) else { return fallback }
        guard case .scalar(let s) = v, let u = UInt64(s.string.replacingUnderscores) else {
            reader.error(v, "`\(qualified(key))` must be an integer in 0...\(UInt64.max)")
            return nil
        }
        return u
    }

    /// A finite number in `range` (open or closed bounds as given by `lowerExclusive`).
    public func number(_ key: String, in range: ClosedRange<Double>, lowerExclusive: Bool = false, default fallback: Double? = nil) -> Double? {
        let expected = "a number \(lowerExclusive ? ">" : ">=") \(range.lowerBound.compact)\(range.upperBound.isFinite ? " and <= \(range.upperBound.compact)" : "")"
        guard let v = value(key) else {
            if fallback == nil { missing(key, expected) }
            return fallback
        }
        guard case .scalar(let s) = v, let d = Double(s.string.replacingUnderscores), d.isFinite else {
            reader.error(v, "`\(qualified(key))` must be \(expected), got `\(v.string ?? "a collection")`")
            return nil
        }
        guard range.contains(d), !(lowerExclusive && d == range.lowerBound) else {
            reader.error(v, "`\(qualified(key))` is \(s.string); expected \(expected)")
            return nil
        }
        return d
    }

    /// A duration written with a unit (`250ms`, `30s`, `5m`, `2h`, `500us`), > 0 unless `allowZero`.
    public func duration(_ key: String, allowZero: Bool = false, default fallback: Double? = nil) -> Double? {
        guard let v = value(key) else {
            if fallback == nil { missing(key, "a duration such as 250ms, 30s, 5m or 2h") }
            return fallback
        }
        guard case .scalar(let s) = v, let seconds = DurationText.seconds(s.string) else {
            reader.error(v, "`\(qualified(key))` must be a duration with a unit (us, ms, s, m, h), such as 250ms or 30s; got `\(v.string ?? "a collection")`")
            return nil
        }
        guard seconds > 0 || (allowZero && seconds == 0) else {
            reader.error(v, "`\(qualified(key))` must be \(allowZero ? "at least 0" : "greater than 0"), got `\(s.string)`")
            return nil
        }
        return seconds
    }

    private func integerValue(_ v: Node) -> Int? {
        guard case .scalar(let s) = v else { return nil }
        return Int(s.string.replacingUnderscores)
    }
}

extension String {
    /// YAML 1.1 allows `1_000_000`; so do we.
    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}

extension Double {
    /// `5` for 5.0, `0.25` for 0.25, `1e+09` never: whole numbers print without a point.
    var compact: String {
        if self == rounded(), abs(self) < 1e15 { return String(Int64(self)) }
        return String(self)
    }
}
