/// Which measurements `validate-model` fits the costs on, and which it predicts: held-out
/// predictions are the test, so the halves must differ in what they ask of the model.
///
/// The standard split fits on single moves (family a), serial background rebalances of 32
/// shard groups and their drains (b, c), one client's fan-outs (d) and single queries (e); it
/// predicts parallel rebalances, rebalances and drains of many small groups, fan-outs under
/// load, pgbench (f), backend memory at 128 and 2,048 shards (g) and the cache (h).
public struct ValidationSplit: Sendable {
    public var name = "standard"

    public init() {}

    /// The words for the report.
    public var fitHalf: String {
        "single shard moves (family a); serial background rebalances (executors 1/1) of 32 shard groups and the drains before them (b, c); one client's fan-outs (d); single queries (e); pgbench's fast count(*) with 16 clients, the default shared pool and pool size 1, which saturates the host without opening connections per query (f); backend memory at 32, 512 and 8,192 shards (g); reads across 2, 8 and 32 schemas (j); the smallest schema's undistribute and distribute (k)"
    }
    public var heldOutHalf: String {
        "parallel background rebalances (executors 4/2, with and without parallel colocated transfers) and their drains; rebalances and drains of 128 small shard groups (c); fan-outs under 8 clients (d); the other pgbench runs (f); backend memory at 128 and 2,048 shards (g); the two-level cache (h); reads across 4 and 16 schemas (j); the larger schemas' undistribute and distribute (k)"
    }

    func fits(_ m: LabMeasurements.SingleMove) -> Bool { true }

    /// Serial jobs of the 32-group series are fitted (with their drains); the rest is held out.
    func fits(_ r: LabMeasurements.RebalanceRun) -> Bool { r.shardCount <= 32 && r.executors == 1 }

    func fitsFanout(_ f: LabMeasurements.FanoutRun) -> Bool { f.clients == 1 }

    /// One pgbench run is fitted: the fast `count(*)`, 16 clients, the default shared pool and
    /// pool size 1 (one cached connection per worker, so no connections opened per query). It
    /// keeps the host's two cores busy, so its rate measures all of a query's CPU.
    func fitsPgbench(_ r: LabMeasurements.PgbenchRun) -> Bool {
        r.query == "fast_count" && r.clients == 16 && r.sharedPool == "default" && r.poolSize == 1
    }

    /// Reads across schemas: every other schema count, from the fewest (2, 8, 32 of 2, 4, 8, 16,
    /// 32), fits the per-subplan cost; the ones between are predicted.
    func fitsAcross(_ r: LabMeasurements.AcrossSchemasRun, among runs: [LabMeasurements.AcrossSchemasRun]) -> Bool {
        let counts = Set(runs.filter { $0.schemasRead > 1 }.map(\.schemasRead)).sorted()
        return (counts.firstIndex(of: r.schemasRead) ?? 1) % 2 == 0
    }

    /// Schema conversions: the smallest schema's runs fit the copy's cost per byte; the larger
    /// ones are predicted (does the cost grow with the bytes as the model says?).
    func fitsConversion(_ r: LabMeasurements.SchemaConversionRun, among runs: [LabMeasurements.SchemaConversionRun]) -> Bool {
        r.targetMiB == runs.map(\.targetMiB).min()
    }

    /// Memory: the smallest, a middle and the largest shard count are fitted (per node kind); the
    /// two between are predicted.
    func fitsMemory(_ r: LabMeasurements.MemoryRun) -> Bool { [32, 512, 8_192].contains(r.shardCount) }
}
