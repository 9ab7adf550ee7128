import Foundation
import XCTest
@testable import GuardlineStore

/// Each test body runs against an on-disk and an in-memory store.
final class StoreQueryTests: XCTestCase {
    private func withEachStore(_ body: (Store) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        try body(try Store.open(path: directory.path("guardline.db")))
        try body(try Store.openInMemory())
    }

    /// Three accounts in two orgs flagged a minute apart, plus signals for acct-a.
    private func populate(_ store: Store) throws {
        let writer = try store.makeWriter { _ in }
        writer.enqueue(flag: flag("acct-a", org: "org-1", risk: 3.0, at: baseEpoch, detectors: ["pii"]))
        writer.enqueue(flag: flag("acct-b", org: "org-2", risk: 5.0, at: baseEpoch + 60,
                                  detectors: ["pii_strict", "secrets"]))
        writer.enqueue(flag: flag("acct-c", org: "org-1", risk: 9.0, at: baseEpoch + 120, detectors: ["jailbreak"]))
        writer.enqueue([
            signal(1, account: "acct-a", detector: "pii", at: baseEpoch - 30),
            signal(2, account: "acct-a", detector: "secrets", at: baseEpoch - 20),
            signal(3, account: "acct-a", detector: "pii", at: baseEpoch - 10),
            signal(4, account: "acct-b", detector: "secrets", at: baseEpoch),
        ])
        writer.enqueue(risk: [AccountRiskRecord(accountID: "acct-a", orgID: "org-1", risk: 2.5,
                                                updatedAt: baseEpoch + 5, flagged: true)])
        writer.enqueue(orgFlag: OrgFlagRecord(orgID: "org-1", flaggedAccounts: 2, flaggedAt: baseEpoch + 120))
        writer.enqueue(orgFlag: OrgFlagRecord(orgID: "org-2", flaggedAccounts: 1, flaggedAt: baseEpoch + 60))
        try writer.close()
    }

    func test_flaggedAccounts_newestFirstWithLimit() throws {
        try withEachStore { store in
            try populate(store)
            XCTAssertEqual(try store.flaggedAccounts().map(\.accountID), ["acct-c", "acct-b", "acct-a"])
            XCTAssertEqual(try store.flaggedAccounts(limit: 2).map(\.accountID), ["acct-c", "acct-b"])
        }
    }

    func test_flaggedAccounts_sinceFilter() throws {
        try withEachStore { store in
            try populate(store)
            XCTAssertEqual(try store.flaggedAccounts(since: baseEpoch + 60).map(\.accountID), ["acct-c", "acct-b"])
            XCTAssertEqual(try store.flaggedAccounts(since: baseEpoch + 121).map(\.accountID), [])
        }
    }

    func test_flaggedAccounts_orgFilter() throws {
        try withEachStore { store in
            try populate(store)
            XCTAssertEqual(try store.flaggedAccounts(orgID: "org-1").map(\.accountID), ["acct-c", "acct-a"])
        }
    }

    func test_flaggedAccounts_detectorFilterMatchesWholeNamesOnly() throws {
        try withEachStore { store in
            try populate(store)
            XCTAssertEqual(try store.flaggedAccounts(detector: "pii").map(\.accountID), ["acct-a"])
            XCTAssertEqual(try store.flaggedAccounts(detector: "secrets").map(\.accountID), ["acct-b"])
            XCTAssertEqual(try store.flaggedAccounts(detector: "pi").map(\.accountID), [])
        }
    }

    func test_flaggedAccounts_statusFilterAndCombinedFilters() throws {
        try withEachStore { store in
            try populate(store)
            try store.writer!.write { db in
                try db.execute(sql: "UPDATE flagged_accounts SET status = 'resolved' WHERE account_id = 'acct-c'")
            }
            XCTAssertEqual(try store.flaggedAccounts(status: "open").map(\.accountID), ["acct-b", "acct-a"])
            XCTAssertEqual(try store.flaggedAccounts(status: "resolved").map(\.accountID), ["acct-c"])
            XCTAssertEqual(try store.flaggedAccounts(since: baseEpoch, orgID: "org-1", detector: "pii",
                                                     status: "open").map(\.accountID), ["acct-a"])
        }
    }

    func test_account_returnsFlagRiskAndRecentSignalsNewestFirst() throws {
        try withEachStore { store in
            try populate(store)
            let report = try XCTUnwrap(try store.account(id: "acct-a", signalLimit: 2))
            XCTAssertEqual(report.flag?.risk, 3.0)
            XCTAssertEqual(report.risk, AccountRiskRecord(accountID: "acct-a", orgID: "org-1", risk: 2.5,
                                                          updatedAt: baseEpoch + 5, flagged: true))
            XCTAssertEqual(report.signals.map(\.eventID), ["evt-3", "evt-2"])
            XCTAssertEqual(report.signals.first?.evidence, "mail me at a@b.c")
            XCTAssertEqual(report.signals.first?.createdAt, "2026-11-29T07:59:50.000Z")
        }
    }

    func test_account_unknownAccountIsNilAndSignalOnlyAccountHasNoFlag() throws {
        try withEachStore { store in
            try populate(store)
            XCTAssertNil(try store.account(id: "nobody"))
            let writer = try store.makeWriter { _ in }
            writer.enqueue([signal(9, account: "acct-quiet")])
            try writer.close()
            let report = try XCTUnwrap(try store.account(id: "acct-quiet"))
            XCTAssertNil(report.flag)
            XCTAssertNil(report.risk)
            XCTAssertEqual(report.signals.count, 1)
        }
    }

    func test_flaggedOrgs_newestFirstWithFilters() throws {
        try withEachStore { store in
            try populate(store)
            XCTAssertEqual(try store.flaggedOrgs().map(\.orgID), ["org-1", "org-2"])
            XCTAssertEqual(try store.flaggedOrgs(since: baseEpoch + 61).map(\.orgID), ["org-1"])
            XCTAssertEqual(try store.flaggedOrgs(status: "resolved").map(\.orgID), [])
            XCTAssertEqual(try store.flaggedOrgs(limit: 1).first?.flaggedAccounts, 2)
        }
    }

    func test_loadFlaggedAccounts_returnsEveryFlag() throws {
        try withEachStore { store in
            try populate(store)
            XCTAssertEqual(Set(try store.loadFlaggedAccounts().map(\.accountID)), ["acct-a", "acct-b", "acct-c"])
        }
    }
}
