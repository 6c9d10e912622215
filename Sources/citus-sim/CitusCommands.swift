import ArgumentParser
import ClusterModel
import Diagnostics
import Foundation
import Planner
import Reporting
import Runbook
import SQL
import Scenario

/// `citus-sim shard-of`: where values land (`worker_hash`, shard index and range).
struct ShardOf: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shard-of",
        abstract: "Print the hash and shard of distribution values, as Citus computes them.",
        discussion: "Prints CSV: value,hash,shard_index,shardminvalue,shardmaxvalue (shard_index is 0-based, in range order, for a table with the uniform layout)."
    )

    @Option(help: "Number of shards (1...64000).")
    var shardCount: Int

    @Option(name: .customLong("type"), help: "Distribution column type: int, bigint, smallint, text, varchar, uuid or date.")
    var type: String

    @Argument(help: "Values.")
    var values: [String]

    func validate() throws {
        guard (1...64_000).contains(shardCount) else { throw ValidationError("--shard-count must be in 1...64000, got \(shardCount)") }
        guard DistributionColumnType(sqlName: type) != nil else {
            throw ValidationError("--type `\(type)` is not supported; use int, bigint, smallint, text, varchar, uuid or date")
        }
        guard !values.isEmpty else { throw ValidationError("give at least one value") }
    }

    func run() throws {
        let columnType = DistributionColumnType(sqlName: type)!
        let ranges = HashRange.uniform(shardCount: shardCount)
        var w = CSVWriter(columns: ["value", "hash", "shard_index", "shardminvalue", "shardmaxvalue"])
        for v in values {
            switch columnType.parse(v) {
            case .failure(let e):
                CLI.printError("error: argument `\(v)`: \(e.description)")
                throw ExitCode(2)
            case .success(let value):
                let hash = value.hash(as: columnType)
                let i = HashRange.uniformIndex(of: hash, shardCount: shardCount)
                w.appendRow([.text(v), .integer(Int64(hash)), .integer(Int64(i)), .integer(Int64(ranges[i].min)), .integer(Int64(ranges[i].max))])
            }
        }
        print(w.text, terminator: "")
    }
}

/// Options shared by `plan` and `apply`: the exported metadata.
struct MetadataFiles: ParsableArguments {
    @Option(help: "pg_dist_node exported as CSV (\\copy (SELECT * FROM pg_dist_node) TO 'nodes.csv' CSV HEADER).")
    var nodes: String

    @Option(help: "citus_shards joined with pg_dist_shard as CSV (see README).")
    var shards: String

    func load() throws -> ClusterState {
        do {
            var notes: [Finding] = []
            let state = try ClusterCSV.load(nodesPath: nodes, shardsPath: shards, notes: &notes)
            for n in notes { CLI.printError(n.description) }
            return state
        } catch let e as InputError {
            CLI.printError(e.description)
            throw ExitCode(2)
        }
    }
}

