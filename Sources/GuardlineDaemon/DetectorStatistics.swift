import Synchronization

/// Per-detector counters for `guardline status`, kept by detector name so
/// they survive reloads. Workers add a chunk's worth at a time.
final class DetectorStatistics: Sendable {
    struct Counters: Sendable, Equatable {
        /// Events the detector scored.
        var calls: UInt64 = 0
        /// Events it fired on.
        var fires: UInt64 = 0
        /// Calls that failed (a plugin's score returned an error; for a
        /// process detector also requests refused while its breaker is open
        /// or no child runs).
        var errors: UInt64 = 0
        /// Calls that missed their deadline (out-of-process detectors).
        var timeouts: UInt64 = 0
        /// Sampled time spent, and how many calls the samples cover. A process
        /// detector records every batch: its mean is per read chunk, not per event.
        var sampledNanos: UInt64 = 0
        var sampledCalls: UInt64 = 0
        /// Longest timed call since the last `takeSnapshot(resettingMaximum: true)` (the persisted window).
        var windowMaxNanos: UInt64 = 0

        /// Mean time per call in microseconds (0 when never sampled).
        var meanMicroseconds: Double {
            sampledCalls == 0 ? 0 : Double(sampledNanos) / Double(sampledCalls) / 1000
        }
    }

    private let table = Mutex<[String: Counters]>([:])

    /// Adds one worker's chunk: arrays indexed like `names`.
    func add(names: [String], calls: [UInt64], fires: [UInt64], errors: [UInt64], timeouts: [UInt64],
             sampledNanos: [UInt64], sampledCalls: [UInt64], maxNanos: [UInt64]) {
        table.withLock { table in
            for index in names.indices where calls[index] > 0 || fires[index] > 0 || errors[index] > 0 || timeouts[index] > 0 {
                var counters = table[names[index], default: Counters()]
                counters.calls += calls[index]
                counters.fires += fires[index]
                counters.errors += errors[index]
                counters.timeouts += timeouts[index]
                counters.sampledNanos += sampledNanos[index]
                counters.sampledCalls += sampledCalls[index]
                counters.windowMaxNanos = max(counters.windowMaxNanos, maxNanos[index])
                table[names[index]] = counters
            }
        }
    }

    func snapshot() -> [String: Counters] { table.withLock { $0 } }

    /// The counters, and a fresh window for the maximum: for `DetectorStatsRecorder`, the one caller that persists windows.
    func snapshotStartingNewWindow() -> [String: Counters] {
        table.withLock { table in
            let snapshot = table
            for name in table.keys { table[name]?.windowMaxNanos = 0 }
            return snapshot
        }
    }
}
