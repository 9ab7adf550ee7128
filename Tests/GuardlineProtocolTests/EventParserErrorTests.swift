import XCTest
import GuardlineProtocol

final class EventParserErrorTests: XCTestCase {
    let parser = EventParser(maxLineLength: 4096)

    private func assertFailure(
        _ line: String, _ code: ErrorCode, message: String? = nil, id: String? = "",
        file: StaticString = #filePath, lineNumber: UInt = #line
    ) {
        let parsed = parser.parsed(line)
        XCTAssertEqual(parsed.code, code, line, file: file, line: lineNumber)
        if let message { XCTAssertEqual(parsed.message, message, line, file: file, line: lineNumber) }
        if let id { XCTAssertEqual(parsed.id, id, line, file: file, line: lineNumber) }
    }

    func test_parser_reportsInvalidJSON() {
        let lines = [#"{"id":"e""#, #"{"id":"e",}"#, #"{"id":"e"} {}"#, #"{"id":"e"}x"#, "[1,2]", #""text""#, "42",
                     "nul", #"{"id":'e'}"#, #"{id:"e"}"#, #"{"a":[1,2,]}"#, #"{"a":01}"#, #"{"a":1.}"#, #"{"a":tru}"#,
                     #"{"a":"\x"}"#, #"{"a":"\u12"}"#, "{\"a\":\"tab\there\"}", "   ", "{", "}"]
        for line in lines { assertFailure(line, .invalidJSON, id: nil) }
    }

    func test_parser_validatesValuesOfIgnoredFields() {
        // On-Demand alone would only count brackets in skipped values and accept these.
        let lines = [#"{"x":[},"id":"e","account_id":"a"}"#, #"{"x":{]],"id":"e","account_id":"a"}"#,
                     #"{"x":[1 2],"id":"e","account_id":"a"}"#, #"{"x":{"k" 1},"id":"e","account_id":"a"}"#,
                     #"{"x":nulll,"id":"e","account_id":"a"}"#, #"{"x":-,"id":"e","account_id":"a"}"#,
                     #"{"x":{"\q":1},"id":"e","account_id":"a"}"#, #"{"meta":{"a":[}],"id":"e","account_id":"a"}"#,
                     #"{"tool_calls":[{"name":"n","arguments":{"a":[}]}}],"id":"e","account_id":"a"}"#]
        for line in lines { assertFailure(line, .invalidJSON) }
    }

    func test_parser_limitsNestingOfIgnoredValues() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        assertFailure(#"{"id":"e","account_id":"a","x":\#(deep)}"#, .invalidJSON, id: "e")
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        XCTAssertEqual(parser.parsed(#"{"id":"e","account_id":"a","x":\#(fine)}"#).kind, .event)
    }

    func test_parser_keepsIDReadBeforeASyntaxError() {
        assertFailure(#"{"id":"e7","account_id":"a","x":[}]}"#, .invalidJSON, id: "e7")
    }

    func test_parser_reportsInvalidUTF8AnywhereInTheLine() {
        let lines: [[UInt8]] = [
            Array(#"{"id":"e","account_id":"a","text":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{"id":"e","account_id":"a",""#.utf8) + [0xFF] + Array(#"":1}"#.utf8),
            Array(#"{"id":"e","account_id":"a","x":[""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""]}"#.utf8),
            Array(#"{"id":"e","account_id":"a","text":"x"#.utf8) + [0xF0, 0x9F, 0x98],  // truncated, unclosed
            [0x80] + Array(#"{"id":"e"}"#.utf8),
            Array(#"{"id":"e"} "#.utf8) + [0xC0, 0xAF],
        ]
        for line in lines {
            XCTAssertEqual(parser.parsed(line).code, .invalidUTF8, "\(line)")
            XCTAssertEqual(parser.parsed(line, padded: false).code, .invalidUTF8, "\(line)")
        }
    }

    func test_parser_rejectsLoneSurrogateEscapes() {
        assertFailure(#"{"id":"e","account_id":"a","text":"\ud800"}"#, .invalidJSON, id: "e")
        assertFailure(#"{"id":"e","account_id":"a","text":"\udc00x"}"#, .invalidJSON, id: "e")
    }

    func test_parser_namesMissingAndEmptyRequiredFields() {
        assertFailure(#"{"account_id":"a"}"#, .invalidEvent, message: "field 'id' is required")
        assertFailure(#"{"id":null,"account_id":"a"}"#, .invalidEvent, message: "field 'id' is required")
        assertFailure(#"{"id":"e"}"#, .invalidEvent, message: "field 'account_id' is required", id: "e")
        assertFailure(#"{"id":"e","account_id":""}"#, .invalidEvent, message: "field 'account_id' must not be empty", id: "e")
    }

    func test_parser_namesFieldsOfTheWrongType() {
        let cases: [(String, String)] = [
            (#""id":5,"account_id":"a""#, "field 'id' must be a string"),
            (#""account_id":["a"]"#, "field 'account_id' must be a string"),
            (#""account_id":"a","org_id":1"#, "field 'org_id' must be a string"),
            (#""account_id":"a","conversation_id":{}"#, "field 'conversation_id' must be a string"),
            (#""account_id":"a","text":false"#, "field 'text' must be a string"),
            (#""account_id":"a","role":"admin""#, "field 'role' must be one of user, assistant, tool, system"),
            (#""account_id":"a","role":1"#, "field 'role' must be a string"),
            (#""account_id":"a","meta":"x""#, "field 'meta' must be an object"),
            (#""account_id":"a","meta":[1]"#, "field 'meta' must be an object"),
            (#""account_id":"a","tool_calls":{}"#, "field 'tool_calls' must be an array"),
            (#""account_id":"a","tool_calls":[{"name":"n"},"x"]"#, "field 'tool_calls[1]' elements must be objects"),
            (#""account_id":"a","tool_calls":[{"name":"n"},{"name":"m"},{"name":7}]"#,
             "field 'tool_calls[2].name' must be a string"),
            (#""account_id":"a","tool_calls":[{"arguments":"x"}]"#, "field 'tool_calls[0].name' is required"),
            (#""account_id":"a","tool_calls":[{"name":"n","arguments":3}]"#,
             "field 'tool_calls[0].arguments' must be a string or an object"),
            (#""account_id":"a","type":3"#, "field 'type' must be a string"),
        ]
        for (fields, message) in cases {
            let id = fields.hasPrefix(#""id":5"#) ? "" : "e"
            let line = fields.hasPrefix(#""id""#) ? "{\(fields)}" : #"{"id":"e","#.appending(fields) + "}"
            assertFailure(line, .invalidEvent, message: message, id: id)
        }
    }

    func test_parser_keepsIDThatFollowsAnInvalidField() {
        assertFailure(#"{"account_id":7,"text":"t","id":"late"}"#, .invalidEvent,
                      message: "field 'account_id' must be a string", id: "late")
    }

    func test_parser_rejectsTooManyToolCalls() {
        let calls = Array(repeating: #"{"name":"n"}"#, count: 257).joined(separator: ",")
        let parsed = EventParser(maxLineLength: 8192).parsed(#"{"id":"e","account_id":"a","tool_calls":[\#(calls)]}"#)
        XCTAssertEqual(parsed.code, .invalidEvent)
        XCTAssertEqual(parsed.message, "field 'tool_calls' has more than 256 elements")
        let allowed = Array(repeating: #"{"name":"n"}"#, count: 256).joined(separator: ",")
        let accepted = EventParser(maxLineLength: 8192).parsed(#"{"id":"e","account_id":"a","tool_calls":[\#(allowed)]}"#)
        XCTAssertEqual(accepted.toolCalls.count, 256)
    }

    func test_parser_reportsUnknownTypeWithItsName() {
        assertFailure(#"{"type":"subscribe","id":"e"}"#, .unknownType, message: "unknown type 'subscribe'", id: "e")
        let long = String(repeating: "x", count: 100)
        let parsed = parser.parsed(#"{"type":"\#(long)"}"#)
        XCTAssertEqual(parsed.message, "unknown type '\(String(repeating: "x", count: 64))'")
    }

    func test_parser_checksHelloResponses() {
        assertFailure(#"{"type":"hello"}"#, .invalidEvent, message: "field 'responses' is required")
        assertFailure(#"{"type":"hello","responses":"all"}"#, .invalidEvent,
                      message: #"field 'responses' must be "verdict" or "none""#)
        assertFailure(#"{"type":"hello","responses":1}"#, .invalidEvent, message: "field 'responses' must be a string")
    }

    func test_parser_reportsLinesLongerThanItsMaximum() {
        let small = EventParser(maxLineLength: 16)
        let parsed = small.parsed(#"{"id":"e","account_id":"a"}"#)
        XCTAssertEqual(parsed.code, .lineTooLong)
        XCTAssertEqual(parsed.message, "line exceeds the maximum length of 16 bytes")
        XCTAssertEqual(small.parsed(#"{"type":"ping"}"#).kind, .ping)
    }

    func test_parser_reportsEmptyLineAsInvalidJSON() {
        XCTAssertEqual(parser.parsed("").code, .invalidJSON)
    }

    func test_errorCodes_haveStableWireNames() {
        XCTAssertEqual(ErrorCode.allCases.map(\.rawValue),
                       ["invalid_json", "invalid_event", "line_too_long", "invalid_utf8", "unknown_type",
                        "overloaded", "internal"])
    }
}
