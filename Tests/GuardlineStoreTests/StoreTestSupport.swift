import Foundation
import GRDB
import XCTest
@testable import GuardlineStore

/// A fresh directory under the system temp directory, removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("guardline-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Collects errors reported by a `StoreWriter` on its thread.
final class ErrorCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [StoreError] = []

    var errors: [StoreError] { lock.withLock { collected } }

    func record(_ error: StoreError) { lock.withLock { collected.append(error) } }
}

/// 2026-11-29T08:00:00.000Z, a fixed instant so timestamps in assertions are exact.
let baseEpoch: Double = 1_795_939_200

func signal(_ number: Int, account: String = "acct-1", org: String? = "org-1", detector: String = "pii",
            at epoch: Double = baseEpoch) -> SignalRecord {
    SignalRecord(eventID: "evt-\(number)", accountID: account, orgID: org, conversationID: "conv-1",
                 detector: detector, detectorVersion: "1.0.0", mode: "enforce", score: 0.5,
                 labels: ["email"], evidence: "mail me at a@b.c", createdAt: epoch)
}

func flag(_ account: String, org: String? = "org-1", risk: Double = 3.5, at epoch: Double = baseEpoch,
          detectors: [String] = ["pii"], labels: [String] = ["email"]) -> AccountFlagRecord {
    AccountFlagRecord(accountID: account, orgID: org, risk: risk, flaggedAt: epoch, reason: "threshold",
                      detectors: detectors, labels: labels, eventCount: 12, lastEventID: "evt-last")
}

extension Store {
    /// Counts rows in `table`, for assertions.
    func count(_ table: String) throws -> Int {
        try reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}
