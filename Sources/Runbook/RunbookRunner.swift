import ClusterModel
import Diagnostics
import Planner
import SQL

/// Applies a runbook of Citus statements to cluster metadata without time (`citus-sim apply`):
/// what the metadata looks like after a DBA runs it, with the NOTICE/WARNING lines Citus prints.
///
/// An ERROR stops the runbook, as psql with ON_ERROR_STOP does, and is reported with the
/// statement's file and line. Inside BEGIN ... ROLLBACK the metadata is restored but shard
/// ids drawn from the sequence stay consumed, as in Citus.
public struct RunbookRunner {
    public var state: ClusterState
    public internal(set) var messages: [String] = []
    let file: String
    /// Column types and primary-key flags from CREATE TABLE statements (lookup only).
    var createdTables: [String: (columns: [(name: String, type: String)], hasPrimaryKey: Bool)] = [:]
    /// Names of CREATE TABLE statements' tables, schema-qualified when they were, in order.
    var createdTableOrder: [String] = []
    /// Schemas made by CREATE SCHEMA, in order (tenant schemas are also in `state`).
    var createdSchemas: [String] = []
    /// `citus.enable_schema_based_sharding` in the runbook's session (off by default, as in
    /// Citus; a timeline's runner starts from the scenario's setting).
    public var schemaBasedSharding = false
    /// The first schema of `search_path` when a runbook sets it: where unqualified CREATE
    /// TABLE statements put their table.
    var searchPathSchema: String?
    var transactionStart: ClusterState?
    /// Background jobs started so far (job ids in NOTICE lines).
    var jobCount = 0
    /// Next id of `pg_dist_background_task_task_id_seq`.
    var nextTaskID: Int64 = 1
    /// `ALTER SYSTEM` settings waiting for `pg_reload_conf()` (timed runs), and those applied.
    var pendingSystemSettings: [(name: String, value: SQLValue)] = []
    var appliedSystemSettings: [(name: String, value: SQLValue)] = []
    /// Clones registered by `citus_add_clone_node`, not yet promoted.
    public internal(set) var clones: [CloneNode] = []
    /// Tables with REPLICA IDENTITY FULL and no primary key (membership only): logical
    /// replication's apply scans the target shard for each UPDATE and DELETE. Seeded by the
    /// simulator from the scenario; `ALTER TABLE` statements change it.
    public var replicaIdentityFull: Set<String> = []
    /// Set by the simulator while a background rebalance job runs.
    public var jobRunning = false

    public init(state: ClusterState, file: String) {
        self.state = state
        self.file = file
    }

    /// Runs every statement in order.
    public mutating func run(_ statements: [SQLStatement]) throws {
        for s in statements {
            do {
                try execute(s)
            } catch let e as CitusError {
                throw located(s, e.description)
            } catch let e as ClusterError {
                throw located(s, e.description)
            }
        }
    }

    /// A finding at the statement; psql's `ERROR:  ` prefix is dropped, since the finding
    /// already says `error:`.
    func located(_ s: SQLStatement, _ message: String) -> InputError {
        let text = message.hasPrefix("ERROR:  ") ? String(message.dropFirst(8)) : message
        return InputError(findings: [Finding(file: file, line: s.line, column: s.column, severity: .error, message: text)])
    }

    mutating func note(_ s: SQLStatement, _ m: CitusMessage) { messages.append("\(file):\(s.line): \(m.description)") }

