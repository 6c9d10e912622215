import SimCore

/// Mutations: byte edits, dictionary tokens and line splices.
public enum Mutator {
    static let tokens = [":", ": ", "{", "}", "[", "]", "- ", "\n", "\n  ", "'", "\"", ",", "#", "&a ", "*a", "!!binary ", "~", "null", "true",
                         "-1", "0", "1e308", "-1e308", "NaN", "inf", "9223372036854775807", "99999999999999999999", "1_000_000_000_000",
                         "0x10", "1.5", "250ms", "0s", "-5m", "1e6h", "\t", "\u{0}", "é", "\u{FEFF}", "SELECT ", "(", ")", ";", "--", ":=",
                         "citus_move_shard_placement(", "citus_rebalance_start(", "isolate_tenant_to_new_shard(", "'CASCADE'", "NULL",
                         "ALTER SYSTEM SET ", "pg_reload_conf()", "\"\"", "\r\n", "count: ", "shard_count: ", "rate_per_second: ",
                         "isolation_candidates: ", "growth_steps: ", "executors_per_node: ", "add_workers: "]

    /// `lines`: the lines of each splice source.
    public static func mutate(_ text: String, lines: [[Substring]], stream: RandomStream) -> String {
        var bytes = Array(text.utf8)
        let edits = 1 + Int(stream.uniform() * 4)
        for _ in 0..<edits {
            let pos = bytes.isEmpty ? 0 : Int(stream.uniform() * Double(bytes.count)) % max(1, bytes.count)
            switch Int(stream.uniform() * 7) {
            case 0 where !bytes.isEmpty: bytes[pos] = UInt8(Int(stream.uniform() * 256) & 0xFF)
            case 1 where !bytes.isEmpty:
                let n = min(bytes.count - pos, 1 + Int(stream.uniform() * 64))
                bytes.removeSubrange(pos..<(pos + n))
            case 2 where !bytes.isEmpty:
                let n = min(bytes.count - pos, 1 + Int(stream.uniform() * 64))
                bytes.insert(contentsOf: bytes[pos..<(pos + n)], at: pos)
            case 3, 4:
                bytes.insert(contentsOf: Array(tokens[Int(stream.uniform() * Double(tokens.count)) % tokens.count].utf8), at: pos)
            case 5:
                // Splice a line of another corpus file.
                guard !lines.isEmpty else { continue }
                let other = lines[Int(stream.uniform() * Double(lines.count)) % lines.count]
                guard !other.isEmpty else { continue }
                let line = other[Int(stream.uniform() * Double(other.count)) % other.count]
                bytes.insert(contentsOf: Array((line + "\n").utf8), at: pos)
            default:
                // Replace a number with an extreme.
                if let d = bytes[pos...].firstIndex(where: { $0 >= 48 && $0 <= 57 }) {
                    var e = d
                    while e < bytes.count && (bytes[e] >= 48 && bytes[e] <= 57 || bytes[e] == 46) { e += 1 }
                    let extreme = ["0", "-1", "1e308", "99999999999", "0.0000001", "4294967296"][Int(stream.uniform() * 6) % 6]
                    bytes.replaceSubrange(d..<e, with: Array(extreme.utf8))
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
