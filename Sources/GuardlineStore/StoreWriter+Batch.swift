import GRDB

/// One accepted row waiting for the writer thread. A single FIFO of these keeps the
/// order rows were enqueued in, so `flush()` can wait on a plain row count.
enum PendingWrite: Sendable {
    case signal(SignalRecord)
    case accountFlag(AccountFlagRecord)
    case shadowFlag(AccountFlagRecord)
    case orgFlag(OrgFlagRecord)
    case risk(AccountRiskRecord)
    case detectorStats(DetectorStatsRecord)
}

/// The SQL the writer runs. Every statement is a cached prepared statement, so a
/// batch costs one parse per statement kind per connection, not one per row.
/// Arguments are set unchecked: the placeholder counts are fixed right here, and
/// validating them per row is measurable at thousands of rows per batch.
extension StoreWriter {
    /// Writes `batch` inside the caller's transaction.
    static func write(_ batch: ArraySlice<PendingWrite>, in db: Database) throws {
        for item in batch {
            switch item {
            case .signal(let signal): try insert(signal, in: db)
            case .accountFlag(let flag): try upsert(flag, in: db)
            case .shadowFlag(let flag): try upsertShadow(flag, in: db)
            case .orgFlag(let orgFlag): try upsert(orgFlag, in: db)
            case .risk(let risk): try upsert(risk, in: db)
            case .detectorStats(let stats): try insert(stats, in: db)
            }
        }
    }

    private static func insert(_ signal: SignalRecord, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO signals (event_id, account_id, org_id, conversation_id, detector, detector_version,
                                 mode, score, labels, evidence, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        statement.setUncheckedArguments([
            signal.eventID, signal.accountID, signal.orgID, signal.conversationID, signal.detector,
            signal.detectorVersion, signal.mode, signal.score, JSONStringArray.encode(signal.labels),
            signal.evidence, StoreTimestamp.text(fromEpoch: signal.createdAt),
        ])
        try statement.execute()
    }

    /// Merges detectors and labels with the existing row in Swift (sorted union) so the
    /// result does not depend on SQLite's aggregate ordering; flags are rare, so the
    /// extra read per flag costs nothing that matters.
    private static func upsert(_ flag: AccountFlagRecord, in db: Database) throws {
        try upsert(flag, into: "flagged_accounts", in: db)
    }

    /// The would-be flag of shadow evaluation: same shape as `flagged_accounts`, no status.
    private static func upsertShadow(_ flag: AccountFlagRecord, in db: Database) throws {
        try upsert(flag, into: "shadow_flagged_accounts", in: db)
    }

    /// `table` is one of the two flag tables (a constant here, never input):
    /// both have the same columns; `status` (real flags only) defaults to
    /// 'open' and is never overwritten, so people's triage survives re-flags.
    private static func upsert(_ flag: AccountFlagRecord, into table: String, in db: Database) throws {
        var detectors = JSONStringArray.union([], flag.detectors)
        var labels = JSONStringArray.union([], flag.labels)
        if let existing = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT detectors, labels FROM \(table) WHERE account_id = ?"),
            arguments: [flag.accountID]) {
            detectors = JSONStringArray.union(JSONStringArray.decode(existing["detectors"]), detectors)
            labels = JSONStringArray.union(JSONStringArray.decode(existing["labels"]), labels)
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO \(table) (account_id, org_id, risk, first_flagged_at, last_flagged_at,
                                reason, detectors, labels, event_count, last_event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(account_id) DO UPDATE SET
                org_id = COALESCE(excluded.org_id, \(table).org_id),
                risk = excluded.risk,
                last_flagged_at = excluded.last_flagged_at,
                reason = excluded.reason,
                detectors = excluded.detectors,
                labels = excluded.labels,
                event_count = excluded.event_count,
                last_event_id = excluded.last_event_id
            """)
        let flaggedAt = StoreTimestamp.text(fromEpoch: flag.flaggedAt)
        statement.setUncheckedArguments([
            flag.accountID, flag.orgID, flag.risk, flaggedAt, flaggedAt, flag.reason,
            JSONStringArray.encode(detectors), JSONStringArray.encode(labels), flag.eventCount, flag.lastEventID,
        ])
        try statement.execute()
    }

    private static func upsert(_ orgFlag: OrgFlagRecord, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO flagged_orgs (org_id, flagged_accounts, first_flagged_at, last_flagged_at, status)
            VALUES (?, ?, ?, ?, 'open')
            ON CONFLICT(org_id) DO UPDATE SET
                flagged_accounts = excluded.flagged_accounts,
                last_flagged_at = excluded.last_flagged_at
            """)
        let flaggedAt = StoreTimestamp.text(fromEpoch: orgFlag.flaggedAt)
        statement.setUncheckedArguments([orgFlag.orgID, orgFlag.flaggedAccounts, flaggedAt, flaggedAt])
        try statement.execute()
    }

    private static func upsert(_ risk: AccountRiskRecord, in db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO account_risk (account_id, org_id, risk, updated_at, updated_at_epoch, flagged)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(account_id) DO UPDATE SET
                org_id = COALESCE(excluded.org_id, account_risk.org_id),
                risk = excluded.risk,
                updated_at = excluded.updated_at,
                updated_at_epoch = excluded.updated_at_epoch,
                flagged = excluded.flagged
            """)
        statement.setUncheckedArguments([
            risk.accountID, risk.orgID, risk.risk, StoreTimestamp.text(fromEpoch: risk.updatedAt),
            risk.updatedAt, risk.flagged,
        ])
        try statement.execute()
    }
}
