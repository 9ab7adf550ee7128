/// Everything the store knows about one account, for `guardline account <id>`.
public struct AccountReport: Sendable, Equatable {
    public var accountID: String
    /// The flag row, if the account was ever flagged.
    public var flag: FlaggedAccountRow?
    /// The risk checkpoint, if one was written.
    public var risk: AccountRiskRecord?
    /// The most recent signals, newest first.
    public var signals: [SignalRow]

    public init(accountID: String, flag: FlaggedAccountRow?, risk: AccountRiskRecord?, signals: [SignalRow]) {
        self.accountID = accountID
        self.flag = flag
        self.risk = risk
        self.signals = signals
    }
}
