import GuardlineStore

/// Turns the daemon's running per-detector counters (`DetectorStatistics`,
/// cumulative since start) into `detector_stats` rows: one row per detector
/// that did any work since the previous call, covering exactly that window.
///
/// Called on each checkpoint tick, at shutdown and at the end of a replay;
/// never on the hot path. Owned by one caller at a time (the daemon's control
/// queue, or the replay runner).
struct DetectorStatsRecorder {
    private var previous: [String: DetectorStatistics.Counters] = [:]
    private var windowStart: Double

    init(now: Double) {
        windowStart = now
    }

    /// Rows for the window that ends at `now`, named and versioned after the
    /// current generation (a detector removed by a reload since the last call
    /// has no row for its last partial window).
    mutating func takeWindow(statistics: DetectorStatistics, generation: Generation, now: Double) -> [DetectorStatsRecord] {
        let current = statistics.snapshotStartingNewWindow()
        defer {
            previous = current
            windowStart = now
        }
        return generation.detectors.compactMap { detector in
            guard let total = current[detector.name] else { return nil }
            let before = previous[detector.name] ?? DetectorStatistics.Counters()
            let calls = total.calls - before.calls, fires = total.fires - before.fires
            let errors = total.errors - before.errors, timeouts = total.timeouts - before.timeouts
            let sampledCalls = total.sampledCalls - before.sampledCalls, sampledNanos = total.sampledNanos - before.sampledNanos
            guard calls > 0 || fires > 0 || errors > 0 || timeouts > 0 else { return nil }
            return DetectorStatsRecord(
                detector: detector.name, detectorVersion: detector.version, mode: detector.mode, kind: detector.kind,
                windowStart: windowStart, windowEnd: now, calls: Int(calls), fires: Int(fires), errors: Int(errors), timeouts: Int(timeouts),
                sampledCalls: Int(sampledCalls),
                latencyMeanMicroseconds: sampledCalls == 0 ? 0 : Double(sampledNanos) / Double(sampledCalls) / 1000,
                latencyMaxMicroseconds: Double(total.windowMaxNanos) / 1000)
        }
    }
}
