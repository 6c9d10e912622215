import Foundation

/// The fuzz corpus: shipped inputs of each kind.
public enum Corpus {
    public struct Item {
        public var target: FuzzTarget
        public var name: String
        public var ext: String
        public var text: String
        /// Only a source of lines to splice in (Citus's vectors), never an input by itself.
        public var spliceOnly = false
    }

    public static func load() -> [Item] {
        var items: [Item] = []
        let fm = FileManager.default
        for dir in ["Scenarios", "Scenarios/metadata", "Benchmarks"] {
            for name in ((try? fm.contentsOfDirectory(atPath: dir)) ?? []).sorted() {
                guard let text = try? String(contentsOfFile: "\(dir)/\(name)", encoding: .utf8) else { continue }
                let ext = (name as NSString).pathExtension
                let target: FuzzTarget? = ext == "yaml" ? .scenario : ext == "sql" ? .sql : ext == "csv" ? .csv : nil
                if let target { items.append(Item(target: target, name: name, ext: ext, text: text)) }
            }
        }
        // Citus's regression-test vectors (shard ids, hash values, node names, plans): their lines are
        // spliced into every kind of input.
        for name in ((try? fm.contentsOfDirectory(atPath: "Tests/Fixtures/citus/vectors")) ?? []).sorted() where name.hasSuffix(".json") {
            guard let text = try? String(contentsOfFile: "Tests/Fixtures/citus/vectors/\(name)", encoding: .utf8) else { continue }
            for target in FuzzTarget.allCases { items.append(Item(target: target, name: "vector-\(name)", ext: "json", text: text, spliceOnly: true)) }
        }
        // A request trace, so the trace importer has a seed too.
        items.append(Item(target: .csv, name: "trace.csv", ext: "csv", text: "time_s,tenant,query_class\n0.001,1,lookup\n0.002,7,dashboard\n1.5,1000,lookup\n"))
        return items
    }
}
