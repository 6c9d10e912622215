import Diagnostics
import Foundation
import SimCore
import Workload

/// Request traces as CSV: `time_s,tenant,query_class` (seconds since the start with
/// microsecond precision, the tenant's rank 1...N, the class name), sorted by time.
public enum TraceCSV {
    public static func read(path: String, classes: [String], tenants: Int) throws -> RequestTrace {
        try read(table: CSVTable.read(path: path), file: path, classes: classes, tenants: tenants)
    }

    /// As `read(path:...)`, from CSV text; `file` names it in findings.
    public static func read(text: String, file: String, classes: [String], tenants: Int) throws -> RequestTrace {
        try read(table: CSVTable.parse(text, file: file), file: file, classes: classes, tenants: tenants)
    }

    static func read(table: CSVTable, file path: String, classes: [String], tenants: Int) throws -> RequestTrace {
        func fail(_ line: Int, _ message: String) -> InputError {
            InputError(findings: [Finding(file: path, line: line, column: 0, severity: .error, message: message)])
        }
        guard table.header == ["time_s", "tenant", "query_class"] else {
            throw fail(1, "the header must be time_s,tenant,query_class; found \(table.header.joined(separator: ","))")
        }
        var trace = RequestTrace()
        var last = SimTime.zero
        for r in table.records {
            guard let t = Double(r.fields[0]), t.isFinite, t >= 0, t < 9e12 else { throw fail(r.line, "`time_s` is `\(r.fields[0])`; expected seconds >= 0") }
            let time = SimTime.zero + SimDuration(seconds: t)
            guard time >= last else { throw fail(r.line, "`time_s` \(r.fields[0]) is earlier than the previous row; the trace must be sorted by time") }
            guard let tenant = Int(r.fields[1]), (1...tenants).contains(tenant) else {
                throw fail(r.line, "`tenant` is `\(r.fields[1])`; expected a tenant rank in 1...\(tenants)")
            }
            guard let cls = classes.firstIndex(of: r.fields[2]) else {
                throw fail(r.line, "`query_class` is `\(r.fields[2])`; expected one of \(classes.joined(separator: ", "))")
            }
            trace.append(time: time, tenant: .of(rank: tenant), cls: QueryClassIndex(cls))
            last = time
        }
        return trace
    }
}
