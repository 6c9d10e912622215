import SimCore
import Simulation
import Workload
import XCTest

/// `workload.clients.at_end: finish`: the run ends as `pgbench -T` does.
final class ClientsAtEndTests: XCTestCase {
    /// One client, queries of 0.3 s back to back, a 1 s run: `stop` counts the 3 queries done
    /// by 1 s over 1 s; `finish` lets the 4th (running at 1 s) end, at 1.2 s, and counts it and
    /// that time, as pgbench's rate does.
    func testTheRunningQueryFinishesAndCounts() throws {
        func run(finish: Bool) throws -> ClusterRunResult {
            var s = try ScenarioBuilder.scenario(classes: [ScenarioBuilder.router(cpu: .constant(0.3))],
                                                 arrivals: .closed(clients: 1, think: .constant(0)), duration: .seconds(1), warmup: .zero)
            s.cluster.taskCoordinatorCPU = .zero
            s.workload.clientsFinishAtEnd = finish
            return try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1)
        }
        let stop = try run(finish: false), finish = try run(finish: true)
        XCTAssertEqual(stop.measurements.completed.reduce(0, +), 3)
        XCTAssertEqual(stop.value("lookup.throughput_per_second"), 3, accuracy: 1e-9)
        XCTAssertEqual(finish.measurements.completed.reduce(0, +), 4)
        XCTAssertEqual(finish.value("lookup.throughput_per_second"), 4 / 1.2, accuracy: 0.01)
    }

    /// Two clients and one shared-pool slot (no deadlock detector holding another): the
    /// second client waits for the slot the whole run. With `finish` the first disconnects
    /// after its last query, its connection closes, and the second gets the slot, opens its
    /// connection and runs its one query: one connection and two queries more than `stop`.
    func testAWaitingClientGetsTheSlotWhenTheOthersDisconnect() throws {
        func run(finish: Bool) throws -> ClusterRunResult {
            var s = try ScenarioBuilder.scenario(classes: [ScenarioBuilder.fanOut(cpu: .constant(0.01))],
                                                 arrivals: .closed(clients: 2, think: .constant(0)), duration: .seconds(2), warmup: .zero,
                                                 citus: { $0.maxSharedPoolSize = 1; $0.deadlockDetection = false })
            s.workload.clientsFinishAtEnd = finish
            return try ClusterRun.run(s, layout: try ClusterRun.layout(for: s), seed: 1)
        }
        let stop = try run(finish: false), finish = try run(finish: true)
        XCTAssertEqual(stop.value("worker-1.connections_opened"), 1, "only the first client ever connects")
        XCTAssertEqual(finish.value("worker-1.connections_opened"), 2)
        XCTAssertEqual(finish.measurements.completed.reduce(0, +), stop.measurements.completed.reduce(0, +) + 2)
        XCTAssertEqual(finish.value("report.errors"), 0)
    }
}
