import XCTest
import GuardlineProtocol

final class LineFramerTests: XCTestCase {
    /// What the framer emitted, owned: lines as strings, `nil` for `.tooLong`.
    private func drain(_ framer: inout LineFramer, finish: Bool = false) -> [String?] {
        var items: [String?] = []
        let collect: (LineFramer.Item) -> Void = { item in
            switch item {
            case .line(let bytes, let readable):
                XCTAssertGreaterThanOrEqual(readable, bytes.count + 64, "lines must keep 64 readable bytes of padding")
                items.append(String(decoding: bytes, as: UTF8.self))
            case .tooLong:
                items.append(nil)
            }
        }
        if finish { framer.finish(collect) } else { framer.forEachLine(collect) }
        return items
    }

    private func feed(_ chunks: [String], maximum: Int = 32, readCapacity: Int = 64) -> [String?] {
        var framer = LineFramer(maximumLineLength: maximum, readCapacity: readCapacity)
        var items: [String?] = []
        for chunk in chunks {
            framer.append(Array(chunk.utf8))
            items += drain(&framer)
        }
        items += drain(&framer, finish: true)
        return items
    }

    func test_framer_splitsLinesAcrossReadsByteByByte() {
        let stream = "{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}\n"
        let items = feed(stream.map { String($0) })
        XCTAssertEqual(items, ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }

    func test_framer_splitsUTF8BytesAcrossReads() {
        var framer = LineFramer(maximumLineLength: 32, readCapacity: 8)
        var items: [String?] = []
        for byte in Array("\"é😀\"\n".utf8) {
            framer.append([byte])
            items += drain(&framer)
        }
        XCTAssertEqual(items, ["\"é😀\""])
    }

    func test_framer_yieldsManyLinesFromOneRead() {
        let lines = (0..<50).map { "{\"n\":\($0)}" }
        XCTAssertEqual(feed([lines.joined(separator: "\n") + "\n"], readCapacity: 4096), lines)
    }

    func test_framer_handlesLinesSplitAtEveryPosition() {
        let stream = "{\"a\":1}\r\n{\"bb\":22}\n\n{\"c\":3}"
        for cut in 0...stream.utf8.count {
            let bytes = Array(stream.utf8)
            let first = String(decoding: bytes[0..<cut], as: UTF8.self)
            let second = String(decoding: bytes[cut...], as: UTF8.self)
            XCTAssertEqual(feed([first, second]), ["{\"a\":1}", "{\"bb\":22}", "{\"c\":3}"], "cut at \(cut)")
        }
    }

    func test_framer_stripsCarriageReturnBeforeNewlineOnly() {
        XCTAssertEqual(feed(["a\r\n", "b\rc\n", "d\r\r\n"]), ["a", "b\rc", "d\r"])
    }

    func test_framer_skipsEmptyAndWhitespaceOnlyLines() {
        XCTAssertEqual(feed(["\n\r\n  \t \n{}\n \r\n", " x \n"]), ["{}", " x "])
    }

    func test_framer_returnsLastLineWithoutNewlineAtFinish() {
        var framer = LineFramer(maximumLineLength: 32)
        framer.append(Array("{\"a\":1}\n{\"b\":".utf8))
        XCTAssertEqual(drain(&framer), ["{\"a\":1}"])
        framer.append(Array("2}".utf8))
        XCTAssertEqual(drain(&framer), [])
        XCTAssertEqual(framer.bufferedByteCount, 7)
        XCTAssertEqual(drain(&framer, finish: true), ["{\"b\":2}"])
        XCTAssertEqual(framer.bufferedByteCount, 0)
        XCTAssertEqual(drain(&framer, finish: true), [])
    }

    func test_framer_acceptsLineOfExactlyTheMaximumLength() {
        let line = String(repeating: "x", count: 32)
        XCTAssertEqual(feed([line + "\n"]), [line])
        XCTAssertEqual(feed([line + "\r\n"]), [line])
        XCTAssertEqual(feed([line + "\r", "\n"]), [line])
        XCTAssertEqual(feed([line]), [line])
        XCTAssertEqual(feed(line.map { String($0) } + ["\r", "\n"]), [line])
    }

    func test_framer_reportsLineOneOverTheMaximumOnce() {
        let line = String(repeating: "x", count: 33)
        XCTAssertEqual(feed([line + "\n"]), [nil])
        XCTAssertEqual(feed([line + "\r\n"]), [nil])
        XCTAssertEqual(feed([line]), [nil])
        XCTAssertEqual(feed(line.map { String($0) } + ["\n"]), [nil])
    }

    func test_framer_recoversAfterOversizeLineInTheSameRead() {
        let long = String(repeating: "y", count: 40)
        XCTAssertEqual(feed(["{\"a\":1}\n" + long + "\n{\"b\":2}\n"]), ["{\"a\":1}", nil, "{\"b\":2}"])
    }

    func test_framer_recoversAfterOversizeLineAcrossReads() {
        let long = String(repeating: "z", count: 500)
        var chunks: [String] = ["{\"a\":1}\nzz"]
        chunks += stride(from: 0, to: long.count, by: 7).map { _ in "zzzzzzz" }
        chunks += ["zz\n{\"b\"", ":2}\n", String(repeating: "q", count: 100), "\r\n{}"]
        XCTAssertEqual(feed(chunks, readCapacity: 16), ["{\"a\":1}", nil, "{\"b\":2}", nil, "{}"])
    }

    func test_framer_readsDirectlyIntoItsBuffer() {
        var framer = LineFramer(maximumLineLength: 64, readCapacity: 16)
        var source = Array("{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n".utf8)[...]
        var items: [String?] = []
        while !source.isEmpty {
            let expected = min(5, source.count)
            let written = framer.withWritableTail(minimum: 16) { tail in
                XCTAssertGreaterThanOrEqual(tail.count, 16)
                let count = min(5, source.count, tail.count)
                tail.copyBytes(from: source.prefix(count))
                source = source.dropFirst(count)
                return count
            }
            XCTAssertEqual(written, expected)
            items += drain(&framer)
        }
        XCTAssertEqual(framer.withWritableTail { _ in 0 }, 0, "EOF adds nothing")
        XCTAssertEqual(items, ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }

    func test_framer_growsWhenAskedForMoreThanItsCapacity() {
        var framer = LineFramer(maximumLineLength: 64, readCapacity: 8)
        let lines = (0..<40).map { "line-\($0)" }
        framer.append(Array((lines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(drain(&framer), lines)
    }

    func test_framer_passesInvalidUTF8ThroughForTheParserToReport() {
        var framer = LineFramer(maximumLineLength: 64)
        framer.append([0x7B, 0xFF, 0x7D, 0x0A])
        var lines: [[UInt8]] = []
        framer.forEachLine { item in
            if case .line(let bytes, _) = item { lines.append(Array(bytes)) }
        }
        XCTAssertEqual(lines, [[0x7B, 0xFF, 0x7D]])
    }
}
