import Foundation
import TextFormat

/// What a speed benchmark measured: figures in print order (stdout, one `name: value` each)
/// and context for a human (stderr). Timings are wall-clock of this process: compare ratios
/// measured side by side, not absolute figures across machines.
public struct BenchmarkFigures {
    public var figures: [(name: String, value: String)] = []
    public var context: [(name: String, value: String)] = []

    mutating func add(_ name: String, _ value: String) { figures.append((name, value)) }
    mutating func note(_ name: String, _ value: String) { context.append((name, value)) }
}

/// A benchmark that could not measure what it promises (e.g. its two runs disagree).
public struct BenchmarkError: Error, CustomStringConvertible {
    public let description: String
}

/// The process's peak resident set size (VmHWM from /proc/self/status), KiB; 0 when unknown.
public enum PeakMemory {
    public static func residentKiB() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    /// Peak resident memory in MiB, one decimal.
    static var mibText: String { NumberFormat.fixed(Double(residentKiB()) / 1024, 1) }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}
