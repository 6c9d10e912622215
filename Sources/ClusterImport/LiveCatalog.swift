import Foundation
import PostgresNIO

/// Catalog rows from a live server through postgres-nio: one connection, read-only
/// transactions, every statement under a `statement_timeout`.
public final class LiveCatalog: CatalogSource {
    public let url: ConnectionURL
    public var label: String { url.redacted }
    private let connection: PostgresConnection
    private let logger: Logger

    private init(url: ConnectionURL, connection: PostgresConnection, logger: Logger) {
        self.url = url
        self.connection = connection
        self.logger = logger
    }

    /// Connects and makes the session read-only with `statementTimeoutSeconds` per statement.
    /// Unreachable hosts, refused authentication and TLS failures throw one line naming the
    /// redacted URL.
    public static func open(_ url: ConnectionURL, statementTimeoutSeconds: Int = 30) async throws -> LiveCatalog {
        var logger = Logger(label: "citus-sim.import")
        logger.logLevel = .critical
        var config = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                      database: url.database, tls: try tls(for: url))
        config.options.connectTimeout = .seconds(Int64(url.connectTimeoutSeconds))
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
        } catch {
            throw ImportError("cannot connect to \(url.redacted): \(describe(error))")
        }
        let catalog = LiveCatalog(url: url, connection: connection, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "SET statement_timeout = '\(statementTimeoutSeconds)s'"), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "SET application_name = 'citus-sim import'"), logger: logger)
        } catch {
            try? await connection.close()
            throw ImportError("\(url.redacted): cannot make the session read-only: \(describe(error))")
        }
        return catalog
    }

    public func close() async {
        try? await connection.close()
    }

    public func read(_ query: CatalogQuery) async throws -> Result<CatalogRows, CatalogUnavailable> {
        // Every column comes back as text, the way psql's \copy writes it: the row's JSON
        // object taken apart key by key (json_each_text keeps the query's column order).
        let sql = "SELECT r.n, e.key, e.value FROM (SELECT row_number() OVER () AS n, row_to_json(q) AS j FROM (\(query.sql)) q) r, json_each_text(r.j) e ORDER BY r.n"
        var rows: [[String: String]] = []
        do {
            let result = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            for try await (n, key, value) in result.decode((Int64, String, String?).self) {
                while rows.count < Int(n) { rows.append([:]) }
                if let value { rows[Int(n) - 1][key] = value }
            }
        } catch let error as PSQLError where error.code == .server {
            return .failure(CatalogUnavailable(reason: Self.describe(error)))
        } catch {
            throw ImportError("\(url.redacted): the query \(query.name) failed: \(Self.describe(error))")
        }
        return .success(CatalogRows(query: query, rows: rows, origins: rows.indices.map { "\(url.redacted): \(query.name) row \($0 + 1)" }))
    }

    /// libpq's sslmode as postgres-nio's TLS setting: `require` encrypts without checking the
    /// certificate (as libpq), `verify-ca` checks the chain, `verify-full` also the host name.
    static func tls(for url: ConnectionURL) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable: return .disable
        case .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let root = url.sslRootCert { tls.trustRoots = .file(root) }
        let context: NIOSSLContext
        do { context = try NIOSSLContext(configuration: tls) } catch {
            throw ImportError("\(url.redacted): cannot set up TLS (sslrootcert?): \(error)")
        }
        return url.sslMode == .allow || url.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// One line for a postgres-nio error: the server's message and SQLSTATE, or what failed
    /// on the way (never the password: postgres-nio's errors do not carry it).
    static func describe(_ error: any Error) -> String {
        guard let e = error as? PSQLError else { return "\(error)" }
        if let info = e.serverInfo, let message = info[.message] {
            let state = info[.sqlState] ?? ""
            switch state {
            case "28P01", "28000": return "authentication refused (\(message))"
            case "3D000": return "no such database (\(message))"
            case "57014": return "cancelled by statement_timeout (\(message))"
            default: return state.isEmpty ? message : "\(message) (SQLSTATE \(state))"
            }
        }
        if let underlying = e.underlying { return "\(e.code): \(underlying)" }
        switch e.code {
        case .sslUnsupported: return "the server does not accept TLS (use sslmode=prefer or disable)"
        case .authMechanismRequiresPassword: return "the server asks for a password and none was given (in the URL or PGPASSWORD)"
        default: return "\(e.code)"
        }
    }
}
