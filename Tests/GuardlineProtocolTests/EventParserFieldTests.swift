import XCTest
import GuardlineProtocol

final class EventParserFieldTests: XCTestCase {
    let parser = EventParser(maxLineLength: 4096)

    func test_parser_readsEveryField() {
        let line = #"{"type":"event","id":"e1","account_id":"acct-9","org_id":"org-2","conversation_id":"c-7","#
            + #""role":"assistant","text":"hello","ts":1764405282.5,"tool_calls":[{"name":"search","arguments":"{\"q\":1}"}],"#
            + #""meta":{"refusal":true,"lang":"en"}}"#
        let parsed = parser.parsed(line)
        XCTAssertEqual(parsed.kind, .event)
        XCTAssertEqual(parsed.id, "e1")
        XCTAssertEqual(parsed.accountID, "acct-9")
        XCTAssertEqual(parsed.orgID, "org-2")
        XCTAssertEqual(parsed.conversationID, "c-7")
        XCTAssertEqual(parsed.role, .assistant)
        XCTAssertEqual(parsed.text, "hello")
        XCTAssertEqual(parsed.timestamp, 1764405282.5)
        XCTAssertEqual(parsed.toolCalls, [.init(name: "search", arguments: #"{"q":1}"#, argumentsPresent: true)])
        XCTAssertTrue(parsed.isRefusal)
        XCTAssertEqual(parsed.metaJSON, #"{"refusal":true,"lang":"en"}"#)
    }

    func test_parser_appliesDefaultsForAbsentOptionalFields() {
        let parsed = parser.parsed(#"{"id":"e1","account_id":"a"}"#)
        XCTAssertEqual(parsed.kind, .event)
        XCTAssertEqual(parsed.role, .user)
        XCTAssertNil(parsed.orgID)
        XCTAssertNil(parsed.conversationID)
        XCTAssertNil(parsed.text)
        XCTAssertNil(parsed.timestamp)
        XCTAssertFalse(parsed.isRefusal)
        XCTAssertNil(parsed.metaJSON)
        XCTAssertEqual(parsed.toolCalls, [])
    }

    func test_parser_treatsNullAsAbsent() {
        let line = #"{"id":"e1","account_id":"a","org_id":null,"conversation_id":null,"role":null,"text":null,"#
            + #""ts":null,"tool_calls":null,"meta":null,"type":null}"#
        let parsed = parser.parsed(line)
        XCTAssertEqual(parsed.kind, .event)
        XCTAssertEqual(parsed.role, .user)
        XCTAssertNil(parsed.orgID)
        XCTAssertNil(parsed.text)
        XCTAssertNil(parsed.timestamp)
        XCTAssertNil(parsed.metaJSON)
    }

    func test_parser_readsAllRoles() {
        for role in Role.allCases {
            let parsed = parser.parsed(#"{"id":"e","account_id":"a","role":"\#(role.name)"}"#)
            XCTAssertEqual(parsed.role, role)
        }
    }

    func test_parser_acceptsFieldsInAnyOrderWithWhitespace() {
        let parsed = parser.parsed(" {\t\"text\" : \"t\" ,\r\n \"account_id\":\"a\", \"id\" :\"e\"}  \t")
        XCTAssertEqual(parsed.kind, .event)
        XCTAssertEqual(parsed.id, "e")
        XCTAssertEqual(parsed.accountID, "a")
        XCTAssertEqual(parsed.text, "t")
    }

    func test_parser_unescapesStringsIncludingSurrogatePairs() {
        let line = #"{"id":"\u0065\"1","account_id":"a","text":"caf\u00e9 \ud83d\ude00 \u4e2d\\n\/\b\f\n\r\t \u0000"}"#
        let parsed = parser.parsed(line)
        XCTAssertEqual(parsed.id, "e\"1")
        XCTAssertEqual(parsed.text, "café 😀 中\\n/\u{8}\u{c}\n\r\t \u{0}")
    }

    func test_parser_passesRawUTF8Through() {
        let parsed = parser.parsed(#"{"id":"e","account_id":"a","text":"Grüße, 世界 🌍"}"#)
        XCTAssertEqual(parsed.text, "Grüße, 世界 🌍")
    }

    func test_parser_matchesEscapedKeys() {
        let parsed = parser.parsed(#"{"\u0069d":"e","account\u005fid":"a"}"#)
        XCTAssertEqual(parsed.kind, .event)
        XCTAssertEqual(parsed.id, "e")
        XCTAssertEqual(parsed.accountID, "a")
    }

    func test_parser_ignoresUnknownFieldsOfEveryShape() {
        let line = #"{"x":{"deep":[1,{"y":[true,false,null,"s\u00e9"]}],"z":{}},"id":"e","n":-1.5e3,"#
            + #""arr":[[],[[]],{}],"account_id":"a","b":false,"nul":null}"#
        let parsed = parser.parsed(line)
        XCTAssertEqual(parsed.kind, .event)
        XCTAssertEqual(parsed.id, "e")
        XCTAssertEqual(parsed.accountID, "a")
    }

    func test_parser_readsTimestampForms() {
        let cases: [(String, Double)] = [
            ("1764405282", 1764405282),
            ("1764405282.25", 1764405282.25),
            (#""2026-11-29T08:34:42Z""#, 1795941282),
            (#""2026-11-29T08:34:42.5Z""#, 1795941282.5),
            (#""2026-11-29T08:34:42.125z""#, 1795941282.125),
            (#""2026-11-29T10:34:42+02:00""#, 1795941282),
            (#""2026-11-29T03:04:42-05:30""#, 1795941282),
            (#""1970-01-01T00:00:00Z""#, 0),
            (#""2024-02-29T00:00:00Z""#, 1709164800),
        ]
        for (ts, expected) in cases {
            let parsed = parser.parsed(#"{"id":"e","account_id":"a","ts":\#(ts)}"#)
            XCTAssertEqual(parsed.kind, .event, ts)
            XCTAssertEqual(parsed.timestamp ?? -1, expected, accuracy: 1e-6, ts)
        }
    }

    func test_parser_rejectsMalformedTimestamps() {
        let bad = [#""2026-11-29""#, #""2026-11-29T08:34:42""#, #""2026-13-01T00:00:00Z""#, #""2025-02-29T00:00:00Z""#,
                   #""2026-11-29T24:00:00Z""#, #""2026-11-29T08:34:42.Z""#, #""2026-11-29T08:34:42+0200""#,
                   #""2026-11-29T08:34:42Zjunk""#, #""yesterday""#, "true", "[1]", "{}"]
        for ts in bad {
            let parsed = parser.parsed(#"{"id":"e","account_id":"a","ts":\#(ts)}"#)
            XCTAssertEqual(parsed.code, .invalidEvent, ts)
            XCTAssertTrue(parsed.message.contains("'ts'"), parsed.message)
            XCTAssertEqual(parsed.id, "e")
        }
    }

    func test_parser_readsMetaRefusalAndExactRawText() {
        let cases: [(String, Bool)] = [
            (#"{"refusal":true}"#, true),
            (#"{"refusal":false}"#, false),
            (#"{ "other" : { "refusal" : true } , "list":[1, 2] }"#, false),
            (#"{"refusal":"yes"}"#, false),
            (#"{"a":[{"b":null}],"refusal":true,"c":"\u00e9}"}"#, true),
            ("{}", false),
        ]
        for (meta, refusal) in cases {
            let parsed = parser.parsed(#"{"id":"e","meta":\#(meta)   ,"account_id":"a"}"#)
            XCTAssertEqual(parsed.kind, .event, meta)
            XCTAssertEqual(parsed.isRefusal, refusal, meta)
            XCTAssertEqual(parsed.metaJSON, meta)
        }
        let last = parser.parsed(#"{"id":"e","account_id":"a","meta":{"refusal":true}}"#)
        XCTAssertEqual(last.metaJSON, #"{"refusal":true}"#)
    }

    func test_parser_readsToolCallArgumentsAsStringOrRawJSON() {
        let line = #"{"id":"e","account_id":"a","tool_calls":[{"name":"f","arguments":"x\ty"},"#
            + #"{"arguments":{"k":[1, 2],"s":"\u00e9"} ,"name":"g"},{"name":"h","arguments":[1,"two"]},{"name":"i"},"#
            + #"{"name":"j","arguments":null,"extra":{"z":1}}]}"#
        let parsed = parser.parsed(line)
        XCTAssertEqual(parsed.kind, .event)
        XCTAssertEqual(parsed.toolCalls, [
            .init(name: "f", arguments: "x\ty", argumentsPresent: true),
            .init(name: "g", arguments: #"{"k":[1, 2],"s":"\u00e9"}"#, argumentsPresent: true),
            .init(name: "h", arguments: #"[1,"two"]"#, argumentsPresent: true),
            .init(name: "i", arguments: "", argumentsPresent: false),
            .init(name: "j", arguments: "", argumentsPresent: false),
        ])
    }

    func test_parser_copiesLinesWithoutPadding() {
        let line = #"{"id":"e","account_id":"a","text":"caf\u00e9","meta":{"refusal":true}}"#
        let parsed = parser.parsed(line, padded: false)
        XCTAssertEqual(parsed.kind, .event)
        XCTAssertEqual(parsed.text, "café")
        XCTAssertEqual(parsed.metaJSON, #"{"refusal":true}"#)
        XCTAssertTrue(parsed.isRefusal)
    }

    func test_parser_readsPingAndHello() {
        XCTAssertEqual(parser.parsed(#"{"type":"ping"}"#).kind, .ping)
        XCTAssertEqual(parser.parsed(#"{"type":"ping","account_id":5}"#).kind, .ping)
        XCTAssertEqual(parser.parsed(#"{"type":"hello","responses":"verdict"}"#).kind, .hello(.verdict))
        XCTAssertEqual(parser.parsed(#"{"responses":"none","type":"hello"}"#).kind, .hello(.none))
        XCTAssertEqual(parser.parsed(#"{"type":"event","id":"e","account_id":"a"}"#).kind, .event)
    }

    func test_parser_reusesItselfAcrossManyLines() {
        for index in 0..<1000 {
            let parsed = parser.parsed(#"{"id":"e\#(index)","account_id":"a","tool_calls":[{"name":"n\#(index)"}]}"#)
            XCTAssertEqual(parsed.id, "e\(index)")
            XCTAssertEqual(parsed.toolCalls.first?.name, "n\(index)")
        }
    }
}
