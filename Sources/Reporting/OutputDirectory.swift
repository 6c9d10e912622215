import Foundation

/// Writes a run's files all or nothing: into a temporary sibling directory first, then
/// renamed over the target, so an interrupted or failed run never leaves a half-written
/// result and the previous result stays intact until the new one is complete.
public enum OutputDirectory {
    public struct WriteError: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Replaces directory `path` by one holding `files` (name, contents), in order.
    public static func write(_ files: [(name: String, contents: String)], to path: String) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: path)
        let parent = target.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            if fm.fileExists(atPath: staging.path) { try fm.removeItem(at: staging) }
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
            for file in files {
                try Data(file.contents.utf8).write(to: staging.appendingPathComponent(file.name), options: .atomic)
            }
            // Swap by renames: the old result stays whole until the new one is complete.
            if fm.fileExists(atPath: target.path) {
                let previous = parent.appendingPathComponent(".\(target.lastPathComponent).previous-\(ProcessInfo.processInfo.processIdentifier)")
                if fm.fileExists(atPath: previous.path) { try fm.removeItem(at: previous) }
                try fm.moveItem(at: target, to: previous)
                do {
                    try fm.moveItem(at: staging, to: target)
                } catch {
                    try? fm.moveItem(at: previous, to: target)
                    throw error
                }
                try? fm.removeItem(at: previous)
            } else {
                try fm.moveItem(at: staging, to: target)
            }
        } catch {
            try? fm.removeItem(at: staging)
            throw WriteError(description: "cannot write results to \(path): \(error.localizedDescription)")
        }
    }
}
