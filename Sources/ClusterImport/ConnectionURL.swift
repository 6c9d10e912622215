import Foundation

/// A PostgreSQL connection string in libpq's URI form,
/// `postgres[ql]://[user[:password]@]host[:port][/database][?sslmode=...]`.
///
/// The password never leaves this value: `redacted` is what every message and output shows.
/// Without a user or password in the URL, `PGUSER` and `PGPASSWORD` are used, as libpq does.
public struct ConnectionURL: Sendable, Equatable {
    /// libpq's `sslmode`: what TLS the connection tries and what it checks.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert`: a PEM file of trusted roots for `verify-ca` / `verify-full`.
    public var sslRootCert: String?
    /// `connect_timeout`, seconds (default 10).
    public var connectTimeoutSeconds: Int

    /// The URL with the password replaced by `***` (and without it when there is none).
    public var redacted: String {
        var s = "postgres://\(user)"
        if password != nil { s += ":***" }
        s += "@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
        return s
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses `text`; `environment` supplies `PGUSER`/`PGPASSWORD`/`USER` defaults. Errors never
    /// repeat the password.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func fail(_ what: String) -> ParseError {
            ParseError(description: "the connection string \(ConnectionURL.redact(text)) \(what); expected postgres://user@host:port/database?sslmode=require")
        }
        var rest = Substring(text)
        guard let scheme = ["postgresql://", "postgres://"].first(where: { rest.hasPrefix($0) }) else {
            throw fail("does not start with postgres:// or postgresql://")
        }
        rest = rest.dropFirst(scheme.count)
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") { query = rest[rest.index(after: q)...]; rest = rest[..<q] }
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") { path = rest[rest.index(after: slash)...]; rest = rest[..<slash] }
        var userInfo: Substring?
        if let at = rest.lastIndex(of: "@") { userInfo = rest[..<at]; rest = rest[rest.index(after: at)...] }

        var user: String?, password: String?
        if let userInfo {
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.decode(userInfo[..<colon], fail)
                password = try Self.decode(userInfo[userInfo.index(after: colon)...], fail)
            } else {
                user = try Self.decode(userInfo, fail)
            }
        }
        var host = "localhost", port = 5432
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("has an IPv6 host without its closing ]") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw fail("has text after the IPv6 host") }
                rest = rest.dropFirst()
                guard let p = Int(rest), (1...65_535).contains(p) else { throw fail("has port '\(rest)', not 1…65535") }
                port = p
            }
        } else {
            if let colon = rest.lastIndex(of: ":") {
                let p = rest[rest.index(after: colon)...]
                guard let n = Int(p), (1...65_535).contains(n) else { throw fail("has port '\(p)', not 1…65535") }
                port = n
                rest = rest[..<colon]
            }
            if !rest.isEmpty { host = try Self.decode(rest, fail) }
        }
        guard !host.contains(",") else { throw fail("names several hosts; give one") }
        var database = path.isEmpty ? nil : try Self.decode(path, fail)

        var sslMode = SSLMode.prefer, rootCert: String?, timeout = 10
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]), value = kv.count > 1 ? try Self.decode(kv[1], fail) : ""
            switch key {
            case "sslmode":
                guard let m = SSLMode(rawValue: value) else {
                    throw fail("has sslmode=\(value); valid: \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = m
            case "sslrootcert": rootCert = value
            case "connect_timeout":
                guard let t = Int(value), t > 0 else { throw fail("has connect_timeout=\(value), not a positive number of seconds") }
                timeout = t
            case "application_name", "options", "target_session_attrs": break
            case "password": password = value
            case "user": user = value
            case "dbname": if database == nil { database = value }
            default: throw fail("has the parameter '\(key)', which import does not use; valid: sslmode, sslrootcert, connect_timeout, user, password, dbname, application_name")
            }
        }
        self.user = user ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        self.password = password ?? environment["PGPASSWORD"]
        self.host = host
        self.port = port
        self.database = database ?? self.user
        self.sslMode = sslMode
        self.sslRootCert = rootCert
        self.connectTimeoutSeconds = timeout
    }

    /// A connection string with any password in it replaced by `***`, for messages about text
    /// that did not parse.
    public static func redact(_ text: String) -> String {
        var out = text
        // user:password@ in the authority
        if let schemeEnd = out.range(of: "://") {
            let authorityEnd = out[schemeEnd.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? out.endIndex
            if let at = out[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@"),
               let colon = out[schemeEnd.upperBound..<at].firstIndex(of: ":") {
                out.replaceSubrange(out.index(after: colon)..<at, with: "***")
            }
        }
        // password=... in the query
        if let r = out.range(of: "password=") {
            let end = out[r.upperBound...].firstIndex(of: "&") ?? out.endIndex
            out.replaceSubrange(r.upperBound..<end, with: "***")
        }
        return out
    }

    private static func decode(_ s: Substring, _ fail: (String) -> ParseError) throws -> String {
        guard let d = String(s).removingPercentEncoding else { throw fail("has a malformed %-escape") }
        return d
    }
}
