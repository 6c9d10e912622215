/// `alter_distributed_table(table, shard_count := n, cascade_to_colocated := ...)` as Citus's
/// `ConvertTable` (commands/alter_table.c) does it, for the metadata: each table in turn gets
/// a new table distributed like it with the new shard count, the old one is dropped and the
/// new one takes its name.
extension ClusterState {
    /// Converts `tables` (the first, then the ones cascaded to, in creation order) to `count`
    /// shards. The first goes to the `'default'` colocation group for `count` shards (an
    /// existing group with that shard count and column type, else a new one); the others are
    /// colocated with it. New shard ids and placements are drawn as `create_distributed_table`
    /// draws them; the old tables' shards and placements disappear, and so does a colocation
    /// group left without tables.
    public mutating func convertShardCount(of tables: [String], to count: Int) throws {
        for (i, name) in tables.enumerated() {
            guard let old = table(name), let type = old.columnType else { throw ClusterError("cannot alter table because the table is not distributed") }
            let temporary = "\(name)_citus_sim_converted"
            try createDistributedTable(temporary, columnType: type, shardCount: i == 0 ? count : nil,
                                       colocateWith: i == 0 ? .default : .table(tables[0]), hasReplicaIdentity: old.hasReplicaIdentity)
            dropTable(name)
            renameTable(temporary, to: name)
        }
    }

    /// `DROP TABLE`: the table, its shards and placements; its colocation group when it was the last table in it.
    public mutating func dropTable(_ name: String) {
        guard let old = table(name) else { return }
        for s in shards(of: name) { removeShard(s.id) }
        removeTable(name)
        if self.tables.allSatisfy({ $0.colocationID != old.colocationID }) {
            colocationGroups.removeAll { $0.id == old.colocationID }
        }
    }

    /// `ALTER TABLE ... RENAME TO ...`: the table and its shards' table name (shard ids stay).
    mutating func renameTable(_ name: String, to newName: String) {
        guard table(name) != nil else { return }
        renameTableRow(name, to: newName)
        for s in shards(of: name) {
            let placed = placements(of: s.id)
            removeShard(s.id)
            var renamed = s
            renamed.table = newName
            insertShard(renamed)
            for p in placed { insertPlacement(p) }
        }
    }
}
