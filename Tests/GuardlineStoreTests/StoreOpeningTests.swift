import Foundation
import GRDB
import XCTest
@testable import GuardlineStore

final class StoreOpeningTests: XCTestCase {
    func test_open_migrationsCreateEveryTableAndIndex() throws {
        let directory = try TemporaryDirectory()
        let store = try Store.open(path: directory.path("guardline.db"))
        let objects = try store.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
                .map { "\($0["type"] as String) \($0["name"] as String)" }
        }
        for expected in [
            "table flagged_accounts", "table signals", "table flagged_orgs", "table account_risk",
            "table grdb_migrations",
            "index signals_account_id_created_at", "index signals_detector_created_at",
            "index signals_org_id_created_at", "index signals_created_at",
            "index flagged_accounts_last_flagged_at", "index flagged_accounts_org_id",
            "index account_risk_updated_at_epoch",
            "table shadow_flagged_accounts", "index shadow_flagged_accounts_last_flagged_at",
            "table detector_stats", "index detector_stats_detector_window_end", "index detector_stats_window_end",
        ] {
            XCTAssertTrue(objects.contains(expected), "missing \(expected) in \(objects)")
        }
        let journalMode = try store.reader.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        XCTAssertEqual(journalMode, "wal")
        let migrations = try store.reader.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        XCTAssertEqual(migrations, ["v1-initial", "v2-shadow-flags", "v3-detector-stats"])
    }

    func test_open_createsMissingParentDirectories() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("nested/deeper/guardline.db")
        _ = try Store.open(path: path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
    }

    func test_open_twiceKeepsDataAndDoesNotRemigrate() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        do {
            let store = try Store.open(path: path)
            let writer = try store.makeWriter { _ in }
            writer.enqueue([signal(1)])
            try writer.close()
        }
        let reopened = try Store.open(path: path)
        XCTAssertEqual(try reopened.count("signals"), 1)
    }

    func test_openReadOnly_missingFileFailsClearlyAndCreatesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("absent.db")
        XCTAssertThrowsError(try Store.openReadOnly(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .fileNotFound(path: path))
            XCTAssertEqual("\(error)",
                           "no Guardline database at \(path) (the daemon creates it on first start; check the path)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }

    func test_open_fileThatIsNotADatabaseFailsAsNotADatabase() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("notes.db")
        try Data(String(repeating: "this is not sqlite\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Store.open(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .notADatabase(path: path))
        }
        XCTAssertThrowsError(try Store.openReadOnly(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .notADatabase(path: path))
        }
    }

    func test_openReadOnly_plainSQLiteFileIsNotAGuardlineStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.db")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "CREATE TABLE unrelated (x INTEGER)") }
        try queue.close()
        XCTAssertThrowsError(try Store.openReadOnly(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .notAGuardlineStore(path: path))
        }
    }

    func test_open_pathThatIsADirectoryFailsAsCannotOpen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("adir")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        XCTAssertThrowsError(try Store.open(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .cannotOpen(path: path, message: "the path is a directory"))
        }
    }

    func test_open_databaseMigratedByNewerVersionIsRejected() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        _ = try Store.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-future')") }
        try queue.close()
        XCTAssertThrowsError(try Store.open(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .schemaTooNew(path: path))
        }
    }

    func test_open_databaseHeldExclusivelyByAnotherConnectionFailsAsLocked() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true  // the lock must outlive one access
        let holder = try DatabaseQueue(path: path, configuration: configuration)
        try holder.inDatabase { db in
            try db.execute(sql: "CREATE TABLE placeholder (x INTEGER); BEGIN EXCLUSIVE; INSERT INTO placeholder VALUES (1)")
        }
        XCTAssertThrowsError(try Store.open(path: path, busyTimeout: 0.05)) { error in
            guard case .locked(path, _, _)? = error as? StoreError else { return XCTFail("unexpected \(error)") }
        }
        try holder.inDatabase { db in try db.execute(sql: "ROLLBACK") }
        XCTAssertNoThrow(try Store.open(path: path, busyTimeout: 0.05))
    }

    func test_readOnlyStore_refusesToStartAWriter() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("guardline.db")
        _ = try Store.open(path: path)
        let readOnly = try Store.openReadOnly(path: path)
        XCTAssertTrue(readOnly.isReadOnly)
        XCTAssertThrowsError(try readOnly.makeWriter { _ in }) { error in
            guard case .readOnly = error as? StoreError else { return XCTFail("unexpected \(error)") }
        }
    }
}
