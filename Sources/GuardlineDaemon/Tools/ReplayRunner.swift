import Foundation
import GuardlineEngine
import GuardlineProtocol
import GuardlineStore
import Logging
import Synchronization

/// `guardline replay`: recorded NDJSON through the same pipeline as `serve`
/// (parser, detectors, engine, store), offline and at full speed, without
/// sockets. Event timestamps drive decay and velocity windows; an event
/// without `ts` takes the time of the one before it, so the same input and
/// config always give the same rows.
public enum ReplayRunner {
    /// First-flag event counts, collected from the flag observer.
    final class FirstFlags: Sendable {
        private let table = Mutex<[String: Int]>([:])
        func note(_ account: String, events: Int) { table.withLock { if $0[account] == nil { $0[account] = events } } }
        func snapshot() -> [String: Int] { table.withLock { $0 } }
    }

    public struct Summary: Sendable {
        public var events = 0
        public var signals = 0
        public var errors: [String: Int] = [:]
        public var flaggedAccounts = 0
        /// Accounts newly flagged during the replay, with how many of their events had been seen then.
        public var firstFlags: [String: Int] = [:]
        public var seconds = 0.0
    }

    public static func run(files: [String], configPath: String?, database: String?, logger: Logger,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Summary {
        var config = DaemonConfig()
        if let configPath { config = try ConfigLoader.load(path: configPath) }
        if let database { config.database = database }
        let generation = try GenerationBuilder.build(number: 1, config: config)
        let store = try Store.open(path: config.database)
        let metrics = DaemonMetrics()
        let writer = try store.makeWriter(maxBatchRows: config.storeBatchRows, flushInterval: config.storeFlushInterval) { error in
            logger.error("store.write_failed", metadata: ["error": "\(error)"])
        }
        let engine = RiskEngine(maxAccounts: config.maxAccounts, shardCount: config.accountShards)
        let flagged = try store.loadFlaggedAccounts()
        engine.restoreFlagged(flagged.map { (accountID: $0.accountID, orgID: $0.orgID) },
                              flaggedOrgs: try store.loadFlaggedOrgs().map(\.orgID))
        let firstFlags = FirstFlags()
        let services = DaemonServices(logger: logger, engine: engine, writer: writer,
                                      generations: GenerationStore(generation), metrics: metrics,
                                      maxLineBytes: config.maxLineBytes, maxPendingRows: config.storeMaxPendingRows,
                                      flagObserver: { flag in firstFlags.note(flag.accountID, events: flag.eventCount) })
        let worker = Worker(index: 0, services: services, replayClock: true)
        let totalBytes = try files.reduce(0) { sum, file in
            sum + ((try FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.intValue ?? 0)
        }
        let started = Date()
        var statsRecorder = DetectorStatsRecorder(now: started.timeIntervalSince1970)
        var done = 0
        for file in files {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw ConfigError.unreadable(path: file, reason: "cannot open for reading")
            }
            defer { try? handle.close() }
            var pending = PendingInput()
            while true {
                let chunk = handle.readData(ofLength: 1 << 20)
                let last = chunk.isEmpty
                chunk.withUnsafeBytes { bytes in
                    worker.queue.sync { worker.ingest(bytes, pending: &pending, finish: last) }
                }
                if last { break }
                done += chunk.count
                progress?(done, totalBytes)
            }
        }
        // The same final checkpoint a graceful stop writes.
        let snapshots = engine.takeCheckpoint()
        writer.enqueue(risk: snapshots.map {
            AccountRiskRecord(accountID: $0.accountID, orgID: $0.orgID, risk: $0.risk, updatedAt: $0.updatedAt, flagged: $0.flagged)
        })
        // Measured timings (wall clock): the one table a replay does not write identically twice.
        writer.enqueue(detectorStats: statsRecorder.takeWindow(statistics: services.statistics, generation: generation,
                                                               now: Date().timeIntervalSince1970))
        try writer.close(timeout: 300)
        let totals = worker.queue.sync { worker.totals }
        var summary = Summary()
        summary.events = totals.events
        summary.signals = totals.signals
        summary.errors = Dictionary(uniqueKeysWithValues: totals.errors.map { ($0.key.rawValue, $0.value) })
        summary.flaggedAccounts = try store.loadFlaggedAccounts().count
        summary.firstFlags = firstFlags.snapshot()
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }
}
