import Scenario
import Simulation
import XCTest

/// `workload.clients.at_end` as read from a scenario file.
final class ClientsAtEndReaderTests: XCTestCase {
    func scenario(_ atEnd: String) throws -> ClusterScenario {
        let yaml = """
            version: 1
            kind: cluster
            run: {seed: 5, duration: 10s, warmup: 0s, replications: 1, sample_interval: 5s}
            cluster:
              coordinator: {cores: 2, memory_gib: 8}
              workers: {count: 2, cores: 2, memory_gib: 8}
            tables:
              - {name: t, type: distributed}
            tenants: {count: 100, total_size_gib: 0.01}
            workload:
              clients: {count: 4, think_time: {distribution: constant, value: 0ms}\(atEnd)}
              classes:
                - {name: q, kind: router, share: 1, table: t, worker_cpu: {distribution: constant, value: 2ms}}
            """
        return try RunFixture.cluster(yaml, file: "at-end.yaml")
    }

    func testReadsFinishAndDefaultsToStop() throws {
        XCTAssertTrue(try scenario(", at_end: finish").workload.clientsFinishAtEnd)
        XCTAssertFalse(try scenario(", at_end: stop").workload.clientsFinishAtEnd)
        XCTAssertFalse(try scenario("").workload.clientsFinishAtEnd)
    }

    func testRefusesAnotherValueNamingTheChoices() throws {
        XCTAssertThrowsError(try scenario(", at_end: drain")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("at-end.yaml") && text.contains("at_end") && text.contains("finish"), text)
        }
    }
}
