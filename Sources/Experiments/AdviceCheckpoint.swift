import Advisor
import Scenario
import Foundation

/// The finished candidates of a running `citus-sim recommend`, one file each in a directory
/// beside the output (`<out>.checkpoint/`), so that an interrupted search can `--resume`: the
/// search's header (`search.json`: scenario text, seed, budget) and `candidate-<id>.json` per
/// candidate, written atomically as each finishes, in the exact-number form of partial results.
/// Removed once the advice is written.
public final class AdviceCheckpoint: @unchecked Sendable {
    public let directory: String
    let lock = NSLock()

    /// Starts a checkpoint for the search `header` (an existing one for another search is replaced).
    public init(directory: String, header: AdvicePartial.Header) throws {
        self.directory = directory
        let fm = FileManager.default
        if let existing = try? Self.header(in: directory), !Self.resumable(existing, header) { try? fm.removeItem(atPath: directory) }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(AdvicePartial(header: header, outcomes: []).json.utf8).write(to: URL(fileURLWithPath: "\(directory)/search.json"), options: .atomic)
    }

    /// Records a finished candidate (called from worker threads).
    public func record(_ outcome: CandidateOutcome) {
        let text = AdvicePartial.itemJSON(outcome).render()
        lock.lock()
        defer { lock.unlock() }
        try? Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/candidate-\(outcome.id).json"), options: .atomic)
    }

    static func header(in directory: String) throws -> AdvicePartial.Header {
        let path = "\(directory)/search.json"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw AdvicePartial.ReadError(file: path, reason: "no checkpoint here") }
        return try AdvicePartial.parse(text, file: path).header
    }

    /// The candidates a previous run of the same search finished (empty when there is no
    /// checkpoint, or it belongs to another search), by id.
    public static func finished(directory: String, header: AdvicePartial.Header, advisor: Advisor) throws -> [Int: CandidateOutcome] {
        guard let saved = try? Self.header(in: directory), resumable(saved, header) else { return [:] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var out: [Int: CandidateOutcome] = [:]
        for name in names where name.hasPrefix("candidate-") && name.hasSuffix(".json") {
            let path = "\(directory)/\(name)"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), let data = text.data(using: .utf8),
                  let item = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { continue }  // a torn file: redo it
            let o = try AdvicePartial.outcome(from: item, advisor: advisor, file: path)
            out[o.id] = o
        }
        return out
    }

    /// The saved search's candidates still hold for `header`: the same search, or one whose
    /// scenario differs only in keys the post-search studies read (`isolation_candidates` fixed
    /// after a failed study, say).
    static func resumable(_ saved: AdvicePartial.Header, _ header: AdvicePartial.Header) -> Bool {
        if saved.sameSearch(as: header) { return true }
        var relaxed = saved
        relaxed.scenarioText = header.scenarioText
        return relaxed.sameSearch(as: header) && ScenarioLoader.sameSearch(saved.scenarioText, header.scenarioText)
    }

    /// Removes the checkpoint (the advice is written).
    public func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
