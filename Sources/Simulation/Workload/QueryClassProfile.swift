import SimCore
import Workload

/// What the simulation's hot path needs of one query class, derived once from the scenario's
/// `QueryClass`. Plain values only, so reading a profile on every event retains nothing.
struct QueryClassProfile {
    /// The scenario table the class reads or writes (a distributed table).
    let table: Int
    /// The class's tasks go to the request's tenant's shard: single-tenant classes, and each
    /// subplan of an across_schemas class (the tenant is then the subplan's schema).
    let singleTenant: Bool
    /// across_schemas: subplans (schemas read) per query; 0 for the other classes.
    let subplans: Int32
    let isWrite: Bool
    /// insert_select_coordinator: a SELECT fan-out to the coordinator, then a write fan-out.
    let twoPhase: Bool
    /// Pages a shard task of the class reads: bytes read / page size, rounded up.
    let pagesRead: Double
    /// Bytes of a shard task's result and of its writes.
    let resultBytes: Double, writeBytes: Double
    /// UPDATE or DELETE on a table without a replica identity (fails while a logical move
    /// of its shard runs).
    let failsWithoutReplicaIdentity: Bool
    /// Sort and hash nodes of a shard task's plan (`QueryClass.sortNodes`, `hashNodes`), and
    /// the bytes a task reads (what one node can hold at most).
    let sortNodes: Double, hashNodes: Double, bytesRead: Double
    /// The combine query's sort and hash nodes on the coordinator (`ResultTuplestore`).
    let mergeSortNodes: Double, mergeHashNodes: Double

    /// The profile of `c`; `table` is its table's index in the scenario.
    init(_ c: QueryClass, table: Int, hasReplicaIdentity: Bool) {
        self.table = table
        singleTenant = c.isSingleTenant || c.kind == .acrossSchemas
        subplans = c.kind == .acrossSchemas ? Int32(c.schemasPerQuery) : 0
        isWrite = c.isWrite
        twoPhase = c.kind == .insertSelectCoordinator
        pagesRead = (c.bytesRead / SimulationLayout.pageBytes).rounded(.up)
        resultBytes = c.resultBytes
        writeBytes = c.writeBytes
        failsWithoutReplicaIdentity = (c.command == .update || c.command == .delete) && !hasReplicaIdentity
        sortNodes = Double(c.sortNodes)
        hashNodes = Double(c.hashNodes)
        mergeSortNodes = Double(c.mergeSortNodes)
        mergeHashNodes = Double(c.mergeHashNodes)
        bytesRead = c.bytesRead
    }
}

extension Array where Element == QueryClassProfile {
    /// The profile of class `c`.
    subscript(c: QueryClassIndex) -> QueryClassProfile { self[c.index] }
}
