import Foundation
import XCTest
import GuardlineProtocol

final class ReplyEncoderTests: XCTestCase {
    private func withBytes<T>(_ text: String, _ body: (Bytes) -> T) -> T {
        Array(text.utf8).withUnsafeBufferPointer(body)
    }

    private func decode(_ bytes: [UInt8]) throws -> [String: Any] {
        XCTAssertEqual(bytes.last, 0x0A, "every reply ends in a newline")
        XCTAssertEqual(bytes.filter { $0 == 0x0A }.count, 1, "every reply is one line")
        let object = try JSONSerialization.jsonObject(with: Data(bytes))
        return try XCTUnwrap(object as? [String: Any])
    }

    func test_encoder_writesPong() throws {
        var encoder = ReplyEncoder()
        encoder.appendPong()
        XCTAssertEqual(String(decoding: encoder.bytes, as: UTF8.self), "{\"ok\":true,\"type\":\"pong\"}\n")
    }

    func test_encoder_writesVerdictThatFoundationReadsBack() throws {
        var encoder = ReplyEncoder()
        let signals = [
            SignalFragment(nameJSON: ReplyEncoder.quoted("prompt-injection"), score: 0.83,
                           labelsJSON: ReplyEncoder.quotedArray(["instruction_override"])),
            SignalFragment(nameJSON: ReplyEncoder.quoted("pii"), score: 0.0123, labelsJSON: ReplyEncoder.quotedArray([])),
        ]
        withBytes("evt-\"1\"") { id in
            encoder.appendVerdict(id: id, score: 0.83, flagged: false, risk: 1.25, signalCount: signals.count) { signals[$0] }
        }
        let text = String(decoding: encoder.bytes, as: UTF8.self)
        XCTAssertEqual(text, #"{"id":"evt-\"1\"","ok":true,"score":0.83,"flagged":false,"risk":1.25,"signals":["#
            + #"{"detector":"prompt-injection","score":0.83,"labels":["instruction_override"]},"#
            + #"{"detector":"pii","score":0.0123,"labels":[]}]}"# + "\n")
        let object = try decode(encoder.bytes)
        XCTAssertEqual(object["id"] as? String, "evt-\"1\"")
        XCTAssertEqual(object["ok"] as? Bool, true)
        XCTAssertEqual(object["score"] as? Double, 0.83)
        XCTAssertEqual(object["risk"] as? Double, 1.25)
        let decoded = try XCTUnwrap(object["signals"] as? [[String: Any]])
        XCTAssertEqual(decoded.count, 2)
        XCTAssertEqual(decoded[0]["labels"] as? [String], ["instruction_override"])
    }

    func test_encoder_writesErrorsWithAndWithoutID() throws {
        var encoder = ReplyEncoder()
        withBytes("e1") { encoder.appendError(.invalidEvent, message: "field 'account_id' is required", id: $0) }
        let first = encoder.bytes
        XCTAssertEqual(String(decoding: first, as: UTF8.self),
                       #"{"ok":false,"id":"e1","error":{"code":"invalid_event","message":"field 'account_id' is required"}}"# + "\n")
        encoder.removeAll()
        encoder.appendError(.invalidJSON, message: "line is not a valid JSON object", id: Bytes(start: nil, count: 0))
        let object = try decode(encoder.bytes)
        XCTAssertNil(object["id"])
        XCTAssertEqual((object["error"] as? [String: Any])?["code"] as? String, "invalid_json")
    }

    func test_encoder_escapesEveryCharacterThatNeedsIt() throws {
        var all = ""
        for scalar in 0..<0x80 { all.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        all += "é中😀\u{2028}"
        var encoder = ReplyEncoder()
        withBytes(all) { id in encoder.appendVerdict(id: id, score: 0, flagged: true, risk: 0, signalCount: 0) { _ in fatalError() } }
        let object = try decode(encoder.bytes)
        XCTAssertEqual(object["id"] as? String, all)
        let text = String(decoding: encoder.bytes, as: UTF8.self)
        XCTAssertTrue(text.contains(#"\u0000\u0001"#))
        XCTAssertTrue(text.contains(#"\b\t\n\u000b\f\r"#))
        XCTAssertTrue(text.contains(##" !\"#"##))
        XCTAssertTrue(text.contains(#"[\\]"#))
        XCTAssertTrue(text.contains("é中😀"))
    }

    func test_encoder_formatsNumbersWithAtMostFourDecimals() {
        let cases: [(Double, String)] = [
            (0.83, "0.83"), (1, "1"), (0.0123, "0.0123"), (1234.5, "1234.5"), (0, "0"), (-0.0, "0"),
            (-2.5, "-2.5"), (0.00004, "0"), (0.00005, "0.0001"), (0.99996, "1"), (1.23456789, "1.2346"),
            (.nan, "0"), (.infinity, "0"), (-.infinity, "0"), (99_999_999_999_999.0, "99999999999999"), (12_345_678_901.2345, "12345678901.2345"),
            (123456789.125, "123456789.125"), (1e20, "1e20"), (-3e15, "-3e15"), (0.1 + 0.2, "0.3"),
        ]
        for (value, expected) in cases {
            var encoder = ReplyEncoder()
            encoder.appendNumber(value)
            XCTAssertEqual(String(decoding: encoder.bytes, as: UTF8.self), expected, "\(value)")
        }
    }

    func test_encoder_numbersReadBackWithinRounding() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let value = Double.random(in: -1e6...1e6, using: &generator) / Double([1, 10, 1000, 1e5].randomElement(using: &generator)!)
            var encoder = ReplyEncoder()
            encoder.appendRaw(Array("[".utf8))
            encoder.appendNumber(value)
            encoder.appendRaw(Array("]".utf8))
            let decoded = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(encoder.bytes)) as? [Double])
            XCTAssertEqual(decoded[0], value, accuracy: 0.00005 + value.magnitude * 1e-12)
        }
    }

    func test_encoder_keepsCapacityAcrossRemoveAll() {
        var encoder = ReplyEncoder(capacity: 1024)
        encoder.appendPong()
        let capacity = encoder.bytes.capacity
        encoder.removeAll()
        XCTAssertTrue(encoder.bytes.isEmpty)
        XCTAssertEqual(encoder.bytes.capacity, capacity)
    }
}
