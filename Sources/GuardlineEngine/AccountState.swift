/// Everything the engine remembers about one account. Owned by the account's
/// shard and only touched under that shard's lock.
///
/// Why the split: the account table holds up to `accounts.max_accounts`
/// entries (a million by default), and most accounts only ever send ordinary
/// traffic. What every account needs is stored inline (88 bytes, 112 with
/// its key); what only accounts with refusals, signals or velocity firings
/// need lives in an `AccountHistory` allocated on first use.
struct AccountState {
    var orgID: String?
    var risk: Double = 0
    var riskTime: Double = 0
    var lastSeen: Double = 0
    var eventCount: Int = 0
    var flagged = false
    /// Risk changed since the last checkpoint to the store.
    var dirty = false
    /// The event-rate counter of the generation's first `events` velocity rule,
    /// inline: every account pays for it, so it must not cost a heap allocation.
    var firstRate = RateCounter()
    /// Nil until the account first needs one.
    var history: AccountHistory?

    static let contributorCap = 32

    /// The account's history, created on first use.
    mutating func historyForUpdate() -> AccountHistory {
        if let history { return history }
        let fresh = AccountHistory()
        history = fresh
        return fresh
    }

    mutating func noteContribution(_ hit: SignalHit) {
        let history = historyForUpdate()
        if history.detectors.count < Self.contributorCap, !history.detectors.contains(hit.detector) {
            history.detectors.append(hit.detector)
        }
        for label in hit.labels where history.labels.count < Self.contributorCap && !history.labels.contains(label) {
            history.labels.append(label)
        }
    }

    /// Brings risk forward to `time` (never backwards: late events do not re-grow decayed risk).
    mutating func decay(to time: Double, policy: RiskPolicy) {
        if time > riskTime {
            risk = policy.decay(risk, elapsed: time - riskTime)
            riskTime = time
        }
    }
}

/// The part of an account's state that only some accounts need. A class so
/// that `AccountState` holds one pointer for all of it.
///
/// `@unchecked Sendable` because it lives inside the shard's `Mutex` state:
/// it is owned by exactly one `AccountState` and, like it, only read or
/// written under that shard's lock.
final class AccountHistory: @unchecked Sendable {
    var refusals = TimestampRing()
    var flaggedEvents = TimestampRing()
    /// Counters of `events` velocity rules after the first (allocated only when configured).
    var moreRates: [RateCounter] = []
    /// When each velocity rule last fired (so a rule fires once per window, not
    /// on every event). Sized for the generation's rules when one first fires.
    var velocityFired: [Double] = []
    /// When the account's flag was last written (re-flags are rate-limited).
    var lastFlagWrite: Double = -.infinity
    /// Enforcing detectors and labels that contributed risk (for the flag row), capped.
    var detectors: [String] = []
    var labels: [String] = []
}
