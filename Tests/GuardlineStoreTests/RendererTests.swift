import XCTest
@testable import GuardlineStore

final class RendererTests: XCTestCase {
    private let rows = [
        FlaggedAccountRow(accountID: "acct-1", orgID: "org-1", risk: 3.5, firstFlaggedAt: "2026-11-29T08:00:00.000Z",
                          lastFlaggedAt: "2026-11-29T08:01:00.000Z", status: "open", reason: "threshold",
                          detectors: ["pii", "secrets"], labels: ["email"], eventCount: 12, lastEventID: "evt-9"),
        FlaggedAccountRow(accountID: "acct-2", orgID: nil, risk: 10, firstFlaggedAt: "2026-11-29T07:00:00.000Z",
                          lastFlaggedAt: "2026-11-29T07:30:00.000Z", status: "acknowledged", reason: "critical",
                          detectors: ["jailbreak"], labels: [], eventCount: nil, lastEventID: nil),
    ]

    func test_table_alignsColumnsUnderHeader() {
        let expected = """
            account_id  org_id  risk   status        reason     detectors    labels  event_count  last_flagged_at           first_flagged_at
            acct-1      org-1   3.50   open          threshold  pii,secrets  email   12           2026-11-29T08:01:00.000Z  2026-11-29T08:00:00.000Z
            acct-2      -       10.00  acknowledged  critical   jailbreak    -       -            2026-11-29T07:30:00.000Z  2026-11-29T07:00:00.000Z

            """
        XCTAssertEqual(ReportRenderer.render(flagged: rows, format: .table), expected)
    }

    func test_table_truncatesLongCellsWithEllipsisAndFlattensNewlines() {
        let text = TableRenderer(maxCellWidth: 8).render(columns: ["name", "note"],
                                                          rows: [["abcdefghijk", "line1\nline2"], ["ab", "ok"]])
        XCTAssertEqual(text, "name      note\nabcdefg…  line1 l…\nab        ok\n")
    }

    func test_table_emptyResultPrintsOnlyTheHeader() {
        XCTAssertEqual(ReportRenderer.render(orgs: [], format: .table),
                       "org_id  flagged_accounts  status  last_flagged_at  first_flagged_at\n")
    }

    func test_csv_quotesPerRFC4180() {
        let text = CSVRenderer.render(columns: ["a", "b"],
                                      rows: [["plain", "has,comma"], ["say \"hi\"", "two\nlines"], ["", "x"]])
        XCTAssertEqual(text, "a,b\r\nplain,\"has,comma\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n,x\r\n")
    }

    func test_csv_flaggedAccountsUseDatabaseColumnsAndStoredValues() {
        let expected = "account_id,org_id,risk,first_flagged_at,last_flagged_at,status,reason,detectors,labels,"
            + "event_count,last_event_id\r\n"
            + "acct-1,org-1,3.5,2026-11-29T08:00:00.000Z,2026-11-29T08:01:00.000Z,open,threshold,"
            + "\"[\"\"pii\"\",\"\"secrets\"\"]\",\"[\"\"email\"\"]\",12,evt-9\r\n"
            + "acct-2,,10.0,2026-11-29T07:00:00.000Z,2026-11-29T07:30:00.000Z,acknowledged,critical,"
            + "\"[\"\"jailbreak\"\"]\",[],,\r\n"
        XCTAssertEqual(ReportRenderer.render(flagged: rows, format: .csv), expected)
    }

