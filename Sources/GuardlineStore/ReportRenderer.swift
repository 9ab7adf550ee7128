import Foundation

/// Turns query results into text for the CLI in any `OutputFormat`.
///
/// JSON and CSV carry every column under the name the database uses, with values as
/// stored (arrays as JSON arrays, or compact JSON text in CSV; null as `null` or an
/// empty field). Tables pick the columns an on-call engineer scans first and format
/// them for reading (risk to two decimals, arrays comma-joined, null as `-`).
public enum ReportRenderer {
    /// Flagged accounts, in the order given.
    public static func render(flagged rows: [FlaggedAccountRow], format: OutputFormat,
                              table: TableRenderer = TableRenderer()) -> String {
        switch format {
        case .json:
            return JSONValue.array(rows.map { .object(columns(of: $0)) }).prettyPrinted()
        case .csv:
            return csv(rows.map(columns(of:)), columns: flaggedAccountColumns)
        case .table:
            return table.render(
                columns: ["account_id", "org_id", "risk", "status", "reason", "detectors", "labels",
                          "event_count", "last_flagged_at", "first_flagged_at"],
                rows: rows.map { row in
                    [row.accountID, display(row.orgID), display(risk: row.risk), row.status, display(row.reason),
                     display(row.detectors), display(row.labels), display(row.eventCount.map(String.init)),
                     row.lastFlaggedAt, row.firstFlaggedAt]
                })
        }
    }

    /// Flagged organisations, in the order given.
    public static func render(orgs rows: [FlaggedOrgRow], format: OutputFormat,
                              table: TableRenderer = TableRenderer()) -> String {
        let columnNames = ["org_id", "flagged_accounts", "status", "last_flagged_at", "first_flagged_at"]
        switch format {
        case .json:
            return JSONValue.array(rows.map { .object(columns(of: $0)) }).prettyPrinted()
        case .csv:
            return csv(rows.map(columns(of:)), columns: columnNames)
        case .table:
            return table.render(columns: columnNames, rows: rows.map { row in
                [row.orgID, String(row.flaggedAccounts), row.status, row.lastFlaggedAt, row.firstFlaggedAt]
            })
        }
    }

    /// One account: its flag, its risk checkpoint and its recent signals.
    ///
    /// CSV holds a single table, so the CSV form is the signals (one row each); the
    /// flag row is available from the flagged-accounts query.
    public static func render(account report: AccountReport, format: OutputFormat,
                              table: TableRenderer = TableRenderer()) -> String {
        switch format {
        case .json:
            return JSONValue.object([
                "account_id": .string(report.accountID),
                "flag": report.flag.map { .object(columns(of: $0)) } ?? .null,
                "risk": report.risk.map { .object(columns(of: $0)) } ?? .null,
                "signals": .array(report.signals.map { .object(columns(of: $0)) }),
            ]).prettyPrinted()
        case .csv:
            return csv(report.signals.map(columns(of:)), columns: signalColumns)
        case .table:
            return accountTable(report, table: table)
        }
    }

    private static func accountTable(_ report: AccountReport, table: TableRenderer) -> String {
        var facts: [[String]] = [["account_id", report.accountID]]
        if let flag = report.flag {
            facts += [
                ["org_id", display(flag.orgID)], ["status", flag.status], ["reason", display(flag.reason)],
                ["risk", display(risk: flag.risk)], ["first_flagged_at", flag.firstFlaggedAt],
                ["last_flagged_at", flag.lastFlaggedAt], ["detectors", display(flag.detectors)],
                ["labels", display(flag.labels)], ["event_count", display(flag.eventCount.map(String.init))],
                ["last_event_id", display(flag.lastEventID)],
            ]
        } else {
            facts.append(["status", "not flagged"])
        }
        if let risk = report.risk {
            facts += [
                ["live_risk", display(risk: risk.risk)],
                ["live_risk_updated_at", StoreTimestamp.text(fromEpoch: risk.updatedAt)],
            ]
        }
        var text = table.render(columns: nil, rows: facts)
        text += "\nsignals (\(report.signals.count) most recent):\n"
        if !report.signals.isEmpty {
            text += table.render(
                columns: ["created_at", "detector", "detector_version", "mode", "score", "labels", "event_id",
                          "evidence"],
                rows: report.signals.map { signal in
                    [signal.createdAt, signal.detector, signal.detectorVersion, signal.mode,
                     display(risk: signal.score), display(signal.labels), signal.eventID, signal.evidence]
                })
        }
        return text
    }

