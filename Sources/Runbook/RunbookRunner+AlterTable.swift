import ClusterModel
import Planner

/// `alter_distributed_table(table_name, distribution_column, shard_count, colocate_with,
/// cascade_to_colocated)`: Citus's parameter checks (commands/alter_table.c,
/// `CheckAlterDistributedTableConversionParameters`), for a change of shard count.
extension RunbookRunner {
    static let alterTableSignature = sig(("table_name", nil), ("distribution_column", .null), ("shard_count", .null), ("colocate_with", .null),
                                         ("cascade_to_colocated", .null))

    /// The tables converted (the named one, then its colocated tables when cascading, in
    /// creation order) and the new shard count; Citus's error when the call is refused.
    func alterTablePlan(_ c: BoundCall) throws -> (tables: [String], shardCount: Int) {
        let name = try c.string("table_name")
        guard let table = state.table(name) else { throw CitusError("relation \"\(name)\" does not exist") }
        guard table.columnType != nil else { throw CitusError("cannot alter table because the table is not distributed") }
        guard c.isNull("distribution_column"), c.isNull("colocate_with") else {
            throw CitusError("citus-sim simulates alter_distributed_table with shard_count (and cascade_to_colocated) only; distribution_column and colocate_with are not modelled")
        }
        let cascade: Bool? = c.isNull("cascade_to_colocated") ? nil : try c.bool("cascade_to_colocated")
        let count: Int? = c.isNull("shard_count") ? nil : Int(try c.int("shard_count"))
        guard count != nil || cascade == true else {
            throw CitusError("you have to specify at least one of the distribution_column, shard_count or colocate_with parameters")
        }
        let original = state.shards(of: name).count
        if count == 0 {
            throw CitusError("shard_count cannot be 0", hint: "if you no longer want this to be a distributed table you can try undistribute_table() function")
        }
        guard let count else { throw CitusError("shard_count or colocate_with is necessary for cascading to colocated tables") }
        if count == original {
            throw CitusError("this call doesn't change any properties of the table", hint: "check citus_tables view to see current properties of the table")
        }
        let colocated = state.tables(in: table.colocationID).map(\.name)
        if colocated.count > 1 && cascade == nil {
            throw CitusError("cascade_to_colocated parameter is necessary", detail: "this table is colocated with some other tables",
                             hint: "cascade_to_colocated := false will break the current colocation, cascade_to_colocated := true will change the shard count of colocated tables too.")
        }
        guard (1...64_000).contains(count) else {
            throw CitusError("\(count) is outside the valid range for parameter \"shard_count\" (1 .. 64000)")
        }
        return ([name] + (cascade == true ? colocated.filter { $0 != name } : []), count)
    }

    /// The NOTICEs `ConvertTable` raises for one table, before and after moving its data.
    public static func conversionNotices(_ table: String, start: Bool) -> [CitusMessage] {
        start ? [CitusMessage(.notice, "creating a new table for public.\(table)"), CitusMessage(.notice, "moving the data of public.\(table)")]
              : [CitusMessage(.notice, "dropping the old public.\(table)"), CitusMessage(.notice, "renaming the new table to public.\(table)")]
    }

    /// The untimed conversion (`citus-sim apply`): notices in Citus's order, then the metadata.
    mutating func alterDistributedTable(_ c: BoundCall) throws {
        let plan = try alterTablePlan(c)
        for t in plan.tables {
            for m in Self.conversionNotices(t, start: true) + Self.conversionNotices(t, start: false) { note(c.statement, m) }
        }
        try state.convertShardCount(of: plan.tables, to: plan.shardCount)
    }
}
