/// One detector hit, as the daemon hands it to `StoreWriter`; becomes a `signals` row.
public struct SignalRecord: Sendable, Equatable {
    public var eventID: String
    public var accountID: String
    public var orgID: String?
    public var conversationID: String?
    public var detector: String
    public var detectorVersion: String
    /// `enforce` or `shadow`.
    public var mode: String
    public var score: Double
    public var labels: [String]
    /// A short snippet of the matched text for on-call review.
    public var evidence: String
    /// Seconds since 1970; written as ISO 8601 text.
    public var createdAt: Double

    public init(eventID: String, accountID: String, orgID: String?, conversationID: String?,
                detector: String, detectorVersion: String, mode: String, score: Double,
                labels: [String], evidence: String, createdAt: Double) {
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
}
