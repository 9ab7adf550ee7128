import GRDB

/// A `flagged_accounts` row as read back, timestamps kept as the stored ISO text.
public struct FlaggedAccountRow: Sendable, Equatable {
    public var accountID: String
    public var orgID: String?
    public var risk: Double
    public var firstFlaggedAt: String
    public var lastFlaggedAt: String
    /// `open`, `acknowledged` or `resolved`.
    public var status: String
    public var reason: String?
    public var detectors: [String]
    public var labels: [String]
    public var eventCount: Int?
    public var lastEventID: String?

    public init(accountID: String, orgID: String?, risk: Double, firstFlaggedAt: String, lastFlaggedAt: String,
                status: String, reason: String?, detectors: [String], labels: [String],
                eventCount: Int?, lastEventID: String?) {
        self.accountID = accountID
        self.orgID = orgID
        self.risk = risk
        self.firstFlaggedAt = firstFlaggedAt
        self.lastFlaggedAt = lastFlaggedAt
        self.status = status
        self.reason = reason
        self.detectors = detectors
        self.labels = labels
        self.eventCount = eventCount
        self.lastEventID = lastEventID
    }

    static let selectColumns = """
        account_id, org_id, risk, first_flagged_at, last_flagged_at, status, reason, \
        detectors, labels, event_count, last_event_id
        """

    init(row: Row) {
        self.init(
            accountID: row["account_id"], orgID: row["org_id"], risk: row["risk"],
            firstFlaggedAt: row["first_flagged_at"], lastFlaggedAt: row["last_flagged_at"],
            status: row["status"], reason: row["reason"],
            detectors: JSONStringArray.decode(row["detectors"]), labels: JSONStringArray.decode(row["labels"]),
            eventCount: row["event_count"], lastEventID: row["last_event_id"])
    }
}
