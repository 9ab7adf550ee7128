/// Counts failures in a sliding window and decides whether a detector process
/// may be asked at all. A pure value: the detector owns one under its lock.
///
/// Why: a child that keeps timing out costs the hot path a full deadline per
/// batch; once it is clearly broken, answering nil at once is better than
/// waiting for it, and a single trial batch later finds out if it recovered.
struct ProcessCircuitBreaker {
    let failureLimit: Int
    let window: Double
    let openDuration: Double
    private(set) var state: ProcessBreakerState = .closed
    private var failureTimes: [Double] = []

    init(failureLimit: Int, window: Double, openDuration: Double) {
        self.failureLimit = failureLimit
        self.window = window
        self.openDuration = openDuration
    }

    /// Whether a batch may go to the child now; moves open to half-open once
    /// the open period is over.
    mutating func allows(now: Double) -> Bool {
        switch state {
        case .closed, .halfOpen: return true
        case .open(_, let until):
            guard now >= until else { return false }
            state = .halfOpen
            return true
        }
    }

    /// Records one failure; returns true when this opened the breaker.
    mutating func recordFailure(_ reason: String, now: Double) -> Bool {
        switch state {
        case .open: return false
        case .halfOpen:
            open("trial failed: \(reason)", now: now)
            return true
        case .closed:
            failureTimes.removeAll { $0 < now - window }
            failureTimes.append(now)
            guard failureTimes.count >= failureLimit else { return false }
            open("\(failureTimes.count) failures within \(Int(window)) s, last: \(reason)", now: now)
            return true
        }
    }

    /// A batch finished without any failure: a half-open trial succeeded.
    mutating func recordSuccess() {
        if state == .halfOpen {
            state = .closed
            failureTimes.removeAll()
        }
    }

    private mutating func open(_ reason: String, now: Double) {
        state = .open(reason: reason, until: now + openDuration)
        failureTimes.removeAll()
    }
}
