import Foundation
import GRDB
import XCTest
@testable import GuardlineStore

/// `detector_stats`: the v3 migration, the writer's rows, and the latency columns of the shadow report.
final class DetectorStatsTests: XCTestCase {
    private func stats(_ detector: String, mode: String = "shadow", kind: String = "native", end: Double = baseEpoch + 5,
                       calls: Int = 100, sampled: Int = 10, mean: Double, max: Double = 50) -> DetectorStatsRecord {
        DetectorStatsRecord(detector: detector, detectorVersion: "1.0.0", mode: mode, kind: kind, windowStart: end - 5, windowEnd: end,
                            calls: calls, fires: 3, errors: 0, timeouts: 0, sampledCalls: sampled,
                            latencyMeanMicroseconds: mean, latencyMaxMicroseconds: max)
    }

    func test_migration_addsDetectorStatsToAnExistingV2DatabaseAndKeepsItsRows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        // A database as the previous release left it: migrated up to v2, with a signal in it.
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.makeMigrator().migrate(queue, upTo: StoreSchema.shadowMigration)
            try queue.write { db in
                XCTAssertFalse(try db.tableExists("detector_stats"))
                try db.execute(sql: """
                    INSERT INTO signals (event_id, account_id, detector, detector_version, mode, score, created_at)
                    VALUES ('e1', 'a1', 'd', '1', 'shadow', 0.5, '2026-11-29T08:00:00.000Z')
                    """)
            }
            try queue.close()
        }
        let store = try Store.open(path: path)
        let migrations = try store.reader.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        XCTAssertEqual(migrations, ["v1-initial", "v2-shadow-flags", "v3-detector-stats"])
        XCTAssertEqual(try store.count("signals"), 1)
        let writer = try store.makeWriter { _ in }
        writer.enqueue(detectorStats: [stats("d", mean: 12.5)])
        try writer.close()
        let row = try XCTUnwrap(try store.reader.read { db in try Row.fetchOne(db, sql: "SELECT * FROM detector_stats") })
        XCTAssertEqual(row["detector"] as String, "d")
        XCTAssertEqual(row["window_start"] as String, "2026-11-29T08:00:00.000Z")
        XCTAssertEqual(row["window_end"] as String, "2026-11-29T08:00:05.000Z")
        XCTAssertEqual(row["calls"] as Int, 100)
        XCTAssertEqual(row["sampled_calls"] as Int, 10)
        XCTAssertEqual(row["latency_mean_us"] as Double, 12.5)
        XCTAssertEqual(row["latency_max_us"] as Double, 50)
    }

    func test_shadowReport_weighsWindowsByTimedCallsAndComparesWithTheEnforcingCost() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("guardline.db"))
        let writer = try store.makeWriter { _ in }
        writer.enqueue(detectorStats: [
            // A shadow plugin over two windows: (10 × 4 µs + 30 × 8 µs) / 40 = 7 µs.
            stats("plugin", calls: 160, sampled: 10, mean: 4, max: 9),
            stats("plugin", end: baseEpoch + 10, calls: 480, sampled: 30, mean: 8, max: 20),
            // A shadow rules detector that never fired: it carries the shared scan.
            stats("shadow-rules", kind: "rules", calls: 640, sampled: 40, mean: 3),
            // Enforcing: two rules detectors sharing one 3 µs scan, and a 2 µs plugin → 5 µs per event.
            stats("rules-a", mode: "enforce", kind: "rules", calls: 640, sampled: 40, mean: 3),
            stats("rules-b", mode: "enforce", kind: "rules", calls: 640, sampled: 40, mean: 3),
            stats("enforced-plugin", mode: "enforce", calls: 640, sampled: 40, mean: 2),
            // Outside the window.
            stats("plugin", end: baseEpoch - 3600, calls: 1, sampled: 1, mean: 1000, max: 1000),
        ])
        try writer.close()
        let report = try store.shadowReport(since: baseEpoch - 60, detector: nil)
        XCTAssertEqual(report.detectors.map(\.name), ["plugin", "shadow-rules"], "listed from detector_stats without any signal")
        XCTAssertEqual(report.enforcingMicroseconds ?? 0, 5, accuracy: 1e-9, "the shared scan counts once")
        let plugin = try XCTUnwrap(report.detectors.first?.latency)
        XCTAssertEqual(plugin.calls, 640)
        XCTAssertEqual(plugin.sampledCalls, 40)
        XCTAssertEqual(plugin.meanMicroseconds, 7, accuracy: 1e-9)
        XCTAssertEqual(plugin.maxMicroseconds, 20)
        XCTAssertEqual(report.detectors.first?.addedMicroseconds ?? 0, 7, accuracy: 1e-9)
        XCTAssertEqual(report.detectors.first?.versions, ["1.0.0"])
        let rules = try XCTUnwrap(report.detectors.last)
        XCTAssertTrue(rules.latency?.sharesRuleScan ?? false)
        XCTAssertNil(rules.addedMicroseconds, "a rules detector's own share of the scan is not measured")

        let json = ReportRenderer.render(shadow: report, format: .json)
        XCTAssertTrue(json.contains("\"added_us\": 7"), json)
        XCTAssertTrue(json.contains("\"enforcing_us\": 5"), json)
        XCTAssertTrue(json.contains("\"latency_shared_rule_scan\": true"), json)
        let table = ReportRenderer.render(shadow: report, format: .table)
        XCTAssertTrue(table.contains("+7.00 us (+140%)"), table)
        XCTAssertTrue(table.contains("in shared scan"), table)
    }

    func test_shadowReport_onAV2DatabaseHasNoLatency() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.makeMigrator().migrate(queue, upTo: StoreSchema.shadowMigration)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO signals (event_id, account_id, detector, detector_version, mode, score, created_at)
                VALUES ('e1', 'a1', 'd', '1', 'shadow', 0.5, '2026-11-29T08:00:00.000Z')
                """)
        }
        try queue.close()
        // The CLI opens read-only and never migrates: an older daemon's database still reports.
        let report = try Store.openReadOnly(path: path).shadowReport(since: nil, detector: nil)
        XCTAssertEqual(report.detectors.map(\.name), ["d"])
        XCTAssertNil(report.detectors[0].latency)
        XCTAssertNil(report.enforcingMicroseconds)
    }
}
