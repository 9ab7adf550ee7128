import Foundation
import GRDB

/// The single writer of the store, kept off the event hot path.
///
/// Callers on any thread `enqueue` rows: that only appends to a lock-protected FIFO.
/// One dedicated thread drains the FIFO in batches of up to `maxBatchRows`, one
/// transaction per batch with cached prepared statements, because a transaction per
/// row costs several times more than the row. A batch is committed at least every `flushInterval`, or as soon
/// as `maxBatchRows` rows are waiting, a `flush()` is waiting or `commitSoon()` asks.
///
/// Nothing accepted is dropped: when a transaction fails (disk full, I/O error, a lock
/// held past the busy timeout) the batch stays pending, `onError` is called, and the
/// same batch is retried with backoff from 100 ms doubling to 5 s.
///
/// `@unchecked Sendable` because all mutable state below is guarded by `condition`.
public final class StoreWriter: @unchecked Sendable {
    private let database: any DatabaseWriter
    private let path: String
    private let maxBatchRows: Int
    private let flushInterval: TimeInterval
    private let onError: @Sendable (StoreError) -> Void

    /// Guards every field below and wakes the writer thread and `flush()` waiters.
    private let condition = NSCondition()
    private var pending: [PendingWrite] = []
    /// Rows the writer thread has taken but not yet committed (including a batch being retried).
    private var inFlightRows = 0
    /// Rows ever accepted; `flush()` waits until `committedRows` reaches the value it saw.
    private var enqueuedRows: UInt64 = 0
    private var committedRows: UInt64 = 0
    private var flushWaiters = 0
    /// Set by `commitSoon()`: the next batch goes without waiting out `flushInterval`.
    private var commitRequested = false
    private var statistics = StoreWriterStatistics()
    private var closeRequested = false
    /// Set by a `close()` that timed out: the thread stops retrying and exits.
    private var abandonRequested = false
    private var threadExited = false

    static let initialBackoff: TimeInterval = 0.1
    static let maximumBackoff: TimeInterval = 5

    init(database: any DatabaseWriter, path: String, maxBatchRows: Int, flushInterval: TimeInterval,
         onError: @escaping @Sendable (StoreError) -> Void) {
        precondition(maxBatchRows > 0, "maxBatchRows must be positive")
        self.database = database
        self.path = path
        self.maxBatchRows = maxBatchRows
        self.flushInterval = flushInterval
        self.onError = onError
        let thread = Thread { [self] in runLoop() }
        thread.name = "guardline.store.writer"
        thread.start()
    }

    /// Accepts signal rows. Cheap and non-blocking beyond a short lock.
    public func enqueue(_ signals: [SignalRecord]) {
        append(count: signals.count) { pending in
            for signal in signals { pending.append(.signal(signal)) }
        }
    }

    /// Accepts an account flag (upserted into `flagged_accounts`).
    public func enqueue(flag: AccountFlagRecord) {
        append(count: 1) { $0.append(.accountFlag(flag)) }
    }

    /// Accepts a would-be flag from shadow evaluation (upserted into `shadow_flagged_accounts`).
    public func enqueue(shadowFlag flag: AccountFlagRecord) {
        append(count: 1) { $0.append(.shadowFlag(flag)) }
    }

    /// Accepts an organisation flag (upserted into `flagged_orgs`).
    public func enqueue(orgFlag: OrgFlagRecord) {
        append(count: 1) { $0.append(.orgFlag(orgFlag)) }
    }

    /// Accepts risk checkpoints (upserted into `account_risk`).
    public func enqueue(risk: [AccountRiskRecord]) {
        append(count: risk.count) { pending in
            for record in risk { pending.append(.risk(record)) }
        }
    }

    /// Commits what is pending now instead of at the end of the flush interval,
    /// without waiting for it. The daemon calls this after a read chunk that
    /// newly flagged an account or organisation: a flag is rare and is what
    /// production consumers and on-call poll for, so it (and the signal rows
    /// queued with it) should be readable within milliseconds, while the
    /// high-volume signal rows keep their batching.
    public func commitSoon() {
        condition.lock()
        defer { condition.unlock() }
        guard !pending.isEmpty else { return }
        commitRequested = true
        condition.broadcast()
    }

    /// A snapshot of the counters, for metrics.
    public var currentStatistics: StoreWriterStatistics {
        condition.lock()
        defer { condition.unlock() }
        var snapshot = statistics
        snapshot.pendingRows = pending.count + inFlightRows
        return snapshot
    }

