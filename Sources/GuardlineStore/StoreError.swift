import Foundation
import GRDB

/// Every failure GuardlineStore reports, with the path and operation that failed.
///
/// The cases separate what an operator can act on (a missing file, a full disk,
/// a database held locked by another process) from generic SQLite failures, so the
/// daemon can log `store.write_failed` with a useful reason and the CLI can print
/// a message that says what to do.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A read-only open found no file. The CLI never creates the database.
    case fileNotFound(path: String)
    /// The parent directory of the database could not be created.
    case cannotCreateDirectory(path: String, message: String)
    /// SQLite could not open the file (permissions, a directory in the way, …).
    case cannotOpen(path: String, message: String)
    /// The file exists but is not an SQLite database. The corresponding C error is `SQLITE_NOTADB`.
    case notADatabase(path: String)
    /// The file is an SQLite database that Guardline never initialised.
    case notAGuardlineStore(path: String)
    /// The database was migrated by a newer Guardline than this one.
    case schemaTooNew(path: String)
    /// Another connection holds a lock past the busy timeout. `SQLITE_BUSY` or `SQLITE_LOCKED`.
    case locked(path: String, operation: String, message: String)
    /// The file or its directory is read-only. `SQLITE_READONLY`.
    case readOnly(path: String, operation: String, message: String)
    /// The disk (or the configured page limit) is full. `SQLITE_FULL`.
    case diskFull(path: String, operation: String, message: String)
    /// A disk I/O error. `SQLITE_IOERR` and its extended codes.
    case ioFailure(path: String, operation: String, message: String)
    /// A migration failed for a reason not covered above.
    case migrationFailed(path: String, message: String)
    /// Any other SQLite failure, with its primary result code.
    case sqlite(path: String, operation: String, code: Int32, message: String)
    /// `flush()` or `close()` ran out of time with rows still uncommitted.
    case flushTimedOut(pendingRows: Int, seconds: Double)
    /// Rows were enqueued after `close()`; they were not written.
    case writerClosed(droppedRows: Int)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "no Guardline database at \(path) (the daemon creates it on first start; check the path)"
        case let .cannotCreateDirectory(path, message):
            return "cannot create directory \(path): \(message)"
        case let .cannotOpen(path, message):
            return "cannot open database \(path): \(message)"
        case let .notADatabase(path):
            return "\(path) is not an SQLite database"
        case let .notAGuardlineStore(path):
            return "\(path) is an SQLite database but not a Guardline store (no Guardline schema)"
        case let .schemaTooNew(path):
            return "\(path) was created by a newer Guardline; upgrade this binary"
        case let .locked(path, operation, message):
            return "database \(path) is locked by another connection during \(operation): \(message)"
        case let .readOnly(path, operation, message):
            return "database \(path) is read-only during \(operation): \(message)"
        case let .diskFull(path, operation, message):
            return "disk full writing \(path) during \(operation): \(message)"
        case let .ioFailure(path, operation, message):
            return "disk I/O error on \(path) during \(operation): \(message)"
        case let .migrationFailed(path, message):
            return "migrating \(path) failed: \(message)"
        case let .sqlite(path, operation, code, message):
            return "SQLite error \(code) on \(path) during \(operation): \(message)"
        case let .flushTimedOut(pendingRows, seconds):
            return "store flush timed out after \(seconds) s with \(pendingRows) rows pending"
        case let .writerClosed(droppedRows):
            return "store writer is closed; \(droppedRows) rows enqueued after close were not written"
        }
    }

    public var errorDescription: String? { description }

    /// Maps any error thrown by GRDB into a case that names the cause.
    ///
    /// Result codes are compared on their primary code so extended codes
    /// (`SQLITE_IOERR_WRITE`, `SQLITE_BUSY_SNAPSHOT`, …) land in the right case.
    static func from(_ error: any Error, path: String, operation: String) -> StoreError {
        if let storeError = error as? StoreError { return storeError }
        guard let databaseError = error as? DatabaseError else {
            return .sqlite(path: path, operation: operation, code: -1, message: "\(error)")
        }
        let message = databaseError.message ?? "\(databaseError)"
        switch databaseError.resultCode.primaryResultCode {
        case .SQLITE_FULL: return .diskFull(path: path, operation: operation, message: message)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path, operation: operation, message: message)
        case .SQLITE_READONLY: return .readOnly(path: path, operation: operation, message: message)
        case .SQLITE_IOERR: return .ioFailure(path: path, operation: operation, message: message)
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path, message: message)
        default:
            return .sqlite(path: path, operation: operation,
                           code: databaseError.resultCode.primaryResultCode.rawValue, message: message)
        }
    }
}
