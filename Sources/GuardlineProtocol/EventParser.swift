import CJSONShim

/// Parses NDJSON lines into `EventView`s with the simdjson shim.
///
/// One per worker: it owns the simdjson parser, its string buffer and the
/// tool-call array that every returned view points into, so it is neither
/// thread-safe nor `Sendable`. Parsing allocates nothing; a `String` is built
/// only for the message of a failure.
///
/// This file holds unsafe pointer code: it hands raw line buffers to C.
public final class EventParser {
    /// The longest line (without its newline) that `parse` accepts.
    public let maximumLineLength: Int
    private let handle: OpaquePointer
    /// Allocated once: a stored `var` would cost a dynamic exclusivity check per parse.
    private let event: UnsafeMutablePointer<gl_event>

    /// - Parameter maxLineLength: the framer's limit; longer lines fail with `line_too_long`.
    public init(maxLineLength: Int) {
        precondition(maxLineLength > 0, "maxLineLength must be positive")
        guard let handle = gl_parser_create(maxLineLength) else {
            // Only a failed allocation gets here, at start-up: nothing sensible to continue with.
            fatalError("could not allocate a JSON parser for lines of \(maxLineLength) bytes")
        }
        self.maximumLineLength = maxLineLength
        self.handle = handle
        event = UnsafeMutablePointer<gl_event>.allocate(capacity: 1)
        event.initialize(to: gl_event())
    }

    deinit {
        event.deallocate()
        gl_parser_destroy(handle)
    }

    /// Parses one line, without its line terminator.
    ///
    /// - Parameters:
    ///   - line: the line's bytes.
    ///   - readable: how many bytes starting at `line.baseAddress` may be read. With at
    ///     least `line.count + 64` (the framer guarantees it) the line is not copied.
    public func parse(_ line: UnsafeRawBufferPointer, readable: Int) -> ParseResult {
        precondition(readable >= line.count, "readable must cover the line")
        guard let base = line.baseAddress, line.count > 0 else {
            return .failure(.invalidJSON, message: "line is empty", id: Bytes(start: nil, count: 0))
        }
        let status = gl_parse(handle, base.assumingMemoryBound(to: CChar.self), line.count, readable, event)
        let view = EventView(raw: event.pointee)
        switch status {
        case GL_OK:
            switch event.pointee.type {
            case GL_TYPE_PING:
                return .ping
            case GL_TYPE_HELLO:
                return .hello(responses: view.responsesAreNone ? .none : .verdict)
            default:
                return .event(view)
            }
        case GL_ERR_INVALID_UTF8:
            return .failure(.invalidUTF8, message: "line is not valid UTF-8", id: view.id)
        case GL_ERR_LINE_TOO_LONG:
            return .failure(.lineTooLong, message: ErrorCode.lineTooLongMessage(limit: maximumLineLength), id: view.id)
        case GL_ERR_UNKNOWN_TYPE:
            return .failure(.unknownType, message: ErrorCode.unknownTypeMessage(type: view.typeName), id: view.id)
        case GL_ERR_INVALID_EVENT:
            let raw = event.pointee
            let field = raw.error_field.map { String(cString: $0) } ?? "?"
            let detail = raw.error_detail.map { String(cString: $0) } ?? "is invalid"
            let index = raw.error_index >= 0 ? Int(raw.error_index) : nil
            let message = ErrorCode.invalidEventMessage(field: field, detail: detail, index: index)
            return .failure(.invalidEvent, message: message, id: view.id)
        default:
            return .failure(.invalidJSON, message: "line is not a valid JSON object", id: view.id)
        }
    }
}

extension EventView {
    /// The `type` string as sent (empty when absent).
    var typeName: Bytes { Self.bytes(raw.type_name) }

    /// True when a hello's `responses` is `"none"` (the shim has checked it is `verdict` or `none`).
    var responsesAreNone: Bool { raw.responses.len == 4 }
}
