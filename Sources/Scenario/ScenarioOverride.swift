import Diagnostics
import Yams

/// A value set on the command line (`--set citus.shard_count=64`, `--duration 30m`) in place of
/// the scenario file's: applied to the parsed document before it is read, so it is validated
/// exactly like the file's own value. Its findings name the argument, not a line of the file.
public struct ScenarioOverride: Sendable, Equatable {
    /// A dotted key path from the top of the scenario, e.g. `citus.shard_count`.
    public var key: String
    /// The value as YAML would spell a scalar (`64`, `30m`, `true`, `block_writes`).
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// `KEY=VALUE`, or nil when the text has no `=` or an empty key or path step.
    public init?(argument: String) {
        guard let eq = argument.firstIndex(of: "=") else { return nil }
        let key = String(argument[..<eq]).trimmingSpaces, value = String(argument[argument.index(after: eq)...]).trimmingSpaces
        guard !key.isEmpty, !key.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else { return nil }
        self.init(key: key, value: value)
    }

    /// How findings about it are located: the argument as typed.
    public var argument: String { key == "run.duration" ? "--duration \(value)" : "--set \(key)=\(value)" }

    /// Sets the value at the key path, creating mappings on the way (a path through a list or a
    /// scalar is left to the reader to reject, as the file's own value would be). A value in
    /// YAML's flow style (`[1, 2]`, `{a: 1}`) is a list or mapping; anything else a scalar.
    func apply(to node: inout Node) {
        var parsed = Node(value, Tag(.implicit))
        if value.hasPrefix("[") || value.hasPrefix("{"), let flow = try? Yams.compose(yaml: value) { parsed = Self.unplaced(flow) }
        Self.set(key.split(separator: ".").map(String.init)[...], parsed, in: &node)
    }

    /// The node without positions, so findings about it name the argument, not a line of the file.
    static func unplaced(_ node: Node) -> Node {
        switch node {
        case .scalar(let s): return Node(s.string, s.tag)
        case .mapping(let m): return Node(m.map { (unplaced($0.key), unplaced($0.value)) }, m.tag)
        case .sequence(let q): return Node(q.map(unplaced), q.tag)
        case .alias: return node
        }
    }

    private static func set(_ path: ArraySlice<String>, _ value: Node, in node: inout Node) {
        guard let first = path.first, case .mapping = node else { return }
        if path.count == 1 {
            node[first] = value
            return
        }
        var child = node[first] ?? Node.mapping(Node.Mapping([]))
        set(path.dropFirst(), value, in: &child)
        node[first] = child
    }
}
