import Foundation
import GRDB
import XCTest
@testable import GuardlineStore

final class StoreWriterTests: XCTestCase {
    func test_writer_batchesRowsAndFlushMakesThemVisibleToASecondReaderWhileWriting() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        let store = try Store.open(path: path)
        let writer = try store.makeWriter(maxBatchRows: 500) { _ in }
        let reader = try Store.openReadOnly(path: path)

        writer.enqueue((0..<1200).map { signal($0) })
        try writer.flush()
        XCTAssertEqual(try reader.count("signals"), 1200)
        XCTAssertGreaterThanOrEqual(writer.currentStatistics.batchesWritten, 3, "1200 rows cap at 500 per batch")

        // Keep the writer busy from another thread while the reader keeps reading.
        let producer = Thread {
            for round in 0..<20 {
                writer.enqueue((0..<100).map { signal(10_000 + round * 100 + $0) })
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
        producer.start()
        var lastCount = 1200
        for _ in 0..<20 {
            let count = try reader.count("signals")
            XCTAssertGreaterThanOrEqual(count, lastCount, "a WAL reader sees a consistent, growing table")
            lastCount = count
            Thread.sleep(forTimeInterval: 0.005)
        }
        while !producer.isFinished { Thread.sleep(forTimeInterval: 0.005) }
        try writer.flush()
        XCTAssertEqual(try reader.count("signals"), 3200)
        let statistics = writer.currentStatistics
        XCTAssertEqual(statistics.rowsWritten, 3200)
        XCTAssertEqual(statistics.pendingRows, 0)
        XCTAssertEqual(statistics.failures, 0)
        try writer.close()
    }

    func test_writer_commitsWithinTheFlushIntervalWithoutAFlush() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("guardline.db"))
        let writer = try store.makeWriter(flushInterval: 0.05) { _ in }
        writer.enqueue([signal(1)])
        let deadline = Date(timeIntervalSinceNow: 2)
        while try store.count("signals") == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(try store.count("signals"), 1)
        try writer.close()
    }

    func test_writer_commitSoon_makesAFlagReadableWithoutWaitingOutALongFlushInterval() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("guardline.db"))
        let writer = try store.makeWriter(flushInterval: 60) { _ in }
        writer.enqueue([signal(1)])
        writer.enqueue(flag: flag("acct-urgent"))
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertEqual(try store.count("flagged_accounts"), 0, "without commitSoon the batch waits for its 60 s interval")
        writer.commitSoon()
        let deadline = Date(timeIntervalSinceNow: 5)
        while try store.count("flagged_accounts") == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertEqual(try store.count("flagged_accounts"), 1)
        XCTAssertEqual(try store.count("signals"), 1, "the rows queued before the flag commit with it")
        try writer.close()
    }

    func test_writer_storesSignalColumnsAsISOTextAndJSON() throws {
        let store = try Store.openInMemory()
        let writer = try store.makeWriter { _ in }
        writer.enqueue([signal(7, at: baseEpoch + 42.123)])
        try writer.close()
        let row = try store.reader.read { db in try Row.fetchOne(db, sql: "SELECT * FROM signals") }
        XCTAssertEqual(row?["created_at"], "2026-11-29T08:00:42.123Z")
        XCTAssertEqual(row?["labels"], #"["email"]"#)
        XCTAssertEqual(row?["event_id"], "evt-7")
        XCTAssertEqual(row?["mode"], "enforce")
    }

    func test_flagUpsert_mergesDetectorsAndLabelsAndKeepsFirstFlaggedAtAndStatus() throws {
        let store = try Store.openInMemory()
        let writer = try store.makeWriter { _ in }
        writer.enqueue(flag: flag("acct-1", risk: 3.0, at: baseEpoch, detectors: ["secrets", "pii"], labels: ["b"]))
        try writer.flush()
        try store.writer!.write { db in
            try db.execute(sql: "UPDATE flagged_accounts SET status = 'acknowledged' WHERE account_id = 'acct-1'")
        }
        writer.enqueue(flag: flag("acct-1", risk: 4.5, at: baseEpoch + 60, detectors: ["jailbreak", "pii"],
                                  labels: ["a"]))
        try writer.close()

        let rows = try store.loadFlaggedAccounts()
        XCTAssertEqual(rows, [FlaggedAccountRow(
            accountID: "acct-1", orgID: "org-1", risk: 4.5, firstFlaggedAt: "2026-11-29T08:00:00.000Z",
            lastFlaggedAt: "2026-11-29T08:01:00.000Z", status: "acknowledged", reason: "threshold",
            detectors: ["jailbreak", "pii", "secrets"], labels: ["a", "b"], eventCount: 12, lastEventID: "evt-last")])
        let stored = try store.reader.read { db in
            try String.fetchOne(db, sql: "SELECT detectors FROM flagged_accounts")
        }
        XCTAssertEqual(stored, #"["jailbreak","pii","secrets"]"#)
    }

    func test_orgFlagAndRiskUpserts_keepFirstFlaggedAtAndReplaceRisk() throws {
        let store = try Store.openInMemory()
        let writer = try store.makeWriter { _ in }
        writer.enqueue(orgFlag: OrgFlagRecord(orgID: "org-1", flaggedAccounts: 3, flaggedAt: baseEpoch))
        writer.enqueue(orgFlag: OrgFlagRecord(orgID: "org-1", flaggedAccounts: 5, flaggedAt: baseEpoch + 1))
        writer.enqueue(risk: [AccountRiskRecord(accountID: "acct-1", orgID: "org-1", risk: 1, updatedAt: baseEpoch,
                                                flagged: false)])
        writer.enqueue(risk: [AccountRiskRecord(accountID: "acct-1", orgID: nil, risk: 2.25,
                                                updatedAt: baseEpoch + 10.5, flagged: true)])
        try writer.close()
        XCTAssertEqual(try store.loadFlaggedOrgs(), [FlaggedOrgRow(
            orgID: "org-1", flaggedAccounts: 5, firstFlaggedAt: "2026-11-29T08:00:00.000Z",
            lastFlaggedAt: "2026-11-29T08:00:01.000Z", status: "open")])
        XCTAssertEqual(try store.loadAccountRisk(updatedSince: baseEpoch), [AccountRiskRecord(
            accountID: "acct-1", orgID: "org-1", risk: 2.25, updatedAt: baseEpoch + 10.5, flagged: true)])
        XCTAssertEqual(try store.loadAccountRisk(updatedSince: baseEpoch + 11), [])
    }

    func test_writer_retriesAfterAnExclusiveLockWithoutLosingRows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        let store = try Store.open(path: path, busyTimeout: 0.02)
        let errors = ErrorCollector()
        let writer = try store.makeWriter(flushInterval: 0.01) { errors.record($0) }

        // Another process-like connection takes the write lock and holds it.
        var blockerConfiguration = Configuration()
        blockerConfiguration.allowsUnsafeTransactions = true  // the lock must outlive one access
        let blocker = try DatabaseQueue(path: path, configuration: blockerConfiguration)
        try blocker.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        writer.enqueue((0..<50).map { signal($0) })
        let deadline = Date(timeIntervalSinceNow: 5)
        while errors.errors.count < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        XCTAssertGreaterThanOrEqual(errors.errors.count, 2, "failures are reported and retried")
        guard case .locked? = errors.errors.first else { return XCTFail("expected .locked, got \(errors.errors)") }
        XCTAssertEqual(writer.currentStatistics.pendingRows, 50, "failed rows stay pending")
        writer.enqueue((50..<80).map { signal($0) })

        try blocker.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        try writer.flush(timeout: 10)
        XCTAssertEqual(try store.count("signals"), 80)
        let statistics = writer.currentStatistics
        XCTAssertEqual(statistics.rowsWritten, 80)
        XCTAssertGreaterThanOrEqual(statistics.failures, 2)
        XCTAssertEqual(statistics.pendingRows, 0)
        try writer.close()
    }

    func test_writer_reportsDiskFullAndRetriesUntilSpaceReturns() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        let store = try Store.open(path: path)
        let pages = try store.writer!.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        // A page limit on the writer connection makes SQLite fail with a real SQLITE_FULL.
        try store.writer!.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let errors = ErrorCollector()
        let writer = try store.makeWriter(flushInterval: 0.01) { errors.record($0) }
        writer.enqueue((0..<500).map { signal($0) })
        XCTAssertThrowsError(try writer.flush(timeout: 0.3)) { error in
            guard case .flushTimedOut(let pending, _)? = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(pending, 500)
        }
        guard case .diskFull? = errors.errors.first else { return XCTFail("expected .diskFull, got \(errors.errors)") }

        try store.writer!.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1000000") }
        try writer.flush(timeout: 10)
        XCTAssertEqual(try store.count("signals"), 500)
        try writer.close()
    }

    func test_writer_afterCloseRefusesRowsAndReportsThem() throws {
        let store = try Store.openInMemory()
        let errors = ErrorCollector()
        let writer = try store.makeWriter { errors.record($0) }
        writer.enqueue([signal(1)])
        try writer.close()
        writer.enqueue([signal(2), signal(3)])
        XCTAssertEqual(errors.errors, [.writerClosed(droppedRows: 2)])
        XCTAssertEqual(writer.currentStatistics.droppedRows, 2)
        XCTAssertEqual(try store.count("signals"), 1)
    }
}
