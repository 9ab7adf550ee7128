#if canImport(Glibc)
import Glibc
#endif
import Logging
import GuardlineDetectors
import GuardlineEngine
import GuardlineProtocol
import GuardlineStore

/// The long-lived shared services every worker uses. Each is thread-safe on
/// its own; this only bundles them.
final class DaemonServices: Sendable {
    let logger: Logger
    let engine: RiskEngine
    /// "What if every shadow detector were enforcing": fed only events with
    /// signals, all of them counted, its flags go to `shadow_flagged_accounts`.
    let shadowEngine: RiskEngine
    let writer: StoreWriter
    let generations: GenerationStore
    let metrics: DaemonMetrics
    let statistics = DetectorStatistics()
    let maxLineBytes: Int
    let maxPendingRows: Int
    let recorder: EventRecorder?
    /// Told of every new account flag (replay and eval collect them).
    let flagObserver: (@Sendable (AccountFlag) -> Void)?

    init(logger: Logger, engine: RiskEngine, writer: StoreWriter, generations: GenerationStore,
         metrics: DaemonMetrics, maxLineBytes: Int, maxPendingRows: Int = 1_000_000, recorder: EventRecorder? = nil,
         flagObserver: (@Sendable (AccountFlag) -> Void)? = nil) {
        self.flagObserver = flagObserver
        self.recorder = recorder
        self.maxPendingRows = maxPendingRows
        self.logger = logger
        self.engine = engine
        self.shadowEngine = RiskEngine(maxAccounts: 100_000, shardCount: 16)
        self.writer = writer
        self.generations = generations
        self.metrics = metrics
        self.maxLineBytes = maxLineBytes
    }

    /// Persists an account flag (new or refreshed) and logs a new one.
    func recordFlag(_ flag: AccountFlag, lastEventID: String) {
        writer.enqueue(flag: AccountFlagRecord(accountID: flag.accountID, orgID: flag.orgID, risk: flag.risk,
                                               flaggedAt: flag.time, reason: flag.reason, detectors: flag.detectors,
                                               labels: flag.labels, eventCount: flag.eventCount, lastEventID: lastEventID))
        if flag.isNew {
            flagObserver?(flag)
            metrics.accountsFlagged.increment()
            logger.notice("account.flagged", metadata: [
                "account.id": "\(flag.accountID)", "org.id": "\(flag.orgID ?? "")", "risk": "\(flag.risk)",
                "reason": "\(flag.reason)", "detectors": "\(flag.detectors.joined(separator: ","))",
            ])
        }
    }

    /// Global backpressure: while SQLite cannot keep up (disk full, a long
    /// lock), a worker that just queued rows waits here before reading more,
    /// so kernel socket buffers fill and clients slow down instead of the
    /// daemon buffering without bound or dropping what it accepted.
    func waitForStore(worker: Int) {
        guard writer.currentStatistics.pendingRows > maxPendingRows else { return }
        logger.warning("store.backpressure", metadata: ["worker": "\(worker)", "pending_rows": "\(writer.currentStatistics.pendingRows)",
                                                       "limit": "\(maxPendingRows)", "action": "reading paused"])
        while writer.currentStatistics.pendingRows > maxPendingRows / 2 {
            usleep(20_000)
        }
        logger.notice("store.backpressure_released", metadata: ["worker": "\(worker)"])
    }

    /// Runs the shadow evaluation of an event whose hits include a shadow
    /// signal: the same policy, with every hit enforcing. Never touches the
    /// real account state, verdicts or flags.
    func evaluateShadow(accountID: Bytes, orgID: Bytes, time: Double, hits: [SignalHit], rules: BehaviourRules,
                        lastEventID: () -> String) {
        var promoted = hits.map { hit -> SignalHit in
            var copy = hit
            copy.enforcing = true
            return copy
        }
        // Behavioural detectors were already evaluated by the real engine (their hits are in `hits`).
        let shadowRules = BehaviourRules(policy: rules.policy, orgPolicy: rules.orgPolicy)
        let outcome = shadowEngine.process(accountID: accountID, orgID: orgID, time: time, isRefusal: false,
                                           text: Bytes(start: nil, count: 0), hits: &promoted, rules: shadowRules)
        guard let flag = outcome.flag else { return }
        writer.enqueue(shadowFlag: AccountFlagRecord(accountID: flag.accountID, orgID: flag.orgID, risk: flag.risk,
                                                     flaggedAt: flag.time, reason: flag.reason, detectors: flag.detectors,
                                                     labels: flag.labels, eventCount: flag.eventCount, lastEventID: lastEventID()))
    }

    func recordOrgFlag(_ flag: OrgFlag) {
        writer.enqueue(orgFlag: OrgFlagRecord(orgID: flag.orgID, flaggedAccounts: flag.flaggedAccounts, flaggedAt: flag.time))
        logger.notice("org.flagged", metadata: ["org.id": "\(flag.orgID)", "flagged_accounts": "\(flag.flaggedAccounts)"])
    }
}
