import Foundation

/// Saves the input being read when the process dies of a signal (a trap is SIGILL or SIGTRAP
/// in Swift) or a watchdog alarm fires: async-signal-safe `open`/`write` only.
public enum FuzzCrashTrap {
    nonisolated(unsafe) static var buffer: UnsafeMutablePointer<UInt8>?
    nonisolated(unsafe) static var length = 0
    nonisolated(unsafe) static var path: UnsafeMutablePointer<CChar>?
    nonisolated(unsafe) static var directory = ""
    nonisolated(unsafe) static var hang: UInt32 = 5

    public static func install(directory: String, hangSeconds: Double) {
        Self.directory = directory
        hang = UInt32(max(1, hangSeconds.rounded(.up))) * 2
        for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGALRM] {
            signal(sig) { sig in
                if let p = FuzzCrashTrap.path, let b = FuzzCrashTrap.buffer {
                    let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    if fd >= 0 { _ = write(fd, b, FuzzCrashTrap.length); close(fd) }
                    let msg = sig == SIGALRM ? "fuzz: hang (watchdog): input saved\n" : "fuzz: crash: input saved\n"
                    _ = msg.withCString { write(2, $0, strlen($0)) }
                }
                _exit(sig == SIGALRM ? 1 : 128 + sig)
            }
        }
    }

    /// Keeps `input` where the handler can write it, under `<directory>/crash-<name>.<ext>`.
    public static func arm(_ input: String, name: String, ext: String) {
        buffer?.deallocate()
        path?.deallocate()
        let bytes = Array(input.utf8)
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
        buffer!.initialize(from: bytes, count: bytes.count)
        length = bytes.count
        let p = Array("\(directory)/crash-\(name).\(ext)".utf8CString)
        path = UnsafeMutablePointer<CChar>.allocate(capacity: p.count)
        path!.initialize(from: p, count: p.count)
        alarm(hang)
    }

    public static func disarm() { alarm(0) }
}
