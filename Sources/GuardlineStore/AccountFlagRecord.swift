/// An account crossing a flag policy; upserted into `flagged_accounts`.
///
/// A re-flag of the same account keeps `first_flagged_at` and `status`, replaces
/// risk, reason, event count and last event, and merges detectors and labels.
public struct AccountFlagRecord: Sendable, Equatable {
    public var accountID: String
    public var orgID: String?
    public var risk: Double
    /// Seconds since 1970; written as ISO 8601 text.
    public var flaggedAt: Double
    /// `threshold` or `critical`.
    public var reason: String
    public var detectors: [String]
    public var labels: [String]
    public var eventCount: Int
    public var lastEventID: String

    public init(accountID: String, orgID: String?, risk: Double, flaggedAt: Double, reason: String,
                detectors: [String], labels: [String], eventCount: Int, lastEventID: String) {
        self.accountID = accountID
        self.orgID = orgID
        self.risk = risk
        self.flaggedAt = flaggedAt
        self.reason = reason
        self.detectors = detectors
        self.labels = labels
        self.eventCount = eventCount
        self.lastEventID = lastEventID
    }
}
