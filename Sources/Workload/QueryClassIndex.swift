import SimCore

/// A query class of the workload (`workload.classes`), in scenario order. A request keeps its
/// class for life (`RequestRecord.cls`); it indexes the executor's class profiles
/// (`QueryClassProfile`), the request source's CPU demands and the metrics' per-class counters.
package struct QueryClassIndex: DenseIndex {
    package var raw: Int32
    @inline(__always) package init(_ raw: Int32) { self.raw = raw }
}
