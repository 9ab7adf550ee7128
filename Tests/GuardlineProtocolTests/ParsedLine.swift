import GuardlineProtocol

/// An owned copy of a `ParseResult`, so tests can compare results after the
/// parser's views have gone stale.
struct ParsedLine: Equatable {
    enum Kind: Equatable {
        case event, ping, hello(ResponseMode), failure(ErrorCode)
    }

    struct ToolCall: Equatable {
        var name: String
        var arguments: String
        var argumentsPresent: Bool
    }

    var kind: Kind
    var message = ""
    var id = ""
    var idPresent = false
    var accountID = ""
    var orgID: String?
    var conversationID: String?
    var role = Role.user
    var text: String?
    var timestamp: Double?
    var isRefusal = false
    var metaJSON: String?
    var toolCalls: [ToolCall] = []

    var code: ErrorCode? {
        if case .failure(let code) = kind { return code }
        return nil
    }

    init(_ result: ParseResult) {
        switch result {
        case .ping:
            kind = .ping
        case .hello(let responses):
            kind = .hello(responses)
        case .failure(let code, let message, let id):
            kind = .failure(code)
            self.message = message
            self.id = id.string
            idPresent = id.baseAddress != nil
        case .event(let event):
            kind = .event
            id = event.id.string
            idPresent = true
            accountID = event.accountID.string
            orgID = Self.optional(event.orgID)
            conversationID = Self.optional(event.conversationID)
            role = event.role
            text = Self.optional(event.text)
            timestamp = event.timestamp
            isRefusal = event.isRefusal
            metaJSON = Self.optional(event.metaJSON)
            toolCalls = (0..<event.toolCallCount).map { index in
                let call = event.toolCall(index)
                return ToolCall(name: call.name.string, arguments: call.arguments.string,
                                argumentsPresent: call.arguments.baseAddress != nil)
            }
        }
    }

    private static func optional(_ bytes: Bytes) -> String? {
        bytes.baseAddress == nil ? nil : bytes.string
    }
}

extension EventParser {
    /// Parses `bytes` from a buffer with the 64 bytes of padding the framer provides
    /// (or, with `padded: false`, with none, which makes the shim copy the line).
    func parsed(_ bytes: [UInt8], padded: Bool = true) -> ParsedLine {
        let padding = padded ? 64 : 0
        var buffer = bytes + [UInt8](repeating: 0x41, count: padding)
        return buffer.withUnsafeMutableBytes { raw in
            ParsedLine(parse(UnsafeRawBufferPointer(rebasing: raw[0..<bytes.count]), readable: raw.count))
        }
    }

    func parsed(_ line: String, padded: Bool = true) -> ParsedLine {
        parsed(Array(line.utf8), padded: padded)
    }
}
