/// The outcome of parsing one line with `EventParser`.
///
/// Every view inside (the event's fields, the failure's `id`) borrows memory
/// owned by the parser or the line's buffer: it is valid only until the same
/// parser parses again.
public enum ParseResult {
    /// A well-formed event.
    case event(EventView)
    /// `{"type":"ping"}`: answer with a pong.
    case ping
    /// `{"type":"hello", "responses": ...}`.
    case hello(responses: ResponseMode)
    /// The line is rejected. `id` is the event's `id` when it could be read, else empty;
    /// `message` is meant for the client and names the field at fault.
    case failure(ErrorCode, message: String, id: Bytes)
}
