import GRDB

/// Start-up loads: the daemon restores flag state and live risk from the store, so a
/// restart neither re-flags known accounts nor forgets accumulated risk.
extension Store {
    /// Every flagged account, in no particular order.
    public func loadFlaggedAccounts() throws -> [FlaggedAccountRow] {
        try read("load flagged accounts") { db in
            try Row.fetchAll(db, sql: "SELECT \(FlaggedAccountRow.selectColumns) FROM flagged_accounts")
                .map(FlaggedAccountRow.init(row:))
        }
    }

    /// Accounts shadow evaluation would have flagged: (account, org).
    public func loadShadowFlaggedAccounts() throws -> [(accountID: String, orgID: String?)] {
        try read("load shadow flags") { db in
            try Row.fetchAll(db, sql: "SELECT account_id, org_id FROM shadow_flagged_accounts").map {
                (accountID: $0["account_id"] as String, orgID: $0["org_id"] as String?)
            }
        }
    }

    /// Risk checkpoints updated at or after `updatedSince` (seconds since 1970);
    /// older ones have decayed to nothing worth restoring.
    public func loadAccountRisk(updatedSince: Double) throws -> [AccountRiskRecord] {
        try read("load account risk") { db in
            try Row.fetchAll(db, sql: """
                SELECT account_id, org_id, risk, updated_at_epoch, flagged FROM account_risk
                WHERE updated_at_epoch >= ?
                """, arguments: [updatedSince])
                .map(Self.riskRecord(row:))
        }
    }

    /// Every flagged organisation, in no particular order.
    public func loadFlaggedOrgs() throws -> [FlaggedOrgRow] {
        try read("load flagged orgs") { db in
            try Row.fetchAll(db, sql: """
                SELECT org_id, flagged_accounts, first_flagged_at, last_flagged_at, status FROM flagged_orgs
                """).map(FlaggedOrgRow.init(row:))
        }
    }

    static func riskRecord(row: Row) -> AccountRiskRecord {
        AccountRiskRecord(accountID: row["account_id"], orgID: row["org_id"], risk: row["risk"],
                          updatedAt: row["updated_at_epoch"], flagged: row["flagged"])
    }
}
