import GRDB

/// The Guardline database schema, registered as named migrations.
///
/// The schema is a contract with production consumers (dashboards, ad-hoc SQL,
/// the `guardline` CLI): change it only by adding a new named migration, never by
/// editing one that has shipped. All timestamps are ISO 8601 UTC text with
/// milliseconds, e.g. `2026-11-29T08:34:42.123Z`, so they sort as text and read
/// well in `sqlite3`. JSON arrays are stored as compact JSON text, e.g. `["pii","prompt_injection"]`.
///
/// ## `flagged_accounts` — one row per account that crossed a flag policy
/// | column | meaning |
/// |---|---|
/// | `account_id` TEXT PRIMARY KEY | the account as sent by the pipeline |
/// | `org_id` TEXT | the account's organisation, if known |
/// | `risk` REAL NOT NULL | decayed account risk at the most recent flag |
/// | `first_flagged_at` TEXT NOT NULL | when the account was first flagged; never changes |
/// | `last_flagged_at` TEXT NOT NULL | when the account was most recently (re-)flagged |
/// | `status` TEXT NOT NULL DEFAULT 'open' | `open`, `acknowledged` or `resolved`; set by people, kept on re-flag |
/// | `reason` TEXT | `threshold` (risk crossed the threshold) or `critical` (one critical signal) |
/// | `detectors` TEXT NOT NULL | JSON array of detector names that contributed, union over all flags, sorted |
/// | `labels` TEXT NOT NULL | JSON array of labels, union over all flags, sorted |
/// | `event_count` INTEGER | events seen for the account when it was last flagged |
/// | `last_event_id` TEXT | the event that triggered the most recent flag |
///
/// ## `signals` — one row per detector hit (enforce and shadow mode)
/// | column | meaning |
/// |---|---|
/// | `id` INTEGER PRIMARY KEY | row id, increasing in insertion order |
/// | `event_id` TEXT NOT NULL | the event the detector scored |
/// | `account_id` TEXT NOT NULL | the event's account |
/// | `org_id` TEXT | the event's organisation, if any |
/// | `conversation_id` TEXT | the event's conversation, if any |
/// | `detector` TEXT NOT NULL | detector name |
/// | `detector_version` TEXT NOT NULL | detector (rule file or plugin) version |
/// | `mode` TEXT NOT NULL | `enforce` (counts toward risk) or `shadow` (recorded only) |
/// | `score` REAL NOT NULL | the detector's score for this event |
/// | `labels` TEXT NOT NULL | JSON array of labels the detector attached |
/// | `evidence` TEXT NOT NULL | a short snippet of the matched text for on-call review |
/// | `created_at` TEXT NOT NULL | when the signal was produced |
///
/// ## `flagged_orgs` — organisations with enough flagged accounts
/// | column | meaning |
/// |---|---|
/// | `org_id` TEXT PRIMARY KEY | the organisation |
/// | `flagged_accounts` INTEGER NOT NULL | flagged accounts in the org at the most recent flag |
/// | `first_flagged_at` TEXT NOT NULL | first time the org was flagged; never changes |
/// | `last_flagged_at` TEXT NOT NULL | most recent time the org was flagged |
/// | `status` TEXT NOT NULL DEFAULT 'open' | `open`, `acknowledged` or `resolved`; kept on re-flag |
///
/// ## `account_risk` — checkpoint of live account risk, restored after a restart
/// | column | meaning |
/// |---|---|
/// | `account_id` TEXT PRIMARY KEY | the account |
/// | `org_id` TEXT | its organisation, if known |
/// | `risk` REAL NOT NULL | decayed risk at `updated_at` |
/// | `updated_at` TEXT NOT NULL | when the risk was last updated (for people) |
/// | `updated_at_epoch` REAL NOT NULL | the same instant in seconds since 1970 (for exact decay on restore) |
/// | `flagged` INTEGER NOT NULL | 1 if the account is currently flagged, else 0 |
///
/// ## `detector_stats` — measured detector work per window (migration `v3-detector-stats`)
/// | column | meaning |
/// |---|---|
/// | `id` INTEGER PRIMARY KEY | insertion order |
/// | `detector`, `detector_version` TEXT NOT NULL | which detector, which version |
/// | `mode` TEXT NOT NULL | `enforce` or `shadow` |
/// | `kind` TEXT NOT NULL | `rules`, `native`, `velocity`, `cross_account` |
/// | `window_start`, `window_end` TEXT NOT NULL | the wall-clock window the counts cover |
/// | `calls`, `fires`, `errors`, `timeouts` INTEGER NOT NULL | events scored, fired on, failed, timed out in the window |
/// | `sampled_calls` INTEGER NOT NULL | calls that were timed (every 16th event): the weight of the mean |
/// | `latency_mean_us` REAL NOT NULL | mean time per timed call, µs; rules detectors share one scan and each carries its full time |
/// | `latency_max_us` REAL NOT NULL | longest timed call in the window, µs |
///
/// ## Indexes
/// `signals(account_id, created_at)`, `signals(detector, created_at)`, `signals(org_id, created_at)`,
/// `signals(created_at)`, `flagged_accounts(last_flagged_at)`, `flagged_accounts(org_id)`,
/// `account_risk(updated_at_epoch)` (the restore query), `detector_stats(detector, window_end)`, `detector_stats(window_end)`.
enum StoreSchema {
    /// The migration identifiers in order; the newest is last.
    static let initialMigration = "v1-initial"
    /// Accounts that shadow detectors would flag if they were enforcing.
    static let shadowMigration = "v2-shadow-flags"
    /// Per-detector calls, fires and latency, persisted per checkpoint window.
    static let detectorStatsMigration = "v3-detector-stats"

