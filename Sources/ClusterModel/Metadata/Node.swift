/// A row of `pg_dist_node`.
public struct Node: Sendable, Equatable {
    public enum Role: String, Sendable { case primary, secondary, unavailable }

    public var id: NodeID
    public var groupID: GroupID
    public var name: String
    public var port: Int
    public var rack: String = "default"
    public var hasMetadata: Bool = true
    public var isActive: Bool = true
    public var role: Role = .primary
    public var cluster: String = "default"
    public var metadataSynced: Bool = true
    public var shouldHaveShards: Bool = true

    public init(id: NodeID, groupID: GroupID, name: String, port: Int, shouldHaveShards: Bool = true) {
        self.id = id
        self.groupID = groupID
        self.name = name
        self.port = port
        self.shouldHaveShards = shouldHaveShards
    }

    /// The coordinator is group 0.
    public var isCoordinator: Bool { groupID.rawValue == 0 }

    /// `name:port`.
    public var address: String { "\(name):\(port)" }

    /// Citus's node order: name compared bytewise (`strncmp`), then port (`CompareWorkerNodes`).
    public static func citusOrder(_ a: Node, _ b: Node) -> Bool {
        let an = Array(a.name.utf8), bn = Array(b.name.utf8)
        if an != bn { return an.lexicographicallyPrecedes(bn) }
        return a.port < b.port
    }
}
