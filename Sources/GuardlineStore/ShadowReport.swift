import GRDB

/// How a shadow detector would have done had it been enforcing: what
/// engineers look at before promoting it (`guardline shadow-report`).
public struct ShadowReport: Sendable, Equatable {
    public struct Detector: Sendable, Equatable {
        public var name: String
        /// Versions seen in the window (a detector can be reloaded several times).
        public var versions: [String]
        /// Events it fired on.
        public var events: Int
        /// Distinct accounts it fired on.
        public var accounts: Int
        /// Accounts shadow evaluation would flag with this detector among the causes.
        public var wouldFlag: [String]
        /// Of those, accounts the enforcing detectors flagged too.
        public var overlap: [String]
        /// Accounts it would add: would-be flagged, not really flagged.
        public var wouldAdd: [String]
        /// Accounts the enforcing detectors flagged that this detector is not among the causes of
        /// a would-be flag for (what it would miss on its own).
        public var wouldMiss: [String]
        /// Firing rate: events per hour, oldest first, as (hour "YYYY-MM-DDTHH", count).
        public var hourly: [HourCount]
        /// Calls and time per event in the window; nil when the daemon persisted no statistics for it.
        public var latency: Latency?
        /// Time per event this detector adds: its mean for a native plugin; nil for a
        /// rules detector, whose patterns run inside the shared scan (see `Latency.sharesRuleScan`).
        public var addedMicroseconds: Double? {
            guard let latency, latency.sampledCalls > 0, !latency.sharesRuleScan else { return nil }
            return latency.meanMicroseconds
        }
    }

    public struct HourCount: Sendable, Equatable {
        public var hour: String
        public var events: Int
    }

    public var detectors: [Detector]
    /// Mean time per event of the enforcing detectors together (the baseline an added cost is compared with).
    public var enforcingMicroseconds: Double?
}

extension Store {
    /// Builds the report for every detector with shadow signals since `since`
    /// (seconds since 1970), or only `detector`.
    public func shadowReport(since: Double?, detector: String?) throws -> ShadowReport {
        let cutoff = since.map { StoreTimestamp.text(fromEpoch: $0) } ?? ""
        return try read("shadow report") { db in
            // Shadow detectors that fired, and those that ran without firing (known from detector_stats).
            var names = try String.fetchAll(db, sql: """
                SELECT DISTINCT detector FROM signals WHERE mode = 'shadow' AND created_at >= ? ORDER BY detector
                """, arguments: [cutoff])
            if try db.tableExists("detector_stats") {
                names = Array(Set(names + (try String.fetchAll(db, sql: """
                    SELECT DISTINCT detector FROM detector_stats WHERE mode = 'shadow' AND window_end >= ?
                    """, arguments: [cutoff])))).sorted()
            }
            if let detector { names = names.filter { $0 == detector } }
            let reallyFlagged = Set(try String.fetchAll(db, sql: "SELECT account_id FROM flagged_accounts WHERE last_flagged_at >= ?",
                                                        arguments: [cutoff]))
            return ShadowReport(detectors: try names.map { name in
                var versions = try String.fetchAll(db, sql: """
                    SELECT DISTINCT detector_version FROM signals WHERE mode = 'shadow' AND detector = ? AND created_at >= ?
                    ORDER BY detector_version
                    """, arguments: [name, cutoff])
                if try db.tableExists("detector_stats") {
                    versions = Array(Set(versions + (try String.fetchAll(db, sql: """
                        SELECT DISTINCT detector_version FROM detector_stats WHERE mode = 'shadow' AND detector = ? AND window_end >= ?
                        """, arguments: [name, cutoff])))).sorted()
                }
                let totals = try Row.fetchOne(db, sql: """
                    SELECT COUNT(*) AS events, COUNT(DISTINCT account_id) AS accounts FROM signals
                    WHERE mode = 'shadow' AND detector = ? AND created_at >= ?
                    """, arguments: [name, cutoff])
                let wouldFlag = try String.fetchAll(db, sql: """
                    SELECT account_id FROM shadow_flagged_accounts, json_each(shadow_flagged_accounts.detectors)
                    WHERE json_each.value = ? AND last_flagged_at >= ? ORDER BY account_id
                    """, arguments: [name, cutoff])
                let hourly = try Row.fetchAll(db, sql: """
                    SELECT substr(created_at, 1, 13) AS hour, COUNT(*) AS events FROM signals
                    WHERE mode = 'shadow' AND detector = ? AND created_at >= ? GROUP BY hour ORDER BY hour
                    """, arguments: [name, cutoff]).map { ShadowReport.HourCount(hour: $0["hour"], events: $0["events"]) }
                return ShadowReport.Detector(
                    name: name, versions: versions, events: totals?["events"] ?? 0, accounts: totals?["accounts"] ?? 0,
                    wouldFlag: wouldFlag,
                    overlap: wouldFlag.filter { reallyFlagged.contains($0) },
                    wouldAdd: wouldFlag.filter { !reallyFlagged.contains($0) },
                    wouldMiss: reallyFlagged.subtracting(wouldFlag).sorted(),
                    hourly: hourly,
                    latency: try ShadowReport.latency(of: name, mode: "shadow", cutoff: cutoff, in: db))
            }, enforcingMicroseconds: try ShadowReport.enforcingMicroseconds(cutoff: cutoff, in: db))
        }
    }
}
