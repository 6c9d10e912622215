import SimCore
import Workload

/// Queries across tenant schemas (`across_schemas`): Citus plans each schema's part as a
/// subplan and `ExecuteSubPlans` runs them one after another, each a one-task query on its
/// schema's node; then the outer query runs on the coordinator (the merge).
extension ClusterSimulation {
    /// An across_schemas subplan's rows reached the coordinator: the next schema's subplan
    /// (one after another, as `ExecuteSubPlans` runs them, over the session's cached
    /// connections), or after the last, the outer query on the coordinator (the merge).
    mutating func subplanDone(request rid: RequestID, _ s: inout Scheduler<ClusterEvent>) {
        requests[rid].remaining -= 1
        let r = requests[rid]
        defer { release(request: rid) }
        guard !r.answered else { return }  // timed out: no further subplans
        if r.remaining > 0 {
            requests[rid].tenant = nextSchema(request: rid)
            if subplanCoordinatorCPU > 0 {
                // The backend plans the next subplan (and stores this one's rows) first: a
                // planning job whose end dispatches it, as for the first.
                return coordinatorJob(request: rid, stage: .plan, work: subplanCoordinatorCPU, &s)
            }
            if hasOperations { dispatchOrHold(request: rid, &s) } else { routerDispatch(request: rid, &s) }
            return
        }
        coordinatorJob(request: rid, stage: .merge, work: r.coordinatorWork - r.coordinatorWork / 2, &s)
    }

    /// The next subplan's schema, drawn by the tenants' activity (independently: a busy schema
    /// may be read twice) from the request's own generator (SplitMix64).
    mutating func nextSchema(request rid: RequestID) -> TenantIndex {
        var z = requests[rid].schemaDraws &+ 0x9E37_79B9_7F4A_7C15
        requests[rid].schemaDraws = z
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return source.schema(uniform: Double(z >> 11) * 0x1.0p-53)
    }
}
