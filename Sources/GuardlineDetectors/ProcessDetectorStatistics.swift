/// Counters of one `ProcessDetector` since it was created.
public struct ProcessDetectorStatistics: Sendable, Equatable {
    /// Batches passed to `score(batch:)`, including those refused by an open breaker.
    public var batches = 0
    /// Requests in those batches.
    public var requests = 0
    /// Results with a score above zero.
    public var fires = 0
    /// `{"seq":N,"error":…}` replies, malformed reply lines and failed writes.
    public var errors = 0
    /// Requests without a reply by their batch's deadline.
    public var timeouts = 0
    /// Requests answered nil at once because the breaker was open, no child
    /// was running, or `maxInFlight` requests were already pending.
    public var refused = 0
    /// Replies that arrived after their batch's deadline (already counted as timeouts).
    public var lateReplies = 0
    /// Children started after the first one.
    public var restarts = 0
    /// Times the breaker opened.
    public var breakerOpenings = 0
    public var breaker: ProcessBreakerState = .closed
    /// Wall time of `score(batch:)` calls that reached the child, in seconds.
    public var latencyTotal = 0.0
    public var latencyMaximum = 0.0
    public var latencyCount = 0

    public var latencyMean: Double { latencyCount == 0 ? 0 : latencyTotal / Double(latencyCount) }

    public init() {}
}