    // MARK: Database columns, shared by JSON and CSV

    static let flaggedAccountColumns = [
        "account_id", "org_id", "risk", "first_flagged_at", "last_flagged_at", "status", "reason",
        "detectors", "labels", "event_count", "last_event_id",
    ]

    static let signalColumns = [
        "id", "event_id", "account_id", "org_id", "conversation_id", "detector", "detector_version", "mode",
        "score", "labels", "evidence", "created_at",
    ]

    static func columns(of row: FlaggedAccountRow) -> [String: JSONValue] {
        [
            "account_id": .string(row.accountID), "org_id": .optional(row.orgID), "risk": .number(row.risk),
            "first_flagged_at": .string(row.firstFlaggedAt), "last_flagged_at": .string(row.lastFlaggedAt),
            "status": .string(row.status), "reason": .optional(row.reason), "detectors": .strings(row.detectors),
            "labels": .strings(row.labels), "event_count": .optional(row.eventCount),
            "last_event_id": .optional(row.lastEventID),
        ]
    }

    static func columns(of row: FlaggedOrgRow) -> [String: JSONValue] {
        [
            "org_id": .string(row.orgID), "flagged_accounts": .integer(Int64(row.flaggedAccounts)),
            "first_flagged_at": .string(row.firstFlaggedAt), "last_flagged_at": .string(row.lastFlaggedAt),
            "status": .string(row.status),
        ]
    }

    static func columns(of row: SignalRow) -> [String: JSONValue] {
        [
            "id": .integer(row.id), "event_id": .string(row.eventID), "account_id": .string(row.accountID),
            "org_id": .optional(row.orgID), "conversation_id": .optional(row.conversationID),
            "detector": .string(row.detector), "detector_version": .string(row.detectorVersion),
            "mode": .string(row.mode), "score": .number(row.score), "labels": .strings(row.labels),
            "evidence": .string(row.evidence), "created_at": .string(row.createdAt),
        ]
    }

    static func columns(of record: AccountRiskRecord) -> [String: JSONValue] {
        [
            "account_id": .string(record.accountID), "org_id": .optional(record.orgID),
            "risk": .number(record.risk), "updated_at": .string(StoreTimestamp.text(fromEpoch: record.updatedAt)),
            "updated_at_epoch": .number(record.updatedAt), "flagged": .integer(record.flagged ? 1 : 0),
        ]
    }

    private static func csv(_ rows: [[String: JSONValue]], columns: [String]) -> String {
        CSVRenderer.render(columns: columns, rows: rows.map { row in columns.map { row[$0]?.csvCell ?? "" } })
    }

    // MARK: Table cells

    private static func display(_ text: String?) -> String { text ?? "-" }
    private static func display(_ values: [String]) -> String { values.isEmpty ? "-" : values.joined(separator: ",") }
    private static func display(risk: Double) -> String { String(format: "%.2f", risk) }
}

