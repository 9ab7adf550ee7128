/// Counters of a `StoreWriter`, read for metrics. All counts are since the writer started.
public struct StoreWriterStatistics: Sendable, Equatable {
    /// Rows committed.
    public var rowsWritten: UInt64
    /// Transactions committed.
    public var batchesWritten: UInt64
    /// Transactions that failed (each one retried later).
    public var failures: UInt64
    /// Rows accepted but not yet committed, including a batch being retried.
    public var pendingRows: Int
    /// Rows refused because they arrived after `close()`.
    public var droppedRows: UInt64

    public init(rowsWritten: UInt64 = 0, batchesWritten: UInt64 = 0, failures: UInt64 = 0,
                pendingRows: Int = 0, droppedRows: UInt64 = 0) {
        self.rowsWritten = rowsWritten
        self.batchesWritten = batchesWritten
        self.failures = failures
        self.pendingRows = pendingRows
        self.droppedRows = droppedRows
    }
}
