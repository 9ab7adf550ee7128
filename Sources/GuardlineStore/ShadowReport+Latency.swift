import GRDB

extension ShadowReport {
    /// What a detector cost over the window, from `detector_stats` (the daemon
    /// persists its live counters every checkpoint tick).
    public struct Latency: Sendable, Equatable {
        public var kind: String
        /// Events it scored in the window.
        public var calls: Int
        /// Of those, the timed ones (every 16th event): what the mean rests on.
        public var sampledCalls: Int
        /// Mean time per event, µs.
        public var meanMicroseconds: Double
        /// Longest timed call in the window, µs.
        public var maxMicroseconds: Double

        /// Rules detectors are compiled into one Vectorscan scan per event and
        /// each carries that whole scan's time: their own share is not measured.
        public var sharesRuleScan: Bool { kind == "rules" }
    }

    /// A detector's cost over the window, combining its windows weighted by their timed calls.
    static func latency(of detector: String, mode: String, cutoff: String, in db: Database) throws -> Latency? {
        guard try db.tableExists("detector_stats"),
              let row = try Row.fetchOne(db, sql: """
                  SELECT MAX(kind) AS kind, SUM(calls) AS calls, SUM(sampled_calls) AS sampled,
                         SUM(latency_mean_us * sampled_calls) AS weighted, MAX(latency_max_us) AS max_us
                  FROM detector_stats WHERE detector = ? AND mode = ? AND window_end >= ?
                  """, arguments: [detector, mode, cutoff]),
              let kind: String = row["kind"] else { return nil }
        let sampled: Int = row["sampled"] ?? 0
        let weighted: Double = row["weighted"] ?? 0
        return Latency(kind: kind, calls: row["calls"] ?? 0, sampledCalls: sampled,
                       meanMicroseconds: sampled == 0 ? 0 : weighted / Double(sampled), maxMicroseconds: row["max_us"] ?? 0)
    }

    /// Mean time per event of the enforcing detectors together: the rules scan
    /// once (every rules detector carries the same scan), plus each native
    /// plugin. Behavioural detectors are not timed. Nil when nothing enforcing was timed.
    static func enforcingMicroseconds(cutoff: String, in db: Database) throws -> Double? {
        guard try db.tableExists("detector_stats") else { return nil }
        var ruleScan: Double?
        var plugins = 0.0
        var timed = false
        for name in try String.fetchAll(db, sql: """
            SELECT DISTINCT detector FROM detector_stats WHERE mode = 'enforce' AND window_end >= ? AND sampled_calls > 0
            """, arguments: [cutoff]) {
            guard let latency = try latency(of: name, mode: "enforce", cutoff: cutoff, in: db), latency.sampledCalls > 0 else { continue }
            timed = true
            if latency.sharesRuleScan {
                ruleScan = max(ruleScan ?? 0, latency.meanMicroseconds)
            } else {
                plugins += latency.meanMicroseconds
            }
        }
        return timed ? (ruleScan ?? 0) + plugins : nil
    }
}
