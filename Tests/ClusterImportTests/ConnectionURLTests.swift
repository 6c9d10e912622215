import ClusterImport
import XCTest

final class ConnectionURLTests: XCTestCase {
    func testFullURL() throws {
        let u = try ConnectionURL("postgresql://app%40corp:p%3Ass@db.example.com:6432/shop?sslmode=verify-full&connect_timeout=3", environment: [:])
        XCTAssertEqual(u.user, "app@corp")
        XCTAssertEqual(u.password, "p:ss")
        XCTAssertEqual(u.host, "db.example.com")
        XCTAssertEqual(u.port, 6432)
        XCTAssertEqual(u.database, "shop")
        XCTAssertEqual(u.sslMode, .verifyFull)
        XCTAssertEqual(u.connectTimeoutSeconds, 3)
        XCTAssertEqual(u.redacted, "postgres://app@corp:***@db.example.com:6432/shop?sslmode=verify-full")
    }

    /// libpq's defaults: port 5432, sslmode prefer, the user from PGUSER, the database named after the user.
    func testDefaultsFromTheEnvironment() throws {
        let u = try ConnectionURL("postgres://[::1]", environment: ["PGUSER": "ops", "PGPASSWORD": "x"])
        XCTAssertEqual(u.host, "::1")
        XCTAssertEqual(u.port, 5432)
        XCTAssertEqual(u.user, "ops")
        XCTAssertEqual(u.password, "x")
        XCTAssertEqual(u.database, "ops")
        XCTAssertEqual(u.sslMode, .prefer)
        XCTAssertEqual(u.redacted, "postgres://ops:***@[::1]:5432/ops?sslmode=prefer")
    }

    /// Every parse error names the problem and never repeats the password.
    func testErrorsAreRedacted() {
        for (text, expected) in [("mysql://u:hunter2@h/db", "does not start with postgres://"),
                                 ("postgres://u:hunter2@h:99999/db", "port '99999'"),
                                 ("postgres://u:hunter2@h/db?sslmode=maybe", "sslmode=maybe"),
                                 ("postgres://u@h/db?password=hunter2&sslmode=maybe", "sslmode=maybe"),
                                 ("postgres://u:hunter2@h/db?frobnicate=1", "'frobnicate'")] {
            XCTAssertThrowsError(try ConnectionURL(text, environment: [:]), text) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains(expected), message)
                XCTAssertFalse(message.contains("hunter2"), message)
            }
        }
    }
}

final class StatementClassifierTests: XCTestCase {
    let c = StatementClassifier()

    func testPgbenchStatements() throws {
        let select = try XCTUnwrap(c.read("SELECT abalance FROM pgbench_accounts WHERE aid = $1"))
        XCTAssertEqual(select.command, .select)
        XCTAssertEqual(select.tables, ["pgbench_accounts"])
        XCTAssertEqual(select.pinnedColumns, ["aid"])
        let update = try XCTUnwrap(c.read("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2"))
        XCTAssertEqual(update.command, .update)
        XCTAssertTrue(update.pinnedColumns.contains("aid"))
        let insert = try XCTUnwrap(c.read("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)"))
        XCTAssertEqual(insert.command, .insert)
        XCTAssertEqual(insert.tables, ["pgbench_history"])
        XCTAssertEqual(insert.insertColumns, ["tid", "bid", "aid", "delta", "mtime"])
        XCTAssertFalse(insert.insertSelect)
        XCTAssertNil(c.read("BEGIN"))
        XCTAssertNil(c.read("SET statement_timeout = $1"))
    }

    func testJoinsAliasesAndScans() throws {
        let join = try XCTUnwrap(c.read("SELECT e.x FROM public.events e JOIN accounts AS a ON a.id = e.account_id WHERE e.tenant_id IN ($1)"))
        XCTAssertEqual(join.tables, ["events", "accounts"])
        XCTAssertEqual(join.pinnedColumns, ["tenant_id"])
        let scan = try XCTUnwrap(c.read("SELECT count(*) FROM events, plans p WHERE created_at > $1 AND tenant_id IN ($2, $3)"))
        XCTAssertEqual(scan.tables, ["events", "plans"])
        XCTAssertFalse(scan.pinnedColumns.contains("tenant_id"))
        let cte = try XCTUnwrap(c.read("WITH r AS (SELECT 1) DELETE FROM \"Events\" WHERE tenant_id = 'x'"))
        XCTAssertEqual(cte.command, .delete)
        XCTAssertEqual(cte.tables, ["Events"])
        XCTAssertTrue(try XCTUnwrap(c.read("INSERT INTO a SELECT * FROM b")).insertSelect)
    }
}

final class ZipfFitTests: XCTestCase {
    /// Frequencies drawn exactly from rank^−s give s back with no error; noise shows in the error.
    func testRecoversTheExponent() throws {
        let exact = (1...20).map { 0.3 * pow(Double($0), -1.2) }
        let fit = try XCTUnwrap(ZipfFit(frequencies: exact))
        XCTAssertEqual(fit.exponent, 1.2, accuracy: 1e-9)
        XCTAssertEqual(fit.rmsLogError, 0, accuracy: 1e-9)
        let noisy = exact.enumerated().map { $0.element * ($0.offset % 2 == 0 ? 1.3 : 0.7) }
        XCTAssertGreaterThan(try XCTUnwrap(ZipfFit(frequencies: noisy)).rmsLogError, 0.1)
        XCTAssertNil(ZipfFit(frequencies: [0.5, 0.2]))
    }
}

final class ExportedCatalogTests: XCTestCase {
    /// A hand-edited export with a repeated column is an error naming the file, not a crash.
    func testRepeatedColumnIsAnError() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("citus-sim-exports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "server_version,database,database\n15.20,app,app\n".write(to: dir.appendingPathComponent("server.csv"), atomically: true, encoding: .utf8)
        let catalog = try ExportedCatalog(directory: dir.path)
        do {
            _ = try await catalog.read(.server)
            XCTFail("a repeated column was accepted")
        } catch let e as ImportError {
            XCTAssertTrue(e.description.contains("server.csv:1: column database appears twice"), e.description)
        }
    }
}
