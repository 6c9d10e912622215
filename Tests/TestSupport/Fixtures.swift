import Foundation

/// Reads the JSON fixtures copied from Citus's regression tests (Tests/Fixtures/citus),
/// shared by every test target that replays them.
public enum Fixtures {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/citus")

    /// The lab's committed measurements (Lab/measured), read by the calibration tests.
    public static let labMeasured = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Lab/measured").path

    /// The validation report's fitted costs (Reports/validation/costs.yaml), which CI
    /// regenerates from Lab/measured and compares byte for byte.
    public static let validationCosts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Reports/validation/costs.yaml").path

    public static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent(path))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

extension Dictionary where Key == String, Value == Any {
    public func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    public func int64(_ key: String) -> Int64? { (self[key] as? NSNumber)?.int64Value }
    public func string(_ key: String) -> String? { self[key] as? String }
    public func dicts(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
}
