import SimCore

/// A query class of the workload (`workload.classes`), in scenario order. A request keeps its
/// class for life (`RequestRecord.cls`); it indexes the executor's class profiles
/// (`QueryClassProfile`), the request source's CPU demands and the metrics' per-class counters.
package struct QueryClassIndex: DenseIndex {
    package var raw: Int32
    @inlinable @inline(__always) package init(_ raw: Int32) { self.raw = raw }
    /// The position in per-kind arrays (the protocol's `index`, concrete: another module's
    /// hot loops then read `raw` directly instead of through the conformance; `none` likewise).
    @inlinable @inline(__always) package var index: Int { Int(raw) }
    @inlinable @inline(__always) package static var none: Self { Self(Int32(-1)) }
}
