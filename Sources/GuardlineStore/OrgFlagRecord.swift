/// An organisation crossing the org flag policy; upserted into `flagged_orgs`.
public struct OrgFlagRecord: Sendable, Equatable {
    public var orgID: String
    public var flaggedAccounts: Int
    /// Seconds since 1970; written as ISO 8601 text.
    public var flaggedAt: Double

    public init(orgID: String, flaggedAccounts: Int, flaggedAt: Double) {
        self.orgID = orgID
        self.flaggedAccounts = flaggedAccounts
        self.flaggedAt = flaggedAt
    }
}
