import SimCore

/// One of the application's client sessions (`workload.sessions`): session k serves database
/// k mod `databases`. It indexes `ClientSessions`, `ConnectionCache` and the shared pool's
/// per-database slots, and is the payload of a closed-loop client's `think` event. `none`: a
/// request still waiting for a session, or an operation's own connection.
package struct SessionID: DenseIndex, Comparable {
    package var raw: Int32
    @inline(__always) package init(_ raw: Int32) { self.raw = raw }
    /// A real client session (not `none`).
    @inline(__always) package var isClient: Bool { raw >= 0 }
    /// The database the session serves, of `databases`.
    @inline(__always) package func database(of databases: Int) -> Int { index % databases }
    package static func < (a: SessionID, b: SessionID) -> Bool { a.raw < b.raw }
}
