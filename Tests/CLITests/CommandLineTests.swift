import Foundation
import XCTest

/// Runs the built `citus-sim` executable as a user would, in separate processes: Swift
/// seeds `Hasher` per process, so only separate processes show that no dictionary or set
/// order reaches the output.
final class CommandLineTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable built beside this test bundle.
    var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("citus-sim").path) {
            dir.deleteLastPathComponent()
        }
        return dir.appendingPathComponent("citus-sim")
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    func run(_ arguments: [String]) throws -> Output {
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        p.currentDirectoryURL = Self.packageRoot
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("citus-sim-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func contents(_ dir: URL) throws -> String {
        try ["summary.json", "summary.csv"].map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined()
    }

    /// Same scenario and seed in two processes (and with different thread counts) give
    /// byte-identical files; another seed changes them.
    func testRunsAreByteIdenticalAcrossProcessesAndThreadCounts() throws {
        let tmp = try temporaryDirectory()
        let scenario = "Scenarios/kernel-station.yaml"
        let small = ["--replications", "4"]
        let a = tmp.appendingPathComponent("a"), b = tmp.appendingPathComponent("b"), c = tmp.appendingPathComponent("c")
        XCTAssertEqual(try run(["run", scenario, "--out", a.path, "--threads", "1"] + small).status, 0)
        XCTAssertEqual(try run(["run", scenario, "--out", b.path, "--threads", "3"] + small).status, 0)
        XCTAssertEqual(try run(["run", scenario, "--out", c.path, "--seed", "43"] + small).status, 0)
        let first = try contents(a)
        XCTAssertTrue(first.contains("\"response_latency_p99_ms\""))
        XCTAssertEqual(first, try contents(b))
        XCTAssertNotEqual(first, try contents(c))
    }

    func testInvalidInputExitsTwoWithLocatedMessagesAndWritesNothing() throws {
        let tmp = try temporaryDirectory()
        let bad = tmp.appendingPathComponent("bad.yaml")
        try "version: 1\nkind: station\nstation:\n  servers: -1\n".write(to: bad, atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("out")
        let r = try run(["run", bad.path, "--out", out.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("\(bad.path):4:12: error: `station.servers` is -1"), r.stderr)
        XCTAssertTrue(r.stderr.contains("missing key `station.discipline`"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        XCTAssertEqual(try run(["run", bad.path, "--threads", "0"]).status, 2)
        XCTAssertEqual(try run(["validate", tmp.appendingPathComponent("missing.yaml").path]).status, 2)
    }

    func testValidateAcceptsEveryShippedScenario() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.packageRoot.appendingPathComponent("Scenarios").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertFalse(files.isEmpty)
        for f in files {
            let r = try run(["validate", "Scenarios/" + f])
            XCTAssertEqual(r.status, 0, "\(f): \(r.stderr)")
        }
    }
}
