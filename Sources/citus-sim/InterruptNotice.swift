import Foundation

/// What an interrupted command (SIGINT, SIGTERM) says before it exits with 130: that nothing was
/// written (results go to a temporary directory renamed only on success, so the previous results
/// in the output directory are intact) and how much of the work was done. The signal handler uses
/// only async-signal-safe calls (`write`, `_exit`) on preformatted bytes and plain integers.
enum InterruptNotice {
    nonisolated(unsafe) static var prefix: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var done = 0
    nonisolated(unsafe) static var total = 0

    /// Installs the handler for a command writing to `directory`; `unit` names the work ("replications").
    static func install(directory: String, unit: String) {
        let text = Array("\ninterrupted: nothing written; the previous results in \(directory) are unchanged. \(unit) finished before the interrupt: ".utf8CString)
        prefix = UnsafeMutablePointer<CChar>.allocate(capacity: text.count)
        prefix!.initialize(from: text, count: text.count)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { _ in
                if let p = InterruptNotice.prefix { _ = write(2, p, strlen(p)) }
                InterruptNotice.writeNumber(InterruptNotice.done)
                _ = write(2, "/", 1)
                InterruptNotice.writeNumber(InterruptNotice.total)
                _ = write(2, "\n", 1)
                _exit(130)
            }
        }
    }

    /// Records progress (called from progress callbacks).
    static func progress(_ done: Int, _ total: Int) {
        Self.done = done
        Self.total = total
    }

    static func writeNumber(_ value: Int) {
        var digits = [UInt8](repeating: 0, count: 24)
        var v = max(0, value), i = digits.count
        repeat {
            i -= 1
            digits[i] = UInt8(48 + v % 10)
            v /= 10
        } while v > 0 && i > 0
        digits.withUnsafeBufferPointer { b in _ = write(2, b.baseAddress! + i, digits.count - i) }
    }
}
