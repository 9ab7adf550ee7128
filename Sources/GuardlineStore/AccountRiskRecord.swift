/// A checkpoint of one account's live risk (`account_risk`), so decayed risk
/// survives a daemon restart instead of starting every account at zero.
public struct AccountRiskRecord: Sendable, Equatable {
    public var accountID: String
    public var orgID: String?
    public var risk: Double
    /// Seconds since 1970; stored both as text and as `updated_at_epoch` so the
    /// restore can decay from the exact instant.
    public var updatedAt: Double
    public var flagged: Bool

    public init(accountID: String, orgID: String?, risk: Double, updatedAt: Double, flagged: Bool) {
        self.accountID = accountID
        self.orgID = orgID
        self.risk = risk
        self.updatedAt = updatedAt
        self.flagged = flagged
    }
}
