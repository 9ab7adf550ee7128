import GRDB

/// A `flagged_orgs` row as read back, timestamps kept as the stored ISO text.
public struct FlaggedOrgRow: Sendable, Equatable {
    public var orgID: String
    public var flaggedAccounts: Int
    public var firstFlaggedAt: String
    public var lastFlaggedAt: String
    public var status: String

    public init(orgID: String, flaggedAccounts: Int, firstFlaggedAt: String, lastFlaggedAt: String, status: String) {
        self.orgID = orgID
        self.flaggedAccounts = flaggedAccounts
        self.firstFlaggedAt = firstFlaggedAt
        self.lastFlaggedAt = lastFlaggedAt
        self.status = status
    }

    init(row: Row) {
        self.init(orgID: row["org_id"], flaggedAccounts: row["flagged_accounts"],
                  firstFlaggedAt: row["first_flagged_at"], lastFlaggedAt: row["last_flagged_at"],
                  status: row["status"])
    }
}
