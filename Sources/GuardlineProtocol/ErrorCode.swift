/// The wire error codes, defined in this one place. The raw values are stable
/// strings that clients match on: never rename one, only add.
public enum ErrorCode: String, Sendable, CaseIterable {
    /// The line is not a JSON object: a syntax error, trailing content, or a non-object top level.
    case invalidJSON = "invalid_json"
    /// Valid JSON, but a field is missing or has the wrong type; the message names the field.
    case invalidEvent = "invalid_event"
    /// The line is longer than the configured maximum; the message states the limit.
    case lineTooLong = "line_too_long"
    /// The line is not valid UTF-8 (anywhere, including in ignored fields).
    case invalidUTF8 = "invalid_utf8"
    /// `type` is a string other than `event`, `ping` or `hello`; the message quotes it.
    case unknownType = "unknown_type"
    /// Reserved for the daemon: the event was refused because the daemon is saturated.
    case overloaded = "overloaded"
    /// Reserved for the daemon: an unexpected failure while handling a valid event.
    case `internal` = "internal"
}

extension ErrorCode {
    /// The message of a `line_too_long` reply; the framer reports such lines
    /// without a message, so the daemon builds it here to keep wording in one place.
    public static func lineTooLongMessage(limit: Int) -> String {
        "line exceeds the maximum length of \(limit) bytes"
    }

    /// The message of an `unknown_type` reply. The type is cut to 64 bytes so a
    /// hostile client cannot make the reply arbitrarily large.
    public static func unknownTypeMessage(type: Bytes) -> String {
        let shown = Bytes(rebasing: type.prefix(64))
        return "unknown type '\(shown.string)'"
    }

    /// The message of an `invalid_event` reply, e.g. `field 'tool_calls[2].name' must be a string`.
    /// - Parameter index: the `tool_calls` element the problem is in, or nil.
    public static func invalidEventMessage(field: String, detail: String, index: Int?) -> String {
        var path = field
        if let index, field.hasPrefix("tool_calls") {
            path = "tool_calls[\(index)]" + field.dropFirst("tool_calls".count)
        }
        return "field '\(path)' \(detail)"
    }
}
