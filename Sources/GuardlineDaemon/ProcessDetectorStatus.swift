import GuardlineDetectors

/// The `status` fields of a process detector beyond the common counters:
/// its child, its circuit breaker and its last failure, so on-call can tell
/// "slow" from "down" without reading logs.
enum ProcessDetectorStatus {
    static func fields(of detector: ProcessDetector) -> [String: Any] {
        let statistics = detector.statistics
        var fields: [String: Any] = ["breaker": describe(statistics.breaker), "restarts": statistics.restarts,
                                     "refused": statistics.refused, "late_replies": statistics.lateReplies]
        if let processID = detector.childProcessID { fields["process_id"] = Int(processID) }
        if let lastError = detector.lastError { fields["last_error"] = lastError }
        return fields
    }

    /// `closed`, `half-open`, or `open for 12s: <reason>`.
    static func describe(_ state: ProcessBreakerState) -> String {
        switch state {
        case .closed: return "closed"
        case .halfOpen: return "half-open"
        case .open(let reason, let until):
            let remaining = max(0, Int((until - ProcessDetector.monotonicNow()).rounded(.up)))
            return "open for \(remaining)s: \(reason)"
        }
    }
}
