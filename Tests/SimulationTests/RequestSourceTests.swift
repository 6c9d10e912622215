import SimCore
import Simulation
import Workload
import XCTest

/// Where requests come from, alone: arrivals, thinning, replay, tenants by database.
final class RequestSourceTests: XCTestCase {
    private let lookup = ScenarioBuilder.router(cpu: .exponential(mean: 0.001))

    private func openScenario(rate: Double = 100) throws -> ClusterScenario {
        try ScenarioBuilder.scenario(classes: [lookup, ScenarioBuilder.fanOut(cpu: .constant(0.01))], arrivals: .open(.constant(rate), sessions: 8))
    }

    /// One request's draws, in the order the simulation makes them.
    private func draw(_ r: inout RequestSource, at now: SimTime) -> [Double] {
        guard case .generated(let next, let kept)? = r.arrival(at: now) else { return [] }
        let cls = r.cls()
        return [Double(next.microseconds), kept ? 1 : 0, Double(r.tenant(session: nil).raw), Double(cls.raw), Double(r.workerDemand(cls: cls))]
    }

    /// The same scenario and seed give the same requests; another seed others.
    func testSameSeedSameRequests() throws {
        let scenario = try openScenario()
        var a = try RequestSource(scenario: scenario, seed: 3, replay: nil, record: false)
        var b = try RequestSource(scenario: scenario, seed: 3, replay: nil, record: false)
        var c = try RequestSource(scenario: scenario, seed: 4, replay: nil, record: false)
        var (x, y, z) = ([Double](), [Double](), [Double]())
        for i in 0..<200 {
            let now = SimTime.zero + .milliseconds(Int64(i))
            x += draw(&a, at: now); y += draw(&b, at: now); z += draw(&c, at: now)
        }
        XCTAssertEqual(x.count, 1_000)
        XCTAssertEqual(x, y)
        XCTAssertNotEqual(x, z)
    }

    /// Candidates come at the curve's maximum rate; every one is kept at the full rate, and
    /// about a quarter with a rate multiplier of 0.25 (thinning).
    func testThinning() throws {
        var r = try RequestSource(scenario: try openScenario(rate: 100), seed: 1, replay: nil, record: false)
        var now = r.firstArrival()!
        var kept = [0, 0]
        let n = 20_000
        for phase in 0..<2 {
            if phase == 1 { r.rateMultiplier = 0.25 }
            for _ in 0..<n {
                guard case .generated(let next, let k)? = r.arrival(at: now) else { return XCTFail("generated arrivals") }
                XCTAssertGreaterThan(next, now)
                now = next
                kept[phase] += k ? 1 : 0
            }
        }
        XCTAssertEqual(kept[0], n)
        // Binomial(20 000, 0.25): standard deviation 0.003 of the share.
        XCTAssertEqual(Double(kept[1]) / Double(n), 0.25, accuracy: 0.015)
        // 40 000 candidates at 100/s take about 400 s.
        XCTAssertEqual(now.seconds, 400, accuracy: 12)
    }

    /// A replayed trace comes back request by request, each with the next one's instant.
    func testReplay() throws {
        var trace = RequestTrace()
        trace.append(time: .zero + .seconds(1), tenant: 5, cls: 1)
        trace.append(time: .zero + .seconds(2), tenant: 9, cls: 0)
        var r = try RequestSource(scenario: try openScenario(), seed: 1, replay: trace, record: false)
        XCTAssertEqual(r.firstArrival(), .zero + .seconds(1))
        XCTAssertEqual(r.arrival(at: .zero + .seconds(1)), .replayed(tenant: 5, cls: 1, next: .zero + .seconds(2)))
        XCTAssertEqual(r.arrival(at: .zero + .seconds(2)), .replayed(tenant: 9, cls: 0, next: nil))
        var empty = try RequestSource(scenario: try openScenario(), seed: 1, replay: RequestTrace(), record: false)
        XCTAssertNil(empty.firstArrival())
    }

    /// Closed loop with 3 databases: a client draws tenants of its own database (tenant i is
    /// in database i mod 3). New activity applies per database; a database whose tenants all
    /// become idle keeps its old draws instead of losing its clients' requests.
    func testClosedLoopTenantsStayInTheirDatabase() throws {
        var scenario = try ScenarioBuilder.scenario(tenants: 30, classes: [lookup], arrivals: .closed(clients: 6, think: .constant(1)))
        scenario.workload.databases = 3
        var r = try RequestSource(scenario: scenario, seed: 2, replay: nil, record: false)
        XCTAssertTrue(r.isClosedLoop)
        XCTAssertEqual(r.think(), .seconds(1))
        XCTAssertNil(r.firstArrival(), "no arrival events in closed loop")
        XCTAssertNil(r.arrival(at: .zero))
        for session in (0..<6).map(SessionID.init) {
            for _ in 0..<50 { XCTAssertEqual(r.tenant(session: session).database(of: 3), session.database(of: 3)) }
        }
        // Database 0: all activity on tenant 3; database 1: idle; database 2: tenant 29 only.
        var weights = [Double](repeating: 0, count: 30)
        weights[3] = 1
        weights[29] = 1
        r.setTenantActivity(weights)
        var seen1 = Set<TenantIndex>()
        for _ in 0..<100 {
            XCTAssertEqual(r.tenant(session: 0), 3)
            XCTAssertEqual(r.tenant(session: 2), 29)
            let t = r.tenant(session: 1)
            XCTAssertEqual(t.database(of: 3), 1)
            seen1.insert(t)
        }
        XCTAssertGreaterThan(seen1.count, 1, "database 1 keeps its old activity")
    }

    /// Recording keeps each request made, in order.
    func testRecording() throws {
        var r = try RequestSource(scenario: try openScenario(), seed: 1, replay: nil, record: true)
        r.record(time: .zero + .seconds(1), tenant: 4, cls: 1)
        r.record(time: .zero + .seconds(3), tenant: 2, cls: 0)
        XCTAssertEqual(r.recorded?.tenants, [4, 2])
        XCTAssertEqual(r.recorded?.classes, [1, 0])
        XCTAssertNil(try RequestSource(scenario: try openScenario(), seed: 1, replay: nil, record: false).recorded)
    }
}