    /// Blocks until every row enqueued before this call is committed.
    ///
    /// - Throws: `StoreError.flushTimedOut` if that takes longer than `timeout`
    ///   (the rows stay pending and keep being retried).
    public func flush(timeout: TimeInterval = 10) throws {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        let target = enqueuedRows
        flushWaiters += 1
        defer { flushWaiters -= 1 }
        condition.broadcast()
        while committedRows < target {
            if threadExited || !condition.wait(until: deadline), committedRows < target {
                throw StoreError.flushTimedOut(pendingRows: pending.count + inFlightRows, seconds: timeout)
            }
        }
    }

    /// Flushes, then stops the writer thread. The thread keeps the writer alive until
    /// this is called, so every writer must be closed (the daemon does it at shutdown).
    /// Rows enqueued afterwards are refused and reported through `onError` as `StoreError.writerClosed`.
    ///
    /// - Throws: `StoreError.flushTimedOut` if rows could not be committed within
    ///   `timeout`; the thread is stopped anyway and those rows are lost.
    public func close(timeout: TimeInterval = 10) throws {
        var flushError: (any Error)?
        do {
            try flush(timeout: timeout)
        } catch {
            flushError = error
        }
        condition.lock()
        closeRequested = true
        abandonRequested = flushError != nil
        condition.broadcast()
        while !threadExited { condition.wait() }
        condition.unlock()
        if let flushError { throw flushError }
    }

    func append(count: Int, _ body: (inout [PendingWrite]) -> Void) {
        guard count > 0 else { return }
        condition.lock()
        if closeRequested {
            statistics.droppedRows += UInt64(count)
            condition.unlock()
            onError(.writerClosed(droppedRows: count))
            return
        }
        let wasEmpty = pending.isEmpty
        body(&pending)
        enqueuedRows += UInt64(count)
        // Wake the writer only on the transitions it waits for, not on every row.
        let crossedBatchSize = pending.count >= maxBatchRows && pending.count - count < maxBatchRows
        if wasEmpty || crossedBatchSize { condition.broadcast() }
        condition.unlock()
    }

    /// The writer thread: take everything pending, commit it in transactions of at most
    /// `maxBatchRows`, and retry a failed transaction with backoff until it commits.
    private func runLoop() {
        // Rows taken from `pending`; `batch[committed...]` is not yet written.
        var batch: [PendingWrite] = []
        var committed = 0
        var backoff: TimeInterval = 0
        condition.lock()
        while true {
            if committed == batch.count {
                batch.removeAll(keepingCapacity: true)
                committed = 0
                while pending.isEmpty && !closeRequested { condition.wait() }
                if pending.isEmpty { break }
                // Let a batch fill for up to flushInterval unless it is already big, someone waits or a flag asks.
                let deadline = Date(timeIntervalSinceNow: flushInterval)
                while pending.count < maxBatchRows && flushWaiters == 0 && !commitRequested && !closeRequested {
                    if !condition.wait(until: deadline) { break }
                }
                commitRequested = false
                // Swap buffers: O(1), and neither array reallocates in steady state.
                swap(&batch, &pending)
            } else if backoff > 0 {
                let retryAt = Date(timeIntervalSinceNow: backoff)
                while !abandonRequested && condition.wait(until: retryAt) {}
                if abandonRequested { break }
            }
            let slice = batch[committed..<min(batch.count, committed + maxBatchRows)]
            inFlightRows = batch.count - committed
            condition.unlock()
            let failure = commit(slice)
            condition.lock()
            if let failure {
                statistics.failures += 1
                backoff = backoff == 0 ? Self.initialBackoff : min(backoff * 2, Self.maximumBackoff)
                condition.unlock()
                onError(failure)
                condition.lock()
            } else {
                committed += slice.count
                committedRows += UInt64(slice.count)
                statistics.rowsWritten += UInt64(slice.count)
                statistics.batchesWritten += 1
                inFlightRows = batch.count - committed
                backoff = 0
                condition.broadcast()
            }
        }
        inFlightRows = 0
        threadExited = true
        condition.broadcast()
        condition.unlock()
    }

    /// Writes one batch in one transaction; returns the failure instead of throwing so
    /// the loop keeps the batch for a retry.
    private func commit(_ batch: ArraySlice<PendingWrite>) -> StoreError? {
        do {
            try database.write { db in try Self.write(batch, in: db) }
            return nil
        } catch {
            return StoreError.from(error, path: path, operation: "write batch of \(batch.count) rows")
        }
    }
}