    func test_json_flaggedAccountsHaveSortedDatabaseColumnNames() {
        let expected = """
            [
              {
                "account_id": "acct-1",
                "detectors": [
                  "pii",
                  "secrets"
                ],
                "event_count": 12,
                "first_flagged_at": "2026-11-29T08:00:00.000Z",
                "labels": [
                  "email"
                ],
                "last_event_id": "evt-9",
                "last_flagged_at": "2026-11-29T08:01:00.000Z",
                "org_id": "org-1",
                "reason": "threshold",
                "risk": 3.5,
                "status": "open"
              },
              {
                "account_id": "acct-2",
                "detectors": [
                  "jailbreak"
                ],
                "event_count": null,
                "first_flagged_at": "2026-11-29T07:00:00.000Z",
                "labels": [],
                "last_event_id": null,
                "last_flagged_at": "2026-11-29T07:30:00.000Z",
                "org_id": null,
                "reason": "critical",
                "risk": 10.0,
                "status": "acknowledged"
              }
            ]

            """
        XCTAssertEqual(ReportRenderer.render(flagged: rows, format: .json), expected)
        XCTAssertEqual(ReportRenderer.render(flagged: [], format: .json), "[]\n")
    }

    func test_json_escapesStrings() {
        let row = FlaggedOrgRow(orgID: "o\"1\\\n\u{1}", flaggedAccounts: 2, firstFlaggedAt: "f", lastFlaggedAt: "l",
                                status: "open")
        XCTAssertTrue(ReportRenderer.render(orgs: [row], format: .json)
            .contains(#""org_id": "o\"1\\\n\u0001""#))
    }

    private var report: AccountReport {
        AccountReport(
            accountID: "acct-1", flag: rows[0],
            risk: AccountRiskRecord(accountID: "acct-1", orgID: "org-1", risk: 2.25, updatedAt: 1_795_939_205.5,
                                    flagged: true),
            signals: [SignalRow(id: 7, eventID: "evt-9", accountID: "acct-1", orgID: "org-1", conversationID: nil,
                                detector: "pii", detectorVersion: "1.0.0", mode: "enforce", score: 0.8,
                                labels: ["email"], evidence: "mail me, \"now\"", createdAt: "2026-11-29T08:01:00.000Z")])
    }

    func test_account_tableShowsFactsThenSignals() {
        let expected = """
            account_id            acct-1
            org_id                org-1
            status                open
            reason                threshold
            risk                  3.50
            first_flagged_at      2026-11-29T08:00:00.000Z
            last_flagged_at       2026-11-29T08:01:00.000Z
            detectors             pii,secrets
            labels                email
            event_count           12
            last_event_id         evt-9
            live_risk             2.25
            live_risk_updated_at  2026-11-29T08:00:05.500Z

            signals (1 most recent):
            created_at                detector  detector_version  mode     score  labels  event_id  evidence
            2026-11-29T08:01:00.000Z  pii       1.0.0             enforce  0.80   email   evt-9     mail me, "now"

            """
        XCTAssertEqual(ReportRenderer.render(account: report, format: .table), expected)
    }

    func test_account_csvIsTheSignalsTable() {
        let expected = "id,event_id,account_id,org_id,conversation_id,detector,detector_version,mode,score,labels,"
            + "evidence,created_at\r\n"
            + "7,evt-9,acct-1,org-1,,pii,1.0.0,enforce,0.8,\"[\"\"email\"\"]\",\"mail me, \"\"now\"\"\","
            + "2026-11-29T08:01:00.000Z\r\n"
        XCTAssertEqual(ReportRenderer.render(account: report, format: .csv), expected)
    }

    func test_account_jsonNestsFlagRiskAndSignals() {
        let text = ReportRenderer.render(account: report, format: .json)
        XCTAssertTrue(text.hasPrefix("{\n  \"account_id\": \"acct-1\",\n  \"flag\": {\n    \"account_id\": \"acct-1\","),
                      text)
        XCTAssertTrue(text.contains("""
              "risk": {
                "account_id": "acct-1",
                "flagged": 1,
                "org_id": "org-1",
                "risk": 2.25,
                "updated_at": "2026-11-29T08:00:05.500Z",
                "updated_at_epoch": 1795939205.5
              },
              "signals": [
                {
                  "account_id": "acct-1",
                  "conversation_id": null,
            """), text)
        XCTAssertTrue(text.hasSuffix("\"score\": 0.8\n    }\n  ]\n}\n"), text)
    }
}
