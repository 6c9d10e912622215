import SimCore

/// A tenant as the simulation numbers it: its rank − 1 in the workload's tenant population, so
/// it indexes every per-tenant array (activity, sizes, the placement's tenant slots, the
/// metrics' per-tenant counts). Under schema-based sharding a tenant is a schema
/// (`tenant_<rank>`); with several databases it belongs to database number mod `databases`, as a
/// client session does. `none`: a request that no single tenant owns (an across_schemas query's
/// result, as the metrics count it).
package struct TenantIndex: DenseIndex, Strideable {
    package var raw: Int32
    @inlinable @inline(__always) package init(_ raw: Int32) { self.raw = raw }
    /// The position in per-kind arrays (the protocol's `index`, concrete: another module's
    /// hot loops then read `raw` directly instead of through the conformance; `none` likewise).
    @inlinable @inline(__always) package var index: Int { Int(raw) }
    @inlinable @inline(__always) package static var none: Self { Self(Int32(-1)) }
    /// The tenant of 1-based `rank`. (A static function, not `init(rank:)`: `TenantIndex.init`
    /// passed to `map` would pick a labelled initialiser as readily as `init(_:)`.)
    package static func of(rank: Int) -> TenantIndex { TenantIndex(Int32(rank - 1)) }
    /// A tenant (not `none`).
    @inline(__always) package var isTenant: Bool { raw >= 0 }
    /// The 1-based rank the scenario and the reports name the tenant by.
    package var rank: Int { index + 1 }
    /// The database the tenant's data lives in, of `databases`.
    @inline(__always) package func database(of databases: Int) -> Int { index % databases }
}
