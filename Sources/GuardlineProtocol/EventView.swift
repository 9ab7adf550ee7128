import CJSONShim

/// A borrowed view of a bytes span.
public typealias Bytes = UnsafeBufferPointer<UInt8>

/// Conversation role of an event's author.
public enum Role: UInt8, Sendable, CaseIterable {
    case user = 0, assistant = 1, tool = 2, system = 3

    public var name: String {
        switch self {
        case .user: "user"
        case .assistant: "assistant"
        case .tool: "tool"
        case .system: "system"
        }
    }

    public init?(name: String) {
        switch name {
        case "user": self = .user
        case "assistant": self = .assistant
        case "tool": self = .tool
        case "system": self = .system
        default: return nil
        }
    }
}

/// One tool call of an event, as views into parser-owned memory.
public struct ToolCallView {
    public let name: Bytes
    public let arguments: Bytes

    @inlinable public init(name: Bytes, arguments: Bytes) {
        self.name = name
        self.arguments = arguments
    }
}

/// A parsed event whose fields are views into the read buffer or the parser's
/// string buffer. Valid only until the parser that produced it parses again:
/// never store one; copy what must outlive the line (`String(decoding:as:)`).
///
/// Why views: allocating a `String` per field per event costs more than the
/// whole parse (see shared/PERFORMANCE.md); only the account key is copied.
public struct EventView {
    @usableFromInline let raw: gl_event

    public init(raw: gl_event) { self.raw = raw }

    @inlinable static func bytes(_ s: gl_str) -> Bytes {
        guard let p = s.ptr else { return Bytes(start: nil, count: 0) }
        return Bytes(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: s.len)
    }

    @inlinable public var id: Bytes { Self.bytes(raw.id) }
    @inlinable public var accountID: Bytes { Self.bytes(raw.account_id) }
    /// Empty when absent.
    @inlinable public var orgID: Bytes { Self.bytes(raw.org_id) }
    @inlinable public var conversationID: Bytes { Self.bytes(raw.conversation_id) }
    @inlinable public var role: Role { Role(rawValue: UInt8(truncatingIfNeeded: raw.role.rawValue)) ?? .user }
    /// Unescaped UTF-8 text; empty when absent.
    @inlinable public var text: Bytes { Self.bytes(raw.text) }
    /// Seconds since the epoch, or nil when the event carried no `ts`.
    @inlinable public var timestamp: Double? { raw.has_ts != 0 ? raw.ts : nil }
    /// `meta.refusal == true`.
    @inlinable public var isRefusal: Bool { raw.refusal != 0 }
    /// Raw JSON of `meta`, empty when absent (handed to plugins as is).
    @inlinable public var metaJSON: Bytes { Self.bytes(raw.meta_raw) }

    @inlinable public var toolCallCount: Int { raw.tool_call_count }

    @inlinable public func toolCall(_ index: Int) -> ToolCallView {
        precondition(index >= 0 && index < raw.tool_call_count)
        let call = raw.tool_calls[index]
        return ToolCallView(name: Self.bytes(call.name), arguments: Self.bytes(call.arguments))
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Copies the bytes into a `String` (lossy repair of invalid UTF-8 cannot
    /// happen: the parser validated the line).
    @inlinable public var string: String { String(decoding: self, as: UTF8.self) }
}
