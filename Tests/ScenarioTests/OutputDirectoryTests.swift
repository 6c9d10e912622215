import Foundation
import Reporting
import XCTest

final class OutputDirectoryTests: XCTestCase {
    func testReplacesExistingDirectoryWholeAndLeavesNoStaging() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("outdir-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("result").path
        try OutputDirectory.write([("a.txt", "one"), ("old.txt", "stale")], to: target)
        try OutputDirectory.write([("a.txt", "two")], to: target)
        XCTAssertEqual(try String(contentsOfFile: target + "/a.txt", encoding: .utf8), "two")
        XCTAssertFalse(FileManager.default.fileExists(atPath: target + "/old.txt"), "the old directory is replaced, not merged")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["result"], "no staging or backup left behind")
    }

    func testUnwritableTargetIsAnErrorNotACrash() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("outdir-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let file = root.appendingPathComponent("plain-file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try OutputDirectory.write([("a.txt", "x")], to: file.path + "/sub")) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot write results to"), "\(error)")
        }
    }
}