    mutating func execute(_ s: SQLStatement) throws {
        switch s.kind {
        case .begin: transactionStart = state
        case .commit: transactionStart = nil
        case .rollback:
            guard let saved = transactionStart else {
                note(s, CitusMessage(.warning, "there is no transaction in progress"))
                return
            }
            let (sequence, nextShard) = (state.shardIDSequence, state.settings.nextShardID)
            state = saved
            state.shardIDSequence = sequence  // sequences are never rolled back
            if nextShard > 0 { state.settings.nextShardID = nextShard }
            transactionStart = nil
        case .createTable(let name, let columns, let primaryKey): try createTable(name, columns: columns, hasPrimaryKey: primaryKey, statement: s)
        case .createSchema(let name, let ifNotExists): try createSchema(name, ifNotExists: ifNotExists, statement: s)
        case .addReplicaIdentity(let table, let full):
            if full {
                // The docs' caution: with FULL, each replicated UPDATE or DELETE is matched on the
                // target by comparing whole rows, a scan per change where no usable index exists.
                note(s, CitusMessage(.warning, "REPLICA IDENTITY FULL on \(table): logical moves and splits can use it, but each replicated UPDATE or DELETE is matched on the target by whole rows (a scan per change without a usable index), so catch-up is much slower than with a primary key; prefer a primary key"))
            }
            // Without a primary key (known from CREATE TABLE, or a table that had no identity at
            // all), FULL leaves the apply worker no index to find rows by.
            let noKey = createdTables[table].map { !$0.hasPrimaryKey } ?? !(state.table(table)?.hasReplicaIdentity ?? true)
            if full && noKey { replicaIdentityFull.insert(table) } else if !full { replicaIdentityFull.remove(table) }
            guard state.table(table) != nil else {
                guard let created = createdTables[table] else { throw CitusError("relation \"\(table)\" does not exist") }
                createdTables[table] = (created.columns, true)
                return
            }
            state.updateTable(table) { $0.hasReplicaIdentity = true }
        case .passedOver(let reason): messages.append("\(file):\(s.line): note: passed over \(reason)")
        case .setDatabaseDefault(let name, let value):
            // New sessions take it; citus-sim's sessions take it from now on, as if the
            // application's pool renewed its connections at once (said in a note).
            if let warning = Self.unknownSettingWarning(name) { note(s, warning) }
            try set(name, value)
            appliedSystemSettings.append((name, value))
            messages.append("\(file):\(s.line): note: ALTER DATABASE ... SET \(name) applies to new sessions; citus-sim applies it to every session from now on (an application pool picks it up as it reconnects)")
        case .set(let name, let value, _):
            if let warning = Self.unknownSettingWarning(name) { note(s, warning) }
            try set(name, value)
        case .call("run_command_on_workers", _):
            messages.append("\(file):\(s.line): note: passed over run_command_on_workers(): citus-sim runs nothing on the workers and no placement changes; the worker settings a simulation uses come from its scenario")
        case .call(let function, _) where Self.statusFunctions.contains(function):
            messages.append("\(file):\(s.line): note: passed over \(function)(): it reports or cleans up and changes no placement")
        case .call(let function, let arguments):
            guard let handler = RunbookRunner.functions[function] else {
                let known = RunbookRunner.functions.keys.sorted()
                let hint = Spelling.closest(to: function, in: known + Self.statusFunctions.sorted()).map { "did you mean \($0)()? " } ?? ""
                throw CitusError("citus-sim does not support \(function)(); \(hint)supported: \(known.joined(separator: ", "))")
            }
            var call = BoundCall(function: function, signature: handler.signature, statement: s)
            try call.bind(arguments)
            try handler.run(&self, call)
        }
    }

    mutating func set(_ name: String, _ value: SQLValue) throws {
        func int() throws -> Int64 {
            switch value {
            case .number(let n): if let v = Int64(n) { return v }
            case .string(let t): if let v = Int64(t) { return v }
            default: break
            }
            throw CitusError("invalid value for parameter \"\(name)\": \"\(value)\"")
        }
        switch name {
        case "citus.shard_count":
            let v = try int()
            guard (1...64_000).contains(v) else { throw CitusError("\(v) is outside the valid range for parameter \"citus.shard_count\" (1 .. 64000)") }
            state.settings.shardCount = Int(v)
        case "citus.shard_replication_factor":
            let v = try int()
            guard (1...100).contains(v) else { throw CitusError("\(v) is outside the valid range for parameter \"citus.shard_replication_factor\" (1 .. 100)") }
            state.settings.shardReplicationFactor = Int(v)
        case "citus.metadata_sync_mode":
            var text = ""
            if case .string(let t) = value { text = t } else if case .number(let t) = value { text = t }
            guard ["transactional", "nontransactional"].contains(text) else {
                throw CitusError("invalid value for parameter \"citus.metadata_sync_mode\": \"\(text)\"", hint: "Available values: transactional, nontransactional.")
            }
            state.settings.metadataSyncNontransactional = text == "nontransactional"
        case "citus.next_shard_id": state.settings.nextShardID = try int()
        case "citus.next_placement_id": state.settings.nextPlacementID = try int()
        case "citus.rebalancer_by_disk_size_base_cost": state.settings.rebalancerByDiskSizeBaseCost = try int()
        case "citus.max_rebalancer_logged_ignored_moves": state.settings.maxRebalancerLoggedIgnoredMoves = Int(try int())
        case "citus.max_background_task_executors": state.settings.maxBackgroundTaskExecutors = Int(try int())
        case "citus.max_background_task_executors_per_node": state.settings.maxBackgroundTaskExecutorsPerNode = Int(try int())
        case "citus.enable_schema_based_sharding":
            switch value {
            case .bool(let b): schemaBasedSharding = b
            case .string(let t) where ["on", "true", "yes", "1", "off", "false", "no", "0"].contains(t.lowercased()):
                schemaBasedSharding = ["on", "true", "yes", "1"].contains(t.lowercased())
            case .number(let n) where n == "0" || n == "1": schemaBasedSharding = n == "1"
            default: throw CitusError("parameter \"citus.enable_schema_based_sharding\" requires a Boolean value")
            }
        case "search_path":
            if case .string(let path) = value { searchPathSchema = path.split(separator: ",").first.map { String($0).trimmingSpaces.trimmingQuotes } }
        default:
            // Settings that do not change placement (statement_timeout, max_worker_processes...) are accepted.
            break
        }
    }
}

