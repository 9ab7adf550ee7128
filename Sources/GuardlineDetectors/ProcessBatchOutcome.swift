/// What one `ProcessDetector.scoreReporting(batch:)` call got: a result per
/// request, and how many requests ended nil for which reason.
public struct ProcessBatchOutcome: Sendable {
    /// One entry per request, in request order; nil where there is no score.
    public var results: [ProcessResult?]
    /// Requests not sent at all: breaker open, no child running, or
    /// `maxInFlight` requests already waiting.
    public var refused: Int
    /// Requests without a reply by the batch's deadline.
    public var timeouts = 0
    /// Requests answered with an error or a malformed reply, lost with a dying
    /// child, or not written because the pipe failed.
    public var errors = 0
    /// Wall time of the call in seconds (0 when the child was not asked).
    public var seconds = 0.0

    public init(results: [ProcessResult?], refused: Int) {
        self.results = results
        self.refused = refused
    }
}
