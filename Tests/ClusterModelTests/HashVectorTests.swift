import ClusterModel
import TestSupport
import XCTest

/// PostgreSQL's hash functions against values computed by a real PostgreSQL 15.18 server
/// and values observed in Citus's regression outputs.
final class HashVectorTests: XCTestCase {
    func testPostgres15HashFunctions() throws {
        let v = try Fixtures.json("vectors/pg_hash_functions_pg15.json")
        var checked = 0
        for c in v.dicts("int4") {
            XCTAssertEqual(PostgresHash.hashInt4(Int32(c.int64("value")!)), Int32(c.int64("hash")!), "int4 \(c["value"]!)")
            checked += 1
        }
        for c in v.dicts("int8") {
            XCTAssertEqual(PostgresHash.hashInt8(c.int64("value")!), Int32(c.int64("hash")!), "int8 \(c["value"]!)")
            checked += 1
        }
        for c in v.dicts("text") {
            let s = c.string("value")!
            XCTAssertEqual(s.utf8.count, c.int("utf8_len"))
            XCTAssertEqual(PostgresHash.hashText(s), Int32(c.int64("hash")!), "text \(s.debugDescription)")
            checked += 1
        }
        XCTAssertEqual(checked, 807, "every value in the file was checked")
    }

    func testHashValuesObservedInCitusRegress() throws {
        let v = try Fixtures.json("vectors/hash_values.json")
        let values = v.dicts("hash_values")
        XCTAssertEqual(values.count, 13)
        for c in values {
            let type = DistributionColumnType(sqlName: c.string("type")!)!
            let expected = Int32(c.int64("hash")!)
            let value: DistributionValue
            switch type {
            case .text: value = .text(c.string("value")!)
            case .date: value = .date(daysSince2000: Int32(c.int64("value")!))
            default: value = .integer(c.int64("value")!)
            }
            XCTAssertEqual(value.hash(as: type == .date ? .date : type), expected, "\(c)")
        }
        XCTAssertEqual(try DistributionColumnType.date.parse("1997-08-08").get(), .date(daysSince2000: -876))
        for m in v.dicts("value_to_shard") {
            let type = DistributionColumnType(sqlName: m.string("type")!)!
            let raw = m["value"].map { "\($0)" }!
            let hash = try type.parse(raw).get().hash(as: type)
            XCTAssertEqual(hash, Int32(m.int64("hash")!), "\(m)")
            XCTAssertEqual(HashRange.uniformIndex(of: hash, shardCount: m.int("shard_count")!), m.int("shard_index"), "\(m)")
            XCTAssertEqual(m.int64("first_shard_id")! + Int64(m.int("shard_index")!), m.int64("expected_shard_id"))
        }
    }

    func testValueParsing() {
        XCTAssertEqual(try DistributionColumnType.integer.parse("42").get(), .integer(42))
        XCTAssertThrowsError(try DistributionColumnType.integer.parse("3000000000").get())
        XCTAssertThrowsError(try DistributionColumnType.bigint.parse("x1").get())
        XCTAssertEqual(try DistributionColumnType.uuid.parse("{00112233-4455-6677-8899-aabbccddeeff}").get(),
                       .uuid([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]))
        XCTAssertThrowsError(try DistributionColumnType.date.parse("2001-02-29").get())
        XCTAssertEqual(try DistributionColumnType.date.parse("2000-01-01").get(), .date(daysSince2000: 0))
        XCTAssertEqual(PostgresHash.hashBPChar("ab  "), PostgresHash.hashText("ab"))
        // int2 hashes as int4 of the same number.
        XCTAssertEqual(DistributionValue.integer(-5).hash(as: .smallint), PostgresHash.hashInt4(-5))
    }
}
