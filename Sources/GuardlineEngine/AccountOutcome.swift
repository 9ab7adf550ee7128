/// What processing one event did to its account.
public struct AccountOutcome: Sendable {
    /// Account risk after this event.
    public var risk: Double
    /// Whether the account is flagged after this event.
    public var flagged: Bool
    /// Set when this event flagged the account, or refreshed an existing flag.
    public var flag: AccountFlag?
    /// Set when this event's flag made its organisation cross the org policy.
    public var orgFlag: OrgFlag?
    /// The account's risk changed for the first time since the last checkpoint.
    var becameDirty = false
}

/// A flag to persist: the account crossed its policy.
public struct AccountFlag: Sendable, Equatable {
    public var accountID: String
    public var orgID: String?
    public var risk: Double
    public var time: Double
    /// `critical` (a critical detector fired) or `threshold` (risk crossed the policy).
    public var reason: String
    public var detectors: [String]
    public var labels: [String]
    public var eventCount: Int
    /// False when this refreshes an account that was already flagged.
    public var isNew: Bool
}

/// An organisation crossed the org policy.
public struct OrgFlag: Sendable, Equatable {
    public var orgID: String
    public var flaggedAccounts: Int
    public var time: Double
}