/// A function's parameters in order, with defaults (nil = required).
struct Signature: Sendable {
    var parameters: [(name: String, fallback: SQLValue?)]
}

/// Arguments bound to a signature by position and by name, as PostgreSQL binds them.
struct BoundCall {
    let function: String
    let signature: Signature
    let statement: SQLStatement
    var values: [SQLValue?] = []

    init(function: String, signature: Signature, statement: SQLStatement) {
        self.function = function
        self.signature = signature
        self.statement = statement
        values = signature.parameters.map(\.fallback)
    }

    mutating func bind(_ arguments: [SQLArgument]) throws {
        var seenNamed = false
        for (i, a) in arguments.enumerated() {
            if let name = a.name {
                seenNamed = true
                guard let p = signature.parameters.firstIndex(where: { $0.name == name }) else {
                    throw CitusError("function \(function) has no parameter named \(name); parameters: \(signature.parameters.map(\.name).joined(separator: ", "))")
                }
                values[p] = a.value
            } else {
                guard !seenNamed else { throw CitusError("positional argument cannot follow named argument") }
                guard i < signature.parameters.count else {
                    throw CitusError("function \(function) takes at most \(signature.parameters.count) arguments (\(signature.parameters.map(\.name).joined(separator: ", ")))")
                }
                values[i] = a.value
            }
        }
        for (i, p) in signature.parameters.enumerated() where values[i] == nil {
            throw CitusError("function \(function) needs argument \(p.name)")
        }
    }

    func value(_ name: String) -> SQLValue {
        values[signature.parameters.firstIndex { $0.name == name }!]!
    }

    func isNull(_ name: String) -> Bool { value(name) == .null }

    func string(_ name: String) throws -> String {
        switch value(name) {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: throw CitusError("\(function): \(name) must be a string, got \(value(name))")
        }
    }

    func optionalString(_ name: String) throws -> String? { isNull(name) ? nil : try string(name) }

    func int(_ name: String) throws -> Int64 {
        switch value(name) {
        case .number(let n): if let v = Int64(n) { return v }
        case .string(let s): if let v = Int64(s) { return v }
        default: break
        }
        throw CitusError("\(function): \(name) must be an integer, got \(value(name))")
    }

    func optionalInt(_ name: String) throws -> Int64? { isNull(name) ? nil : try int(name) }

    func float(_ name: String) throws -> Float? {
        switch value(name) {
        case .null: return nil
        case .number(let n): if let v = Float(n) { return v }
        case .string(let s): if let v = Float(s) { return v }
        default: break
        }
        throw CitusError("\(function): \(name) must be a number, got \(value(name))")
    }

    func bool(_ name: String) throws -> Bool {
        switch value(name) {
        case .bool(let b): return b
        case .string(let s) where ["t", "true", "on"].contains(s.lowercased()): return true
        case .string(let s) where ["f", "false", "off"].contains(s.lowercased()): return false
        default: throw CitusError("\(function): \(name) must be a boolean, got \(value(name))")
        }
    }

    /// An array argument: ARRAY[...] or a '{a,b}' literal.
    func list(_ name: String) throws -> [String] {
        switch value(name) {
        case .null: return []
        case .array(let items): return try items.map {
            switch $0 {
            case .string(let s), .number(let s): return s
            default: throw CitusError("\(function): \(name) must hold strings or numbers")
            }
        }
        case .string(let s):
            let inner = s.trimmingSpaces
            guard inner.hasPrefix("{") && inner.hasSuffix("}") else { throw CitusError("malformed array literal: \"\(s)\"") }
            return inner.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces.trimmingQuotes }
        default: throw CitusError("\(function): \(name) must be an array, got \(value(name))")
        }
    }
}

extension String {
    var trimmingQuotes: String { hasPrefix("\"") && hasSuffix("\"") && count >= 2 ? String(dropFirst().dropLast()) : self }
}
