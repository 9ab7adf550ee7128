import Foundation
import GRDB
import XCTest

/// `guardline replay`: the serve pipeline offline; the same input and config give the same rows.
final class ReplayEndToEndTests: XCTestCase {
    private func dump(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            try ["signals", "flagged_accounts", "flagged_orgs", "account_risk"].flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1").map { "\(table): \($0)" }
            }
        }
    }

    func test_replay_isDeterministic_andUsesEventTimeForDecayAndVelocity() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let daemon = try TestDaemon()  // only for its config (test detectors, policy)
        var lines: [String] = []
        // Three refusals within ten minutes of event time fire the velocity detector,
        // however fast the replay runs; events without ts inherit the previous time.
        for i in 0..<3 {
            lines.append(eventLine(id: "v\(i)", account: "prober", role: "assistant", refusal: true, extra: "\"ts\":\(1_800_000_000 + i * 60)"))
        }
        lines.append(eventLine(id: "x1", account: "acct-a", org: "org-1", text: "attack-phrase"))
        lines.append(eventLine(id: "x2", account: "acct-b", org: "org-1", text: "BOOM-CRITICAL", extra: "\"ts\":\"2027-01-15T08:00:00Z\""))
        lines.append(eventLine(id: "x3", account: "acct-b", text: "quiet"))
        lines.append("{broken")
        let file = directory.appendingPathComponent("recorded.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)

        let first = directory.appendingPathComponent("first.db").path
        let second = directory.appendingPathComponent("second.db").path
        for db in [first, second] {
            let (status, output, errors) = try TestDaemon.cli(["replay", file.path, "--config", daemon.configPath, "--db", db])
            XCTAssertEqual(status, 0, errors)
            XCTAssertTrue(output.contains("replayed 6 events"), output)
            XCTAssertTrue(output.contains("invalid_json=1"), output)
        }
        let rows = try dump(first)
        XCTAssertEqual(rows, try dump(second), "same input and config, same rows")
        XCTAssertTrue(rows.contains { $0.contains("test-refusals") }, "velocity windows follow event time")
        XCTAssertTrue(rows.contains { $0.contains("flagged_accounts") && $0.contains("acct-b") && $0.contains("2027-01-15T08:00:00.000Z") })
    }
}