extension ReportRenderer {
    /// The shadow report: one table row per shadow detector (JSON: everything, lists in full).
    public static func render(shadow report: ShadowReport, format: OutputFormat, table: TableRenderer = TableRenderer()) -> String {
        func list(_ accounts: [String]) -> String {
            accounts.isEmpty ? "-" : accounts.prefix(5).joined(separator: ",") + (accounts.count > 5 ? ",…(\(accounts.count))" : "")
        }
        switch format {
        case .json:
            return JSONValue.array(report.detectors.map { d in
                .object([
                    "detector": .string(d.name),
                    "versions": .array(d.versions.map(JSONValue.string)),
                    "events": .integer(Int64(d.events)),
                    "accounts": .integer(Int64(d.accounts)),
                    "would_flag": .array(d.wouldFlag.map(JSONValue.string)),
                    "overlap": .array(d.overlap.map(JSONValue.string)),
                    "would_add": .array(d.wouldAdd.map(JSONValue.string)),
                    "would_miss": .array(d.wouldMiss.map(JSONValue.string)),
                    "hourly": .array(d.hourly.map { .object(["hour": .string($0.hour), "events": .integer(Int64($0.events))]) }),
                    "calls": .integer(Int64(d.latency?.calls ?? 0)),
                    "latency_timed_calls": .integer(Int64(d.latency?.sampledCalls ?? 0)),
                    "latency_mean_us": d.latency.map { .number(rounded($0.meanMicroseconds)) } ?? .null,
                    "latency_max_us": d.latency.map { .number(rounded($0.maxMicroseconds)) } ?? .null,
                    "latency_shared_rule_scan": d.latency.map { .bool($0.sharesRuleScan) } ?? .null,
                    "added_us": d.addedMicroseconds.map { .number(rounded($0)) } ?? .null,
                    "enforcing_us": report.enforcingMicroseconds.map { .number(rounded($0)) } ?? .null,
                ])
            }).prettyPrinted()
        case .csv:
            return CSVRenderer.render(
                columns: ["detector", "versions", "events", "accounts", "would_flag", "overlap", "would_add", "would_miss",
                          "calls", "latency_mean_us", "added_us", "enforcing_us"],
                rows: report.detectors.map { d in
                    [d.name, d.versions.joined(separator: " "), String(d.events), String(d.accounts), String(d.wouldFlag.count),
                     String(d.overlap.count), String(d.wouldAdd.count), String(d.wouldMiss.count), String(d.latency?.calls ?? 0),
                     d.latency.map { String(rounded($0.meanMicroseconds)) } ?? "", d.addedMicroseconds.map { String(rounded($0)) } ?? "",
                     report.enforcingMicroseconds.map { String(rounded($0)) } ?? ""]
                })
        case .table:
            guard !report.detectors.isEmpty else { return "no shadow signals in this window" }
            return table.render(
                columns: ["detector", "versions", "events", "accounts", "would_flag", "overlap", "would_add", "would_miss", "peak_hour",
                          "calls", "us/event", "added"],
                rows: report.detectors.map { d in
                    let peak = d.hourly.max { $0.events < $1.events }
                    return [d.name, d.versions.joined(separator: " "), String(d.events), String(d.accounts),
                            String(d.wouldFlag.count), String(d.overlap.count), list(d.wouldAdd), list(d.wouldMiss),
                            peak.map { "\($0.hour) (\($0.events))" } ?? "-",
                            String(d.latency?.calls ?? 0), d.latency.map { String(format: "%.2f", $0.meanMicroseconds) } ?? "-",
                            addedCost(d, enforcing: report.enforcingMicroseconds)]
                }) + latencyFootnote(report)
        }
    }

    /// Two decimals are all a microsecond mean carries.
    private static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// "+1.20 us (+35%)" against the enforcing detectors, or why there is no number.
    private static func addedCost(_ detector: ShadowReport.Detector, enforcing: Double?) -> String {
        guard let latency = detector.latency else { return "-" }
        if latency.sharesRuleScan { return "in shared scan" }
        guard let added = detector.addedMicroseconds else { return "-" }
        let share = enforcing.flatMap { $0 > 0 ? String(format: " (+%.0f%%)", 100 * added / $0) : nil } ?? ""
        return String(format: "+%.2f us", added) + share
    }

    private static func latencyFootnote(_ report: ShadowReport) -> String {
        let baseline = report.enforcingMicroseconds.map { String(format: "%.2f us/event", $0) } ?? "not measured in this window"
        return "\nenforcing detectors: \(baseline). us/event is sampled (every 16th event); rules detectors share one"
            + " Vectorscan scan, so each shows that whole scan and adds no separately measured cost."
    }
}
