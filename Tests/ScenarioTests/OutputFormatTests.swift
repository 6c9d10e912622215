import Reporting
import TextFormat
import XCTest

final class OutputFormatTests: XCTestCase {
    func testCSVQuotingAndFormulaNeutralisation() {
        var w = CSVWriter(columns: ["name", "value"])
        w.appendRow([.text("plain"), .number(1.5, digits: 2)])
        w.appendRow([.text("a,b \"q\"\nline"), .number(-3.25, digits: 2)])
        w.appendRow([.text("=HYPERLINK(\"x\")"), .integer(-7)])
        w.appendRow([.text("+1"), .text("-2")])
        w.appendRow([.text("@SUM(A1)"), .text("\tx")])
        XCTAssertEqual(w.text, """
            name,value
            plain,1.50
            "a,b ""q""
            line",-3.25
            "'=HYPERLINK(""x"")",-7
            '+1,'-2
            '@SUM(A1),'\tx

            """)
    }

    func testFixedNumbersAreLocaleFree() {
        XCTAssertEqual(NumberFormat.fixed(1234567.891, 2), "1234567.89")
        XCTAssertEqual(NumberFormat.fixed(-0.0004, 3), "0.000")
        XCTAssertEqual(NumberFormat.fixed(-0.0006, 3), "-0.001")
        XCTAssertEqual(NumberFormat.fixed(2.5, 0), "3")
        XCTAssertEqual(NumberFormat.fixed(.nan, 2), "nan")
    }

    func testJSONIsOrderedAndEscaped() {
        let v = JSONValue.object([("z", .integer(1)), ("a", .string("<script>\"x\"\n")), ("n", .number(.infinity, digits: 2)), ("l", .array([.bool(true), .null]))])
        XCTAssertEqual(v.render(), """
            {
              "z": 1,
              "a": "\\u003cscript>\\"x\\"\\n",
              "n": null,
              "l": [
                true,
                null
              ]
            }

            """)
    }
}
