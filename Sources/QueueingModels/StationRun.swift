import SimCore

/// Runs a station for one replication and reports its metrics.
public enum StationRun {
    /// One replication's figures and the number of events the engine handled.
    public struct Result: Sendable {
        public var metrics: [Metric]
        public var events: UInt64
        public var simulatedTime: SimTime
    }

    /// Runs `config` with `seed` until every customer has left.
    public static func run(_ config: StationConfig, seed: UInt64) throws -> Result {
        var engine = Engine(model: try StationModel(config: config, seed: seed), queueCapacity: 64)
        engine.model.start(&engine.scheduler)
        _ = engine.run()
        let model = engine.model
        let end = engine.now
        let window = (end - model.measurementStart).seconds
        var metrics = [
            Metric("customers_measured", Double(model.measuredArrivals)),
            Metric("throughput_per_second", window > 0 ? Double(model.responses.count) / window : 0),
            Metric("utilization", model.utilization(at: end)),
        ]
        if config.discipline == .loss {
            metrics.append(Metric("blocking_probability", Double(model.lost) / Double(max(1, model.measuredArrivals))))
        }
        metrics += model.responses.summary.metrics(prefix: "response_")
        return Result(metrics: metrics, events: engine.eventsHandled, simulatedTime: end)
    }
}
