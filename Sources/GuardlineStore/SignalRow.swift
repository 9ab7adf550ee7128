import GRDB

/// A `signals` row as read back, `created_at` kept as the stored ISO text.
public struct SignalRow: Sendable, Equatable {
    public var id: Int64
    public var eventID: String
    public var accountID: String
    public var orgID: String?
    public var conversationID: String?
    public var detector: String
    public var detectorVersion: String
    public var mode: String
    public var score: Double
    public var labels: [String]
    public var evidence: String
    public var createdAt: String

    public init(id: Int64, eventID: String, accountID: String, orgID: String?, conversationID: String?,
                detector: String, detectorVersion: String, mode: String, score: Double,
                labels: [String], evidence: String, createdAt: String) {
        self.id = id
        self.eventID = eventID
        self.accountID = accountID
        self.orgID = orgID
        self.conversationID = conversationID
        self.detector = detector
        self.detectorVersion = detectorVersion
        self.mode = mode
        self.score = score
        self.labels = labels
        self.evidence = evidence
        self.createdAt = createdAt
    }

    init(row: Row) {
        self.init(id: row["id"], eventID: row["event_id"], accountID: row["account_id"], orgID: row["org_id"],
                  conversationID: row["conversation_id"], detector: row["detector"],
                  detectorVersion: row["detector_version"], mode: row["mode"], score: row["score"],
                  labels: JSONStringArray.decode(row["labels"]), evidence: row["evidence"],
                  createdAt: row["created_at"])
    }
}
