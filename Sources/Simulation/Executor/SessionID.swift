/// One of the application's client sessions (`workload.sessions`): session k serves database
/// k mod `databases`. It indexes `ClientSessions`, `ConnectionCache` and the shared pool's
/// per-database slots, and is the payload of a closed-loop client's `think` event.
package struct SessionID: Equatable, Comparable, ExpressibleByIntegerLiteral {
    package var raw: Int32
    package init(_ raw: Int32) { self.raw = raw }
    package init(_ index: Int) { raw = Int32(index) }
    package init(integerLiteral value: Int32) { raw = value }
    /// The session's position in per-session arrays.
    @inline(__always) package var index: Int { Int(raw) }
    /// No client session: a request still waiting for one, or an operation's own connection.
    package static let none = SessionID(Int32(-1))
    /// A real client session (not `none`).
    @inline(__always) package var isClient: Bool { raw >= 0 }
    /// The database the session serves, of `databases`.
    @inline(__always) package func database(of databases: Int) -> Int { index % databases }
    package static func < (a: SessionID, b: SessionID) -> Bool { a.raw < b.raw }
}
