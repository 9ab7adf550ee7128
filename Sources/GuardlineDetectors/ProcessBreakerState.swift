/// The circuit breaker's state, as reported by `ProcessDetector.state`.
public enum ProcessBreakerState: Sendable, Equatable {
    /// Requests go to the child.
    case closed
    /// Too many failures: `score` returns all-nil without touching the child
    /// until `until` (monotonic seconds, `ProcessDetector.monotonicNow()`).
    case open(reason: String, until: Double)
    /// The open period is over; the next batch to finish is the trial: without
    /// a failure it closes the breaker, with one it reopens it. Batches from
    /// other threads are not held back meanwhile.
    case halfOpen
}
