import SimCore
import Simulation

/// Family g through the backend memory model (`BackendMemory`): a backend's growth after
/// touching N shards, first query plus bytes per shard, fitted on the fit half's shard counts
/// (`ValidationSplit.fitsMemory`) and predicted for the others.
public enum MemoryReplay {
    public static func rows(_ m: LabMeasurements, split: ValidationSplit) throws -> [ValidationRow] {
        var rows: [ValidationRow] = []
        for node in ["coordinator", "worker"] {
            let runs = m.memory.filter { $0.node == node }
            let fit = runs.filter { split.fitsMemory($0) }
            guard fit.count >= 3 else {
                rows += runs.map { row($0, simulated: nil, heldOut: true, note: "fewer than 3 runs in the fit half: no fit") }
                continue
            }
            let line = try LinearFit(fit.map { (Double($0.shardsTouched), $0.growthBytes) })
            let model = node == "coordinator"
                ? BackendMemory(coordinatorFirstQueryBytes: line.intercept.mean, coordinatorBytesPerShard: line.slope.mean)
                : BackendMemory(workerFirstQueryBytes: line.intercept.mean, workerBytesPerShard: line.slope.mean)
            for r in runs {
                let bytes = node == "coordinator" ? model.coordinatorGrowth(shards: r.shardsTouched) : model.workerGrowth(shards: r.shardsTouched)
                rows.append(row(r, simulated: bytes / 1024, heldOut: !split.fitsMemory(r),
                                note: "first query \(Int((line.intercept.mean / 1024).rounded())) KiB + \(Int(line.slope.mean.rounded())) bytes per shard, fitted on \(fit.map { "\($0.shardsTouched)" }.joined(separator: ", ")) shards touched"))
            }
        }
        return rows
    }

    static func row(_ r: LabMeasurements.MemoryRun, simulated: Double?, heldOut: Bool, note: String) -> ValidationRow {
        ValidationRow(family: "g", experiment: "backend memory", configuration: "\(r.node), \(r.shardsTouched) shards touched",
                      metric: "memory_growth_kib", unit: "KiB", measured: r.growthBytes / 1024, simulated: simulated,
                      tolerance: ModelValidation.timingTolerance, heldOut: heldOut, note: note)
    }
}
