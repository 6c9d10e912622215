import Foundation
import XCTest

/// A real PostgreSQL 15 server (Debian's postgresql-15) for one test: `initdb` in a temporary
/// directory, a free loopback port, pg_stat_statements loaded, fsync off (a test server: WAL
/// flushes cost nothing). `stop()` runs however the test ends (call it from a teardown block);
/// tools run as the `postgres` user when the tests run as root, as PostgreSQL requires.
final class TemporaryPostgres {
    static let bin = "/usr/lib/postgresql/15/bin"
    let directory: URL
    let port: Int
    private var running = false

    /// Skips the test (with the install command) when PostgreSQL 15 is not installed.
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: "\(Self.bin)/initdb") else {
            throw XCTSkip("PostgreSQL 15 is not installed (apt-get install postgresql-15; .ci/install-deps does it)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("citus-sim-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
        if getuid() == 0 { try Self.run("/bin/chown", ["postgres:", directory.path]) }
        try pg("\(Self.bin)/initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        let conf = """
        listen_addresses = '127.0.0.1'
        port = \(port)
        unix_socket_directories = '\(directory.path)'
        shared_preload_libraries = 'pg_stat_statements'
        fsync = off
        synchronous_commit = off
        max_connections = 50

        """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(data)/postgresql.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(conf.utf8))
        try handle.close()
        // Foundation's Process would wait for the server it started (it inherits the pipe
        // Process watches): pg_ctl start is spawned and reaped directly.
        let start = ["\(Self.bin)/pg_ctl", "-D", data, "-l", "\(directory.path)/server.log", "-w", "-t", "60", "start"]
        let status = try Self.spawn(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + start : start)
        guard status == 0 else {
            throw NSError(domain: "TemporaryPostgres", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "pg_ctl start exited \(status); see \(directory.path)/server.log"])
        }
        running = true
    }

    var data: String { directory.appendingPathComponent("data").path }
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    /// psql with ON_ERROR_STOP; returns its output.
    @discardableResult
    func psql(_ sql: String) throws -> String {
        try pg("/usr/bin/psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-c", sql])
    }

    @discardableResult
    func pgbench(_ arguments: [String]) throws -> String {
        try pg("\(Self.bin)/pgbench", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres"] + arguments + ["postgres"])
    }

    /// Makes `role` log in with a password (scram-sha-256) on loopback, ahead of the trust rule.
    func requirePassword(for role: String) throws {
        let hba = URL(fileURLWithPath: "\(data)/pg_hba.conf")
        let text = try String(contentsOf: hba, encoding: .utf8)
        let rule = "host all \(role) 127.0.0.1/32 scram-sha-256\n"
        if getuid() == 0 {
            try (rule + text).write(to: URL(fileURLWithPath: "\(directory.path)/pg_hba.new"), atomically: false, encoding: .utf8)
            try Self.run("/bin/cp", ["\(directory.path)/pg_hba.new", hba.path])
        } else {
            try (rule + text).write(to: hba, atomically: false, encoding: .utf8)
        }
        try psql("SELECT pg_reload_conf()")
    }

    /// Stops the server at once and removes its directory; safe to call twice.
    func stop() {
        if running { _ = try? pg("\(Self.bin)/pg_ctl", ["-D", data, "-m", "immediate", "stop"]); running = false }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    @discardableResult
    private func pg(_ tool: String, _ arguments: [String]) throws -> String {
        getuid() == 0 ? try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments) : try Self.run(tool, arguments)
    }

    /// posix_spawn with stdin, stdout and stderr on /dev/null, then waitpid: the exit status.
    static func spawn(_ argv: [String]) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in Int32(0)...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
        guard rc == 0 else { throw NSError(domain: "TemporaryPostgres", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot start \(argv[0])"]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status >> 8) & 0xff
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.currentDirectoryURL = FileManager.default.temporaryDirectory
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw NSError(domain: "TemporaryPostgres", code: Int(p.terminationStatus), userInfo: [NSLocalizedDescriptionKey:
                "\(tool) \(arguments.joined(separator: " ")) exited \(p.terminationStatus): \(String(decoding: errors, as: UTF8.self))"])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A loopback port nobody listens on: bind port 0, read what the kernel chose, close.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "TemporaryPostgres", code: 1) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0 else { throw NSError(domain: "TemporaryPostgres", code: 2) }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
