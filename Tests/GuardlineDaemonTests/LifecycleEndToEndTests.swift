import Foundation
import GRDB
import GuardlineTransport
import XCTest

/// Shutdown, restart and the on-call CLI, against real processes and a real SQLite file.
final class LifecycleEndToEndTests: XCTestCase {
    private func count(_ sql: String, in path: String) throws -> Int {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    func test_sigterm_answersEverythingRead_flushesEverySignal_andExitsZero() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let clients = try (0..<4).map { _ in try LineClient(daemon.address) }
        var expectedSignals = 0
        for (c, client) in clients.enumerated() {
            let lines = (0..<500).map { eventLine(id: "g\(c)-\($0)", account: "grace-\(c)-\($0 % 40)",
                                                  text: $0 % 3 == 0 ? "attack-phrase" : "benign") }
            expectedSignals += lines.filter { $0.contains("attack-phrase") }.count
            try client.send(lines: lines)
        }
        for client in clients { XCTAssertEqual(try client.readLines(500).count, 500) }
        XCTAssertEqual(daemon.stop(), 0, "graceful stop exits 0; log:\n\(daemon.process?.log ?? "")")
        XCTAssertTrue(daemon.process?.log.contains("guardline.stopped") ?? false)
        XCTAssertEqual(try count("SELECT COUNT(*) FROM signals WHERE detector = 'test-high'", in: daemon.databasePath), expectedSignals)
        XCTAssertGreaterThan(try count("SELECT COUNT(*) FROM flagged_accounts", in: daemon.databasePath), 0)
    }

