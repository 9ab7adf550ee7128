import GRDB

/// The on-call queries behind the CLI. Each reads a consistent snapshot; on a WAL
/// database they run alongside the daemon's writer without blocking it.
extension Store {
    /// Flagged accounts, newest `last_flagged_at` first.
    ///
    /// - Parameters:
    ///   - since: only accounts last flagged at or after this instant (seconds since 1970).
    ///   - orgID: only accounts of this organisation.
    ///   - detector: only accounts whose `detectors` array contains this name exactly.
    ///   - status: only accounts with this status (`open`, `acknowledged`, `resolved`).
    ///   - limit: the most rows returned.
    public func flaggedAccounts(since: Double? = nil, orgID: String? = nil, detector: String? = nil,
                                status: String? = nil, limit: Int = 100) throws -> [FlaggedAccountRow] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since {
            conditions.append("last_flagged_at >= ?")
            arguments += [StoreTimestamp.text(fromEpoch: since)]
        }
        if let orgID {
            conditions.append("org_id = ?")
            arguments += [orgID]
        }
        if let detector {
            // json_each matches whole array elements, so "pii" does not match "pii_strict".
            conditions.append("EXISTS (SELECT 1 FROM json_each(flagged_accounts.detectors) WHERE value = ?)")
            arguments += [detector]
        }
        if let status {
            conditions.append("status = ?")
            arguments += [status]
        }
        arguments += [limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT \(FlaggedAccountRow.selectColumns) FROM flagged_accounts \(filter)
            ORDER BY last_flagged_at DESC, account_id LIMIT ?
            """
        return try read("query flagged accounts") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(FlaggedAccountRow.init(row:))
        }
    }

    /// The flag row, risk checkpoint and most recent signals of one account, or nil
    /// when the store has none of them.
    public func account(id accountID: String, signalLimit: Int = 20) throws -> AccountReport? {
        try read("query account") { db in
            let flag = try Row.fetchOne(db, sql: """
                SELECT \(FlaggedAccountRow.selectColumns) FROM flagged_accounts WHERE account_id = ?
                """, arguments: [accountID]).map(FlaggedAccountRow.init(row:))
            let risk = try Row.fetchOne(db, sql: """
                SELECT account_id, org_id, risk, updated_at_epoch, flagged FROM account_risk WHERE account_id = ?
                """, arguments: [accountID]).map(Self.riskRecord(row:))
            let signals = try Row.fetchAll(db, sql: """
                SELECT id, event_id, account_id, org_id, conversation_id, detector, detector_version, mode,
                       score, labels, evidence, created_at
                FROM signals WHERE account_id = ? ORDER BY created_at DESC, id DESC LIMIT ?
                """, arguments: [accountID, signalLimit]).map(SignalRow.init(row:))
            if flag == nil, risk == nil, signals.isEmpty { return nil }
            return AccountReport(accountID: accountID, flag: flag, risk: risk, signals: signals)
        }
    }

    /// Flagged organisations, newest `last_flagged_at` first.
    public func flaggedOrgs(since: Double? = nil, status: String? = nil, limit: Int = 100) throws -> [FlaggedOrgRow] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let since {
            conditions.append("last_flagged_at >= ?")
            arguments += [StoreTimestamp.text(fromEpoch: since)]
        }
        if let status {
            conditions.append("status = ?")
            arguments += [status]
        }
        arguments += [limit]
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT org_id, flagged_accounts, first_flagged_at, last_flagged_at, status FROM flagged_orgs \(filter)
            ORDER BY last_flagged_at DESC, org_id LIMIT ?
            """
        return try read("query flagged orgs") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(FlaggedOrgRow.init(row:))
        }
    }
}
