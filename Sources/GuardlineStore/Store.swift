import Foundation
import GRDB

/// The Guardline SQLite database: opening, migrating, and the handle that queries
/// and the `StoreWriter` share.
///
/// The daemon opens it read-write with a `DatabasePool` in WAL mode, so the CLI and
/// dashboards can read while the writer commits (WAL readers never block the writer
/// and are never blocked by it). The CLI opens it read-only and never creates it.
public final class Store: Sendable {
    /// The database path, or `:memory:` for an in-memory store.
    public let path: String
    /// Whether this handle was opened with `openReadOnly(path:)`.
    public let isReadOnly: Bool
    let reader: any DatabaseReader
    /// Nil for read-only stores; the only connection that writes.
    let writer: (any DatabaseWriter)?

    private init(path: String, isReadOnly: Bool, reader: any DatabaseReader, writer: (any DatabaseWriter)?) {
        self.path = path
        self.isReadOnly = isReadOnly
        self.reader = reader
        self.writer = writer
    }

    /// Opens the database at `path` for the daemon, creating the file and its parent
    /// directory if needed, and applies pending migrations.
    ///
    /// - Parameter busyTimeout: how long a statement waits for another connection's
    ///   lock before failing with `StoreError.locked`.
    public static func open(path: String, busyTimeout: TimeInterval = 2) throws -> Store {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError.cannotCreateDirectory(path: directory, message: error.localizedDescription)
            }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError.cannotOpen(path: path, message: "the path is a directory")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "guardline.store"
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL never corrupts the database; a power cut may lose the
            // last commits, and it saves an fsync per batch on the writer.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.from(error, path: path, operation: "open")
        }
        try migrate(pool, path: path)
        return Store(path: path, isReadOnly: false, reader: pool, writer: pool)
    }

    /// Opens an existing database read-only, for the CLI.
    ///
    /// Fails with `StoreError.fileNotFound` rather than creating an empty file, since
    /// an empty database would make a mistyped path look like "no flagged accounts".
    public static func openReadOnly(path: String, busyTimeout: TimeInterval = 2) throws -> Store {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreError.fileNotFound(path: path)
        }
        if isDirectory.boolValue {
            throw StoreError.cannotOpen(path: path, message: "the path is a directory")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "guardline.store.readonly"
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = StoreSchema.makeMigrator()
            let applied = try queue.read { db in try migrator.appliedIdentifiers(db) }
            guard applied.contains(StoreSchema.initialMigration) else {
                throw StoreError.notAGuardlineStore(path: path)
            }
            return Store(path: path, isReadOnly: true, reader: queue, writer: nil)
        } catch {
            throw StoreError.from(error, path: path, operation: "open read-only")
        }
    }

    /// An in-memory store with the full schema, for tests and tools.
    public static func openInMemory() throws -> Store {
        let path = ":memory:"
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue()
        } catch {
            throw StoreError.from(error, path: path, operation: "open")
        }
        try migrate(queue, path: path)
        return Store(path: path, isReadOnly: false, reader: queue, writer: queue)
    }

    /// Starts the single background writer for this store.
    ///
    /// - Parameters:
    ///   - maxBatchRows: rows committed per transaction at most; reaching it also wakes the writer early.
    ///   - flushInterval: the longest an accepted row waits before its batch is committed.
    ///   - onError: called on the writer thread for each failed batch (the rows stay pending and are retried).
    public func makeWriter(maxBatchRows: Int = 2000, flushInterval: TimeInterval = 0.1,
                           onError: @escaping @Sendable (StoreError) -> Void) throws -> StoreWriter {
        guard let writer else {
            throw StoreError.readOnly(path: path, operation: "start writer", message: "store was opened read-only")
        }
        return StoreWriter(database: writer, path: path, maxBatchRows: maxBatchRows,
                           flushInterval: flushInterval, onError: onError)
    }

    private static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        let migrator = StoreSchema.makeMigrator()
        do {
            if try writer.read({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StoreError.schemaTooNew(path: path)
            }
            try migrator.migrate(writer)
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_ERROR {
            throw StoreError.migrationFailed(path: path, message: error.message ?? "\(error)")
        } catch {
            throw StoreError.from(error, path: path, operation: "migrate")
        }
    }

    /// Runs a read and converts GRDB errors into `StoreError`.
    func read<Value>(_ operation: String, _ body: (Database) throws -> Value) throws -> Value {
        do {
            return try reader.read(body)
        } catch {
            throw StoreError.from(error, path: path, operation: operation)
        }
    }
}
