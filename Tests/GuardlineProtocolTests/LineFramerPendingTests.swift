import XCTest
import GuardlineProtocol

/// One framer shared by many connections, each keeping only its `PendingInput`.
final class LineFramerPendingTests: XCTestCase {
    private func read(_ text: String, into framer: inout LineFramer, pending: inout PendingInput) -> [String?] {
        var items: [String?] = []
        framer.resume(&pending)
        framer.append(Array(text.utf8))
        framer.forEachLine { item in
            switch item {
            case .line(let bytes, _): items.append(String(decoding: bytes, as: UTF8.self))
            case .tooLong: items.append(nil)
            }
        }
        framer.suspend(into: &pending)
        return items
    }

    func test_sharedFramer_keepsEachConnectionsPartialLineApart() {
        var framer = LineFramer(maximumLineLength: 64, readCapacity: 64)
        var a = PendingInput(), b = PendingInput()
        XCTAssertEqual(read("{\"a\":1}\n{\"a\"", into: &framer, pending: &a), ["{\"a\":1}"])
        XCTAssertEqual(a.count, 4)
        XCTAssertEqual(read("{\"b\":", into: &framer, pending: &b), [])
        XCTAssertEqual(read(":2}\n", into: &framer, pending: &a), ["{\"a\":2}"])
        XCTAssertEqual(a.count, 0, "an idle connection that ended on a line boundary holds nothing")
        XCTAssertEqual(read("3}\r\n", into: &framer, pending: &b), ["{\"b\":3}"])
    }

    func test_sharedFramer_carriesOversizeDiscardingAcrossConnections() {
        var framer = LineFramer(maximumLineLength: 8, readCapacity: 16)
        var a = PendingInput(), b = PendingInput()
        XCTAssertEqual(read("0123456789ab", into: &framer, pending: &a), [nil], "reported once, as soon as known")
        XCTAssertEqual(read("{\"b\":1}\n", into: &framer, pending: &b), ["{\"b\":1}"], "another connection is unaffected")
        XCTAssertEqual(read("cdef\n{\"a\":1}\n", into: &framer, pending: &a), ["{\"a\":1}"], "the rest of the long line is skipped")
    }
}
