import Foundation
import XCTest
import GuardlineProtocol

/// Compares `EventParser` with Foundation's `JSONSerialization` on thousands of
/// random lines (seeded, so a failure replays): the same accept/reject decision
/// and, for accepted events, the same fields.
///
/// Documented differences, where the parser is right and Foundation lenient:
/// - Foundation accepts a trailing comma (`[1,]`, `{"a":1,}`); RFC 8259 does not,
///   and neither does the parser (`invalid_json`).
/// Both reject lone surrogate escapes (`"\ud800"`) and numbers out of double range.
/// Which field an `invalid_event` names depends on key order, which Foundation's
/// dictionaries lose: only the code is compared for those.
final class EventParserDifferentialTests: XCTestCase {
    func test_parser_agreesWithFoundationOnRandomLines() throws {
        var generator = RandomEventGenerator(seed: 0x6775_6172_646C_696E)
        let parser = EventParser(maxLineLength: 1 << 16)
        var tally: [String: Int] = [:]
        for index in 0..<4000 {
            let line = generator.line(mutate: index % 2 == 1)
            let parsed = parser.parsed(line, padded: index % 5 != 0)
            let expected = ReferenceOutcome(line: line)
            tally[expected.summary, default: 0] += 1
            let context = "case \(index) (\(parsed.message)): \(String(reflecting: String(decoding: line, as: UTF8.self)))"
            XCTAssertEqual(parsed.kind, expected.kind, context)
            if let event = expected.event, parsed.kind == .event {
                event.assertMatches(parsed, context)
            }
            if testRun?.failureCount ?? 0 > 20 { break }
        }
        print("differential outcomes:", tally.sorted { $0.key < $1.key })
        XCTAssertGreaterThan(tally["event", default: 0], 800, "the generator must produce plenty of valid events")
        XCTAssertGreaterThan(tally["invalid_json", default: 0], 300)
        XCTAssertGreaterThan(tally["invalid_event", default: 0], 100)
        XCTAssertGreaterThan(tally["invalid_utf8", default: 0], 50)
    }
}

/// What a line should parse to, worked out from Foundation's reading of it.
struct ReferenceOutcome {
    var kind: ParsedLine.Kind
    var event: ReferenceEvent?

    var summary: String {
        switch kind {
        case .event: "event"
        case .ping: "ping"
        case .hello: "hello"
        case .failure(let code): code.rawValue
        }
    }

    init(line: [UInt8]) {
        guard String(validating: line, as: UTF8.self) != nil else {
            kind = .failure(.invalidUTF8)
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
              !Self.hasTrailingComma(line) else {
            kind = .failure(.invalidJSON)
            return
        }
        kind = Self.classify(object)
        if kind == .event { event = ReferenceEvent(object) }
    }

    private static func classify(_ object: [String: Any]) -> ParsedLine.Kind {
        let type = object["type"]
        if let type, !(type is NSNull) {
            guard let name = type as? String else { return .failure(.invalidEvent) }
            switch name {
            case "ping": return .ping
            case "hello":
                guard let responses = object["responses"] as? String, let mode = ResponseMode(rawValue: responses) else {
                    return .failure(.invalidEvent)
                }
                return .hello(mode)
            case "event": break
            default: return .failure(.unknownType)
            }
        }
        return ReferenceEvent.isValid(object) ? .event : .failure(.invalidEvent)
    }

    /// A `,` followed (after whitespace) by `]` or `}`, outside strings.
    static func hasTrailingComma(_ line: [UInt8]) -> Bool {
        var inString = false, escaped = false, afterComma = false
        for byte in line {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true; afterComma = false
            case 0x2C: afterComma = true
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case 0x5D, 0x7D: if afterComma { return true }
            default: afterComma = false
            }
        }
        return false
    }
}
