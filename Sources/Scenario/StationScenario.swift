import QueueingModels
import SimCore
import Yams

/// A `kind: station` scenario: one queueing station, to see the kernel agree with
/// queueing theory (the shipped `Scenarios/kernel-station.yaml`).
public struct StationScenario: Sendable, Equatable {
    public var name: String
    public var run: ReplicationSettings
    public var station: StationConfig
}

enum StationScenarioReader {
    static func read(_ root: YAMLMapping, name: String) -> StationScenario? {
        let reader = root.reader
        var run: ReplicationSettings?
        if let r = root.mapping("run", required: false) {
            let seed = r.unsigned("seed", default: 1)
            let reps = r.integer("replications", in: 1...10_000, default: 10)
            let conf = r.number("confidence", in: 0.5...0.999, default: 0.95)
            r.finish()
            if let seed, let reps, let conf { run = ReplicationSettings(seed: seed, replications: reps, confidence: conf) }
            if let reps, reps < 3 { reader.warning(r.value("replications"), "fewer than 3 replications give very wide confidence intervals") }
        } else {
            run = ReplicationSettings()
        }
        guard let s = root.mapping("station") else { return nil }
        let discipline = s.string("discipline", allowed: StationConfig.Discipline.allCases.map(\.rawValue)).flatMap(StationConfig.Discipline.init(rawValue:))
        let servers = s.integer("servers", in: 1...1_000_000)
        let rate = s.number("arrival_rate_per_second", in: 0...1e9, lowerExclusive: true)
        let service = s.mapping("service").flatMap(DistributionReader.read)
        let customers = s.integer("customers", in: 1...Int(UInt32.max))
        let warmup = s.integer("warmup_customers", in: 0...Int(UInt32.max), default: 0)
        s.finish()
        if let customers, let warmup, warmup >= customers {
            reader.error(s.value("warmup_customers"), "`station.warmup_customers` (\(warmup)) must be less than `station.customers` (\(customers))")
            return nil
        }
        guard let discipline, let servers, let rate, let service, let customers, let warmup, let run else { return nil }
        let config = StationConfig(discipline: discipline, servers: servers, arrivalRatePerSecond: rate, service: service, customers: customers, warmupCustomers: warmup)
        if discipline != .loss && config.utilization >= 1 {
            reader.error(s.value("arrival_rate_per_second"), "offered load per server is \(config.utilization) (arrival rate × mean service / servers); a queue with load >= 1 never settles: lower the rate or add servers")
            return nil
        }
        if discipline != .loss && config.utilization > 0.95 {
            reader.warning(s.value("arrival_rate_per_second"), "offered load per server is \(config.utilization): results converge slowly above 0.95")
        }
        return StationScenario(name: name, run: run, station: config)
    }


}