    func test_sigterm_whileAClientIsStillSending_answersWhatWasRead() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = try LineClient(daemon.address)
        try client.send(lines: (0..<2000).map { eventLine(id: "t\($0)", account: "term-\($0 % 9)", text: "attack-phrase") })
        // Make sure the daemon has read at least the first line, then stop it mid-stream.
        XCTAssertEqual(try client.readLines(1).count, 1)
        daemon.process?.signal(SIGTERM)
        var answered = 1
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = (try? buffer.withUnsafeMutableBytes { try client.socket.read(into: $0) }) ?? 0
            if n <= 0 { break }
            answered += buffer[0..<n].filter { $0 == 0x0A }.count
        }
        XCTAssertEqual(daemon.process?.waitForExit(), 0)
        let stored = try count("SELECT COUNT(*) FROM signals", in: daemon.databasePath)
        XCTAssertGreaterThanOrEqual(stored, answered, "every answered event's signal is in SQLite")
    }

    func test_restart_restoresFlagsAndRisk() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        var client = try LineClient(daemon.address)
        try client.send(lines: [
            eventLine(id: "f1", account: "will-flag", org: "org-r", text: "BOOM-CRITICAL"),
            eventLine(id: "r1", account: "risky", org: "org-r", text: "attack-phrase"),
        ])
        let before = try client.readJSON(2)
        XCTAssertEqual(before[0]["flagged"] as? Bool, true)
        let riskBefore = try XCTUnwrap(before[1]["risk"] as? Double)
        XCTAssertGreaterThan(riskBefore, 0.5)
        XCTAssertEqual(daemon.stop(), 0)

        try daemon.start()
        client = try LineClient(daemon.address)
        try client.send(lines: [eventLine(id: "f2", account: "will-flag", text: "hi"), eventLine(id: "r2", account: "risky", text: "hi")])
        let after = try client.readJSON(2)
        XCTAssertEqual(after[0]["flagged"] as? Bool, true, "a flag survives a restart")
        let riskAfter = try XCTUnwrap(after[1]["risk"] as? Double)
        XCTAssertEqual(riskAfter, riskBefore, accuracy: riskBefore * 0.01, "risk is restored (decayed by seconds at most)")
        XCTAssertEqual(after[1]["flagged"] as? Bool, false)
        XCTAssertEqual(daemon.stop(), 0)
    }

    func test_newFlag_isReadableFromTheDatabaseWithinMilliseconds_evenWithALongFlushInterval() throws {
        // A 10 s flush interval (the longest allowed) would hold ordinary signal rows back; a new flag must not wait for it.
        let daemon = try TestDaemon(extraConfig: "store:\n  flush_interval: 10s")
        try daemon.start()
        let client = try LineClient(daemon.address)
        try client.send(lines: [eventLine(id: "u1", account: "urgent", org: "org-u", text: "BOOM-CRITICAL")])
        XCTAssertEqual(try client.readJSON(1)[0]["flagged"] as? Bool, true)
        let deadline = Date(timeIntervalSinceNow: 3)
        var flagged = 0
        repeat {
            flagged = try count("SELECT COUNT(*) FROM flagged_accounts WHERE account_id = 'urgent'", in: daemon.databasePath)
            if flagged == 0 { Thread.sleep(forTimeInterval: 0.01) }
        } while flagged == 0 && Date() < deadline
        XCTAssertEqual(flagged, 1, "the flag is committed without waiting out store.flush_interval")
        XCTAssertGreaterThan(try count("SELECT COUNT(*) FROM signals WHERE event_id = 'u1'", in: daemon.databasePath), 0,
                       "the flagging event's evidence commits with the flag")
        XCTAssertEqual(daemon.stop(), 0)
    }

    func test_orgFlagged_whenTwoOfItsAccountsAreFlagged() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = try LineClient(daemon.address)
        try client.send(lines: [eventLine(id: "o1", account: "oa", org: "org-spread", text: "BOOM-CRITICAL"),
                                eventLine(id: "o2", account: "ob", org: "org-spread", text: "BOOM-CRITICAL")])
        _ = try client.readLines(2)
        XCTAssertEqual(daemon.stop(), 0)
        XCTAssertEqual(try count("SELECT flagged_accounts FROM flagged_orgs WHERE org_id = 'org-spread'", in: daemon.databasePath), 2)
    }

    func test_cli_flaggedAndAccount_inEveryFormat() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = try LineClient(daemon.address)
        try client.send(lines: [eventLine(id: "cli-1", account: "acct-cli", org: "org-cli", text: "please BOOM-CRITICAL now"),
                                eventLine(id: "cli-2", account: "acct-other", text: "fine")])
        _ = try client.readLines(2)
        XCTAssertEqual(daemon.stop(), 0)
        let db = daemon.databasePath

        let (status, json, _) = try TestDaemon.cli(["flagged", "--db", db, "--format", "json"])
        XCTAssertEqual(status, 0)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["account_id"] as? String }, ["acct-cli"])
        XCTAssertEqual(rows.first?["org_id"] as? String, "org-cli")
        XCTAssertEqual(rows.first?["status"] as? String, "open")
        XCTAssertEqual(rows.first?["detectors"] as? [String], ["test-critical"])

        let (_, table, _) = try TestDaemon.cli(["flagged", "--db", db, "--since", "1h"])
        XCTAssertTrue(table.contains("account_id") && table.contains("acct-cli"), table)
        let (_, csv, _) = try TestDaemon.cli(["flagged", "--db", db, "--format", "csv", "--detector", "test-critical"])
        XCTAssertTrue(csv.hasPrefix("account_id,"), csv)
        XCTAssertTrue(csv.contains("acct-cli"), csv)
        let (_, none, _) = try TestDaemon.cli(["flagged", "--db", db, "--format", "json", "--org", "org-nobody"])
        XCTAssertEqual(none.trimmingCharacters(in: .whitespacesAndNewlines), "[]")

        let (accountStatus, accountJSON, _) = try TestDaemon.cli(["account", "acct-cli", "--db", db, "--format", "json"])
        XCTAssertEqual(accountStatus, 0)
        XCTAssertTrue(accountJSON.contains("BOOM-CRITICAL"), "evidence is shown: \(accountJSON)")
        let (_, accountTable, _) = try TestDaemon.cli(["account", "acct-cli", "--db", db])
        XCTAssertTrue(accountTable.contains("test-critical"), accountTable)

        let (missing, _, error) = try TestDaemon.cli(["flagged", "--db", daemon.directory.appendingPathComponent("nope.db").path])
        XCTAssertNotEqual(missing, 0)
        XCTAssertTrue(error.contains("nope.db"), error)
    }

    func test_checkConfig_acceptsTheShippedConfig_andRejectsABadRuleWithFileAndLine() throws {
        let (ok, output, errors) = try TestDaemon.cli(["check-config", "--config", TestPaths.shippedConfig])
        XCTAssertEqual(ok, 0, errors)
        XCTAssertTrue(output.contains("OK"), output)

        let daemon = try TestDaemon(detectors: FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString)").path)
        let badDirectory = try XCTUnwrap(String(data: try Data(contentsOf: URL(fileURLWithPath: daemon.configPath)), encoding: .utf8)?
            .split(separator: "\n").first { $0.hasPrefix("detectors:") }?.dropFirst("detectors: ".count))
        try FileManager.default.createDirectory(atPath: String(badDirectory), withIntermediateDirectories: true)
        try """
        name: broken
        version: 1.0.0
        description: a regex that does not compile
        severity: high
        patterns:
          - regex: "(unclosed"
        """.write(toFile: "\(badDirectory)/broken.yaml", atomically: true, encoding: .utf8)
        let (status, _, message) = try TestDaemon.cli(["check-config", "--config", daemon.configPath])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(message.contains("broken.yaml:6"), message)
        // serve refuses the same config with the same message.
        let (serveStatus, _, serveMessage) = try TestDaemon.cli(["serve", "--config", daemon.configPath])
        XCTAssertNotEqual(serveStatus, 0)
        XCTAssertTrue(serveMessage.contains("broken.yaml:6"), serveMessage)
    }

    func test_send_streamsAFile_andReportsFlaggedAccounts() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let file = daemon.directory.appendingPathComponent("events.ndjson")
        var lines = (0..<300).map { eventLine(id: "s\($0)", account: "user-\($0 % 30)") }
        lines.append(eventLine(id: "bad", account: "attacker", text: "BOOM-CRITICAL"))
        lines.append("{broken")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let (status, output, errors) = try TestDaemon.cli(["send", file.path, "--to", daemon.address.description, "--connections", "3"])
        XCTAssertEqual(status, 0, errors)
        XCTAssertTrue(output.contains("302 verdicts"), output)
        XCTAssertTrue(output.contains("invalid_json=1"), output)
        XCTAssertTrue(output.contains("accounts flagged: 1 (attacker)"), output)
    }
}
