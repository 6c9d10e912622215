import Workload

/// Writes request traces in the format `TraceCSV.read` reads: `time_s,tenant,query_class`.
public enum TraceOutput {
    /// The trace as CSV text (built in one buffer: traces can hold millions of rows).
    public static func render(_ trace: RequestTrace, classes: [String]) -> String {
        var out = "time_s,tenant,query_class\n"
        out.reserveCapacity(trace.count * 24)
        for i in 0..<trace.count {
            let us = trace.times[i].microseconds
            let frac = String(us % 1_000_000)
            out += String(us / 1_000_000) + "." + String(repeating: "0", count: 6 - frac.count) + frac
            out += "," + String(trace.tenants[i].rank) + "," + CSVWriter.escape(CSVWriter.neutralise(classes[trace.classes[i].index])) + "\n"
        }
        return out
    }
}
