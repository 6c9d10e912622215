#if canImport(Glibc)
import Glibc
#endif

/// A NOTICE, WARNING, DETAIL or HINT line as Citus prints it (`NOTICE:  text`, two spaces).
public struct CitusMessage: Equatable, Sendable, CustomStringConvertible {
    public enum Level: String, Sendable { case notice = "NOTICE", warning = "WARNING", detail = "DETAIL", hint = "HINT" }

    public var level: Level
    public var text: String

    public init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
    }

    public var description: String { "\(level.rawValue):  \(text)" }
}

/// An ERROR Citus would raise for this request; the statement does nothing.
public struct CitusError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var detail: String?
    public var hint: String?
    public init(_ message: String, detail: String? = nil, hint: String? = nil) {
        self.message = message
        self.detail = detail
        self.hint = hint
    }
    /// As psql prints it: `ERROR:`, then `DETAIL:` and `HINT:` lines when present.
    public var description: String {
        "ERROR:  \(message)" + (detail.map { "\nDETAIL:  \($0)" } ?? "") + (hint.map { "\nHINT:  \($0)" } ?? "")
    }
}

/// C's `%g` (six significant digits), as PostgreSQL's `errmsg` prints floats. libc's
/// formatting in the "C" locale, which Swift processes keep (they never call setlocale).
enum CFormat {
    static func g(_ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%g", $0) }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
