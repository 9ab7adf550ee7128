/// Everything the engine remembers about one account. Owned by the account's
/// shard and only touched under that shard's lock.
struct AccountState {
    var orgID: String?
    var risk: Double = 0
    var riskTime: Double = 0
    var lastSeen: Double = 0
    var eventCount: Int = 0
    var flagged = false
    var lastFlagWrite: Double = -.infinity
    /// Risk changed since the last checkpoint to the store.
    var dirty = false
    var refusals = TimestampRing()
    var flaggedEvents = TimestampRing()
    var rates: [RateCounter] = []
    /// When each velocity rule last fired (so a rule fires once per window, not on every event).
    var velocityFired: [Double] = []
    /// Enforcing detectors and labels that contributed risk (for the flag row), capped.
    var detectors: [String] = []
    var labels: [String] = []

    static let contributorCap = 32

    mutating func noteContribution(_ hit: SignalHit) {
        if detectors.count < Self.contributorCap, !detectors.contains(hit.detector) {
            detectors.append(hit.detector)
        }
        for label in hit.labels where labels.count < Self.contributorCap && !labels.contains(label) {
            labels.append(label)
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