    static func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(initialMigration) { db in
            try db.execute(sql: """
                CREATE TABLE flagged_accounts (
                    account_id TEXT PRIMARY KEY NOT NULL,
                    org_id TEXT,
                    risk REAL NOT NULL,
                    first_flagged_at TEXT NOT NULL,
                    last_flagged_at TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'acknowledged', 'resolved')),
                    reason TEXT CHECK (reason IS NULL OR reason IN ('threshold', 'critical')),
                    detectors TEXT NOT NULL DEFAULT '[]',
                    labels TEXT NOT NULL DEFAULT '[]',
                    event_count INTEGER,
                    last_event_id TEXT
                );
                CREATE INDEX flagged_accounts_last_flagged_at ON flagged_accounts(last_flagged_at);
                CREATE INDEX flagged_accounts_org_id ON flagged_accounts(org_id);

                CREATE TABLE signals (
                    id INTEGER PRIMARY KEY,
                    event_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    org_id TEXT,
                    conversation_id TEXT,
                    detector TEXT NOT NULL,
                    detector_version TEXT NOT NULL,
                    mode TEXT NOT NULL CHECK (mode IN ('enforce', 'shadow')),
                    score REAL NOT NULL,
                    labels TEXT NOT NULL DEFAULT '[]',
                    evidence TEXT NOT NULL DEFAULT '',
                    created_at TEXT NOT NULL
                );
                CREATE INDEX signals_account_id_created_at ON signals(account_id, created_at);
                CREATE INDEX signals_detector_created_at ON signals(detector, created_at);
                CREATE INDEX signals_org_id_created_at ON signals(org_id, created_at);
                CREATE INDEX signals_created_at ON signals(created_at);

                CREATE TABLE flagged_orgs (
                    org_id TEXT PRIMARY KEY NOT NULL,
                    flagged_accounts INTEGER NOT NULL,
                    first_flagged_at TEXT NOT NULL,
                    last_flagged_at TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'acknowledged', 'resolved'))
                );

                CREATE TABLE account_risk (
                    account_id TEXT PRIMARY KEY NOT NULL,
                    org_id TEXT,
                    risk REAL NOT NULL,
                    updated_at TEXT NOT NULL,
                    updated_at_epoch REAL NOT NULL,
                    flagged INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX account_risk_updated_at_epoch ON account_risk(updated_at_epoch);
                """)
        }
        migrator.registerMigration(shadowMigration) { db in
            try db.execute(sql: """
                CREATE TABLE shadow_flagged_accounts (
                    account_id TEXT PRIMARY KEY NOT NULL,
                    org_id TEXT,
                    risk REAL NOT NULL,
                    first_flagged_at TEXT NOT NULL,
                    last_flagged_at TEXT NOT NULL,
                    reason TEXT CHECK (reason IS NULL OR reason IN ('threshold', 'critical')),
                    detectors TEXT NOT NULL DEFAULT '[]',
                    labels TEXT NOT NULL DEFAULT '[]',
                    event_count INTEGER,
                    last_event_id TEXT
                );
                CREATE INDEX shadow_flagged_accounts_last_flagged_at ON shadow_flagged_accounts(last_flagged_at);
                """)
        }
        migrator.registerMigration(detectorStatsMigration) { db in
            try db.execute(sql: """
                CREATE TABLE detector_stats (
                    id INTEGER PRIMARY KEY,
                    detector TEXT NOT NULL,
                    detector_version TEXT NOT NULL,
                    mode TEXT NOT NULL CHECK (mode IN ('enforce', 'shadow')),
                    kind TEXT NOT NULL,
                    window_start TEXT NOT NULL,
                    window_end TEXT NOT NULL,
                    calls INTEGER NOT NULL,
                    fires INTEGER NOT NULL,
                    errors INTEGER NOT NULL,
                    timeouts INTEGER NOT NULL,
                    sampled_calls INTEGER NOT NULL,
                    latency_mean_us REAL NOT NULL,
                    latency_max_us REAL NOT NULL
                );
                CREATE INDEX detector_stats_detector_window_end ON detector_stats(detector, window_end);
                CREATE INDEX detector_stats_window_end ON detector_stats(window_end);
                """)
        }
        return migrator
    }
}
