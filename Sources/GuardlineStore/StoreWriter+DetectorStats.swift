import GRDB

extension StoreWriter {
    /// Accepts detector statistics rows (appended to `detector_stats`).
    public func enqueue(detectorStats: [DetectorStatsRecord]) {
        append(count: detectorStats.count) { pending in
            for record in detectorStats { pending.append(.detectorStats(record)) }
        }
    }

    static func insert(_ stats: DetectorStatsRecord, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO detector_stats (detector, detector_version, mode, kind, window_start, window_end,
                                        calls, fires, errors, timeouts, sampled_calls, latency_mean_us, latency_max_us)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        statement.setUncheckedArguments([
            stats.detector, stats.detectorVersion, stats.mode, stats.kind,
            StoreTimestamp.text(fromEpoch: stats.windowStart), StoreTimestamp.text(fromEpoch: stats.windowEnd),
            stats.calls, stats.fires, stats.errors, stats.timeouts, stats.sampledCalls,
            stats.latencyMeanMicroseconds, stats.latencyMaxMicroseconds,
        ])
        try statement.execute()
    }
}