/// `citus-sim plan`: what get_rebalance_table_shards_plan would return.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the rebalance plan Citus would make (get_rebalance_table_shards_plan).",
        discussion: "NOTICE and WARNING lines go to stderr. Defaults are Citus's: strategy by_disk_size, its thresholds, max 1000000 moves. Exit codes: 0 ok, 2 invalid input or a Citus ERROR."
    )

    @OptionGroup var files: MetadataFiles

    @Option(help: "Rebalance strategy: by_shard_count or by_disk_size (Citus's default).")
    var strategy: String = "by_disk_size"

    @Option(help: "Threshold (default: the strategy's; raised to its minimum with a WARNING).")
    var threshold: Float?

    @Option(help: "Improvement threshold (default: the strategy's).")
    var improvementThreshold: Float?

    @Option(help: "Maximum shard moves.")
    var maxShardMoves: Int = 1_000_000

    @Flag(help: "Only move shards off nodes that should not have them.")
    var drainOnly = false

    @Option(help: "Shard ids to leave in place, comma-separated.")
    var excludedShardList: String?

    @Option(help: "Plan only this table (and its colocated tables).")
    var relation: String?

    @Option(help: "citus.rebalancer_by_disk_size_base_cost in bytes (default 104857600).")
    var baseCostBytes: Int64?

    @Option(help: "Output format: csv, table or json.")
    var format: String = "csv"

    func validate() throws {
        guard RebalanceStrategy.named(strategy) != nil else {
            throw ValidationError("--strategy `\(strategy)` is unknown; use \(RebalanceStrategy.builtInNames.joined(separator: " or "))")
        }
        guard PlanOutput.Format(rawValue: format) != nil else { throw ValidationError("--format `\(format)` is unknown; use csv, table or json") }
        if let t = threshold, !(t.isFinite && t >= 0 && t < 1) { throw ValidationError("--threshold must be in [0, 1), got \(t)") }
        if let t = improvementThreshold, !(t.isFinite && t >= 0) { throw ValidationError("--improvement-threshold must be >= 0, got \(t)") }
        guard maxShardMoves >= 0 else { throw ValidationError("--max-shard-moves must be >= 0, got \(maxShardMoves)") }
        if let b = baseCostBytes, b < 0 { throw ValidationError("--base-cost-bytes must be >= 0, got \(b)") }
        _ = try excludedShards()
    }

    func excludedShards() throws -> [ShardID] {
        guard let list = excludedShardList, !list.isEmpty else { return [] }
        return try list.split(separator: ",").map { part in
            guard let id = Int64(part.trimmingCharacters(in: .whitespaces)), id > 0 else {
                throw ValidationError("--excluded-shard-list: `\(part)` is not a shard id")
            }
            return ShardID(id)
        }
    }

    func run() throws {
        var state = try files.load()
        if let b = baseCostBytes { state.settings.rebalancerByDiskSizeBaseCost = b }
        let options = RebalancePlanner.Options(
            relation: relation, strategy: RebalanceStrategy.named(strategy)!, threshold: threshold,
            improvementThreshold: improvementThreshold, maxShardMoves: maxShardMoves,
            excludedShards: try excludedShards(), drainOnly: drainOnly)
        let plan: RebalancePlan
        do {
            plan = try RebalancePlanner(state: state, options: options).plan()
        } catch let e as CitusError {
            CLI.printError(e.description)
            throw ExitCode(2)
        }
        for m in plan.messages { CLI.printError(m.description) }
        print(PlanOutput.render(plan.rows, format: PlanOutput.Format(rawValue: format)!), terminator: "")
    }
}

/// `citus-sim apply`: the metadata after a runbook of Citus statements.
struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply a runbook of Citus statements to exported metadata; print the resulting shards (SHARDS.csv format).",
        discussion: "Statements run in order; NOTICE/WARNING lines go to stderr; the first ERROR stops the runbook (file:line on stderr, exit 2) and nothing is printed to stdout."
    )

    @OptionGroup var files: MetadataFiles

    @Option(help: "The runbook (SQL).")
    var sql: String

    @Option(help: "Also write the node table after the runbook (NODES.csv format), so a next runbook can chain after citus_add_node.")
    var nodesOut: String?

    @Option(help: "Also write the citus_schemas view after the runbook (schema-based sharding's tenant schemas, their colocation groups and sizes) as CSV.")
    var schemasOut: String?

    func run() throws {
        let state = try files.load()
        guard let data = FileManager.default.contents(atPath: sql), let text = String(data: data, encoding: .utf8) else {
            CLI.printError("\(sql): error: cannot read the file (missing, unreadable or not UTF-8)")
            throw ExitCode(2)
        }
        var runner = RunbookRunner(state: state, file: sql)
        do {
            try runner.run(try SQLRunbookParser.parse(text, file: sql))
        } catch let e as InputError {
            for m in runner.messages { CLI.printError(m) }
            CLI.printError(e.description)
            throw ExitCode(2)
        }
        for m in runner.messages { CLI.printError(m) }
        if let nodesOut {
            try CLI.reportingInternalErrors { try Data(NodesCSV.render(runner.state).utf8).write(to: URL(fileURLWithPath: nodesOut), options: .atomic) }
        }
        if let schemasOut {
            try CLI.reportingInternalErrors { try Data(CitusSchemasCSV.render(runner.state).utf8).write(to: URL(fileURLWithPath: schemasOut), options: .atomic) }
        }
        // Every input column goes back out (issue 21): the ones apply does not read, per shard.
        let carried = (try? CSVTable.read(path: files.shards)).map { ClusterCSV.carriedColumns(of: $0, read: ShardsCSV.columns) } ?? .init()
        print(ShardsCSV.render(runner.state, carrying: carried), terminator: "")
    }
}
