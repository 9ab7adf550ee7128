import Foundation
import XCTest
import GuardlineProtocol

/// The event fields Foundation reads from a line, for the differential test.
struct ReferenceEvent {
    var id: String
    var accountID: String
    var orgID: String?
    var conversationID: String?
    var text: String?
    var role: Role
    var timestamp: Double?
    var isRefusal: Bool
    var meta: NSDictionary?
    var toolCalls: [(name: String, arguments: Any?)]

    /// `true`/`false` arrive as a private NSNumber subclass on Linux; `1 as? Bool` also succeeds,
    /// so the class name is the only reliable way to tell a JSON boolean from a number.
    static func isBoolean(_ value: Any) -> Bool {
        String(describing: type(of: value)).contains("Boolean")
    }

    private static func isAbsent(_ value: Any?) -> Bool { value == nil || value is NSNull }

    private static func optionalStringIsValid(_ value: Any?) -> Bool { isAbsent(value) || value is String }

    static func timestamp(_ value: Any?) -> Double?? {
        if isAbsent(value) { return .some(nil) }
        if let text = value as? String {
            // ISO8601DateFormatter rolls 2026-02-30 over to March; RFC 3339 forbids such dates.
            guard dateIsReal(text), text.wholeMatch(of: rfc3339) != nil else { return nil }
            // ISO8601DateFormatter is lenient about offsets (it took "+020u003A00"): the
            // pattern above decides validity, the formatter only computes the value.
            let text = text.replacingOccurrences(of: "t", with: "T").replacingOccurrences(of: "z", with: "Z")
                .replacingOccurrences(of: " ", with: "T")
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
            formatter.formatOptions = [.withInternetDateTime]
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
            return nil
        }
        if let number = value as? NSNumber, !isBoolean(number) { return number.doubleValue }
        return nil
    }

    nonisolated(unsafe) private static let rfc3339 =
        /[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})/

    private static func dateIsReal(_ text: String) -> Bool {
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return DateComponents(year: parts[0], month: parts[1], day: parts[2]).isValidDate(in: calendar)
    }

    static func isValid(_ object: [String: Any]) -> Bool {
        guard let id = object["id"] as? String, let account = object["account_id"] as? String, !account.isEmpty
        else { return false }
        _ = id
        for key in ["org_id", "conversation_id", "text"] where !optionalStringIsValid(object[key]) { return false }
        if !isAbsent(object["role"]) {
            guard let role = object["role"] as? String, Role(name: role) != nil else { return false }
        }
        if timestamp(object["ts"]) == nil { return false }
        if !isAbsent(object["meta"]) && !(object["meta"] is [String: Any]) { return false }
        if !isAbsent(object["tool_calls"]) {
            guard let calls = object["tool_calls"] as? [Any] else { return false }
            for call in calls {
                guard let call = call as? [String: Any], call["name"] is String else { return false }
                let arguments = call["arguments"]
                if !isAbsent(arguments) && !(arguments is String) && !(arguments is [Any]) && !(arguments is [String: Any]) {
                    return false
                }
            }
        }
        return true
    }

    /// Only for objects that passed `isValid`.
    init(_ object: [String: Any]) {
        id = object["id"] as! String
        accountID = object["account_id"] as! String
        orgID = object["org_id"] as? String
        conversationID = object["conversation_id"] as? String
        text = object["text"] as? String
        role = (object["role"] as? String).flatMap(Role.init(name:)) ?? .user
        timestamp = Self.timestamp(object["ts"])!
        meta = object["meta"] as? NSDictionary
        let refusal = (object["meta"] as? [String: Any])?["refusal"]
        isRefusal = refusal.map { Self.isBoolean($0) && ($0 as! NSNumber).boolValue } ?? false
        toolCalls = ((object["tool_calls"] as? [[String: Any]]) ?? []).map { call in
            (call["name"] as! String, Self.isAbsent(call["arguments"]) ? nil : call["arguments"])
        }
    }

    func assertMatches(_ parsed: ParsedLine, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(parsed.id, id, "id " + context, file: file, line: line)
        XCTAssertEqual(parsed.accountID, accountID, "account_id " + context, file: file, line: line)
        XCTAssertEqual(parsed.orgID, orgID, "org_id " + context, file: file, line: line)
        XCTAssertEqual(parsed.conversationID, conversationID, "conversation_id " + context, file: file, line: line)
        XCTAssertEqual(parsed.text, text, "text " + context, file: file, line: line)
        XCTAssertEqual(parsed.role, role, "role " + context, file: file, line: line)
        XCTAssertEqual(parsed.timestamp == nil, timestamp == nil, "ts presence " + context, file: file, line: line)
        if let expected = timestamp, let actual = parsed.timestamp {
            XCTAssertEqual(actual, expected, accuracy: 1e-3, "ts " + context, file: file, line: line)
        }
        XCTAssertEqual(parsed.isRefusal, isRefusal, "refusal " + context, file: file, line: line)
        XCTAssertEqual(parsed.metaJSON.map(Self.reparse) ?? nil, meta, "meta " + context, file: file, line: line)
        XCTAssertEqual(parsed.toolCalls.count, toolCalls.count, context, file: file, line: line)
        for (actual, expected) in zip(parsed.toolCalls, toolCalls) {
            XCTAssertEqual(actual.name, expected.name, context, file: file, line: line)
            XCTAssertEqual(actual.argumentsPresent, expected.arguments != nil, "arguments presence " + context, file: file, line: line)
            if let string = expected.arguments as? String {
                XCTAssertEqual(actual.arguments, string, context, file: file, line: line)
            } else if let structured = expected.arguments {
                let reparsed = try? JSONSerialization.jsonObject(with: Data(actual.arguments.utf8))
                XCTAssertEqual(reparsed.map { $0 as AnyObject } as? NSObject, structured as? NSObject, context, file: file, line: line)
            }
        }
    }

    private static func reparse(_ json: String) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? NSDictionary
    }
}
