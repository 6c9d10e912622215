import SimCore
import Workload

/// Task and request records, pool blocks and drawn demands.
extension ClusterSimulation {
    mutating func newTask(_ record: TaskRecord) -> TaskID {
        if let id = freeTasks.popLast() {
            tasks[id] = record
            return id
        }
        tasks.append(record)
        return TaskID(UInt32(tasks.count - 1))
    }

    mutating func freeTask(_ id: TaskID) {
        tasks[id].live = false
        freeTasks.append(id)
    }

    mutating func newRequest(_ record: RequestRecord) -> RequestID {
        if let id = freeRequests.popLast() {
            requests[id] = record
            return id
        }
        requests.append(record)
        return RequestID(UInt32(requests.count - 1))
    }

    /// A block of one pool per worker for a multi-shard request.
    mutating func newPoolBlock() -> PoolID {
        if let base = freePoolBlocks.popLast() { return base }
        let base = PoolID(Int32(pools.count))
        pools.append(WorkerPool(), count: workers)
        return base
    }
}
