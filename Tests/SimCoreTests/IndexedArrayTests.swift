import SimCore
import XCTest

/// Issue 21: per-kind arrays addressed by their typed index (`IndexedArray`).
final class IndexedArrayTests: XCTestCase {
    struct Slot: DenseIndex, Strideable {
        var raw: Int32
        init(_ raw: Int32) { self.raw = raw }
    }

    /// The typed index reads and writes the element at its number; the indices are the typed
    /// range, so a loop hands out typed indices; collection algorithms see the elements in order.
    func testTheTypedIndexAddressesItsElement() {
        var a: IndexedArray<Slot, Int> = [10, 20, 30]
        a[Slot(1)] += 5
        a[2] = 7
        XCTAssertEqual(a.elements, [10, 25, 7])
        XCTAssertEqual(a.indices, Slot(0)..<Slot(3))
        XCTAssertEqual(a.indices.map { a[$0] }, [10, 25, 7])
        XCTAssertEqual(a.reduce(0, +), 42)
        XCTAssertEqual(a.firstIndex(of: 7), Slot(2))
        XCTAssertEqual(IndexedArray<Slot, Bool>(repeating: true, count: 4).count, 4)
    }
}
