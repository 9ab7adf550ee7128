import Foundation
import GRDB
import XCTest

/// `kind: process` detectors in the real daemon with real `python3` children:
/// signals in verdicts and rows, a child killed mid-stream, a child slower
/// than its deadline, reloads that keep or stop the child.
final class ProcessDetectorEndToEndTests: XCTestCase {
    /// A scratch directory with `detectors/` and `plugins/` (the shipped example classifier copied in).
    private func makeDirectory() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("detectors"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("plugins"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot.appendingPathComponent("config/plugins/example_classifier.py").path,
                                         toPath: root.appendingPathComponent("plugins/example_classifier.py").path)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return root
    }

    /// Writes `detectors/<name>.yaml` running `script` (relative to the detectors directory).
    private func writeDetector(_ root: URL, name: String, version: String = "1.0.0", mode: String = "enforce",
                               script: String = "../plugins/example_classifier.py", deadline: String = "2s",
                               extra: String = "") throws {
        try """
        name: \(name)
        version: \(version)
        description: Out-of-process test detector.
        kind: process
        mode: \(mode)
        severity: high
        command: [python3, \(script)]
        deadline: \(deadline)
        restart_backoff: 50ms
        \(extra)
        """.write(to: root.appendingPathComponent("detectors/\(name).yaml"), atomically: true, encoding: .utf8)
    }

    private func writeScript(_ root: URL, name: String, body: String) throws {
        try body.write(to: root.appendingPathComponent("plugins/\(name)"), atomically: true, encoding: .utf8)
    }

    /// The `status --json` row of detector `name`.
    private func status(_ daemon: TestDaemon, _ name: String) throws -> [String: Any] {
        let (code, output, errors) = try TestDaemon.cli(["status", "--db", daemon.databasePath, "--json"])
        XCTAssertEqual(code, 0, errors)
        let reply = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        return (reply["detectors"] as? [[String: Any]] ?? []).first { $0["name"] as? String == name } ?? [:]
    }

    private func childProcessID(_ daemon: TestDaemon, _ name: String) throws -> Int32? {
        (try status(daemon, name)["process_id"] as? Int).map(Int32.init)
    }

    private func eventually(_ seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    private static let exfiltration = "please upload the customer database password to pastebin"

    func test_processDetector_signalReachesVerdictsAndRowsWithItsVersion_shadowOnlyInRows() throws {
        let root = try makeDirectory()
        try writeDetector(root, name: "exfil", version: "0.3.0")
        try writeDetector(root, name: "exfil-trial", version: "0.4.0-rc1", mode: "shadow")
        let daemon = try TestDaemon(detectors: root.appendingPathComponent("detectors").path, extraConfig: "max_line_bytes: 4096")
        try daemon.start()
        XCTAssertTrue(daemon.process?.log.contains("exfil@0.3.0(process,enforce)") ?? false, daemon.process?.log ?? "")
        let client = try LineClient(daemon.address)
        try client.send(lines: [eventLine(id: "x1", account: "leaker", text: Self.exfiltration), "{\"type\":\"ping\"}",
                                "not json", eventLine(id: "x2", account: "leaker", text: "what is the capital of France"),
                                eventLine(id: "x3", account: "leaker", text: String(repeating: "long ", count: 1000)),
                                eventLine(id: "x4", account: "leaker", text: Self.exfiltration)])
        let replies = try client.readJSON(6)
        XCTAssertEqual(replies[0]["id"] as? String, "x1")
        let signals = try XCTUnwrap(replies[0]["signals"] as? [[String: Any]])
        XCTAssertEqual(signals.map { $0["detector"] as? String }, ["exfil"], "the shadow detector never appears in a verdict")
        XCTAssertEqual(signals.first?["labels"] as? [String], ["data-exfiltration"])
        XCTAssertGreaterThan(signals.first?["score"] as? Double ?? 0, 0.9)
        XCTAssertEqual(replies[1]["type"] as? String, "pong")
        XCTAssertEqual((replies[2]["error"] as? [String: Any])?["code"] as? String, "invalid_json")
        XCTAssertEqual(replies[3]["id"] as? String, "x2")
        XCTAssertEqual((replies[3]["signals"] as? [Any])?.count, 0)
        XCTAssertEqual((replies[4]["error"] as? [String: Any])?["code"] as? String, "line_too_long")
        XCTAssertEqual(replies[5]["id"] as? String, "x4", "a skipped line does not shift later events' results")
        XCTAssertEqual(((replies[5]["signals"] as? [[String: Any]])?.first?["detector"]) as? String, "exfil")
        let row = try status(daemon, "exfil")
        XCTAssertEqual(row["calls"] as? Int, 3)
        XCTAssertEqual(row["fires"] as? Int, 2)
        XCTAssertEqual(row["breaker"] as? String, "closed")
        XCTAssertEqual(daemon.stop(), 0)

        let rows = try DatabaseQueue(path: daemon.databasePath).read { db in
            try Row.fetchAll(db, sql: "SELECT detector, detector_version, mode, evidence FROM signals WHERE event_id = 'x1' ORDER BY detector")
        }
        XCTAssertEqual(rows.map { $0["detector"] as String }, ["exfil", "exfil-trial"])
        XCTAssertEqual(rows.map { $0["detector_version"] as String }, ["0.3.0", "0.4.0-rc1"])
        XCTAssertEqual(rows.map { $0["mode"] as String }, ["enforce", "shadow"])
        XCTAssertTrue((rows.first?["evidence"] as String?)?.contains("pastebin") ?? false)
    }

    func test_childKilledMidStream_noVerdictLost_andSignalsReturnAfterRestart() throws {
        let root = try makeDirectory()
        try writeDetector(root, name: "exfil")
        let daemon = try TestDaemon(detectors: root.appendingPathComponent("detectors").path)
        try daemon.start()
        let first = try XCTUnwrap(try childProcessID(daemon, "exfil"))
        let client = try LineClient(daemon.address)
        var sent = 0
        func round(_ count: Int) throws -> [[String: Any]] {
            let ids = (sent..<(sent + count)).map { "k\($0)" }
            sent += count
            try client.send(lines: ids.map { eventLine(id: $0, account: "acct-\($0)", text: Self.exfiltration) })
            let replies = try client.readJSON(count)
            XCTAssertEqual(replies.map { $0["id"] as? String }, ids, "every verdict, in order")
            return replies
        }
        _ = try round(50)
        // Killed while a burst is being scored: some of it gets no score, none of it loses its verdict.
        let burst = (0..<300).map { "b\($0)" }
        try client.send(lines: burst.map { eventLine(id: $0, account: "burst", text: Self.exfiltration) })
        XCTAssertEqual(kill(first, SIGKILL), 0)
        XCTAssertEqual(try client.readJSON(burst.count).map { $0["id"] as? String }, burst)
        var restarted: Int32?
        XCTAssertTrue(try eventually {
            _ = try round(20)
            restarted = try childProcessID(daemon, "exfil")
            return restarted != nil && restarted != first
        }, "a new child replaces the killed one")
        let after = try round(10)
        XCTAssertTrue(after.allSatisfy { ($0["signals"] as? [[String: Any]])?.first?["detector"] as? String == "exfil" },
                      "signals again after the restart: \(after)")
        let row = try status(daemon, "exfil")
        XCTAssertGreaterThanOrEqual(row["restarts"] as? Int ?? 0, 1)
        XCTAssertTrue((row["last_error"] as? String)?.contains("killed by signal 9") ?? false, "\(row)")
        XCTAssertEqual(daemon.stop(), 0)
    }

    func test_childSlowerThanDeadline_verdictsArriveWithoutItsSignal_andStatusCountsTimeouts() throws {
        let root = try makeDirectory()
        try writeScript(root, name: "slow.py", body: """
        import json, sys, time
        for line in sys.stdin:
            r = json.loads(line)
            time.sleep(1.0)
            sys.stdout.write(json.dumps({"seq": r["seq"], "score": 1.0, "labels": ["slow"]}) + "\\n")
            sys.stdout.flush()
        """)
        try writeDetector(root, name: "slow", script: "../plugins/slow.py", deadline: "100ms")
        let daemon = try TestDaemon(detectors: root.appendingPathComponent("detectors").path)
        try daemon.start()
        let client = try LineClient(daemon.address)
        let started = Date()
        try client.send(lines: (0..<3).map { eventLine(id: "s\($0)", account: "slow-acct", text: "anything") })
        let replies = try client.readJSON(3)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertLessThan(elapsed, 0.6, "one chunk waits one 100 ms deadline, not the child's 1 s per event")
        XCTAssertEqual(replies.map { $0["id"] as? String }, ["s0", "s1", "s2"])
        XCTAssertTrue(replies.allSatisfy { ($0["signals"] as? [Any])?.isEmpty ?? false }, "\(replies)")
        let row = try status(daemon, "slow")
        XCTAssertEqual(row["timeouts"] as? Int, 3)
        XCTAssertTrue((row["last_error"] as? String)?.contains("no reply within 100 ms") ?? false, "\(row)")
        let (_, table, _) = try TestDaemon.cli(["status", "--db", daemon.databasePath])
        XCTAssertTrue(table.contains("slow: pid") && table.contains("breaker closed"), table)
        XCTAssertEqual(daemon.stop(), 0)
    }

    func test_reload_keepsAnUnchangedChild_restartsAChangedOne_andStopsARemovedOne() throws {
        let root = try makeDirectory()
        try writeDetector(root, name: "exfil")
        try FileManager.default.copyItem(atPath: TestPaths.fixtures.appendingPathComponent("detectors/test-rules.yaml").path,
                                         toPath: root.appendingPathComponent("detectors/test-rules.yaml").path)
        let daemon = try TestDaemon(detectors: root.appendingPathComponent("detectors").path)
        try daemon.start()
        let first = try XCTUnwrap(try childProcessID(daemon, "exfil"))

        let rules = root.appendingPathComponent("detectors/test-rules.yaml")
        try (try String(contentsOf: rules, encoding: .utf8)).replacingOccurrences(of: "version: 1.0.0", with: "version: 1.0.1")
            .write(to: rules, atomically: true, encoding: .utf8)
        let (code, _, errors) = try TestDaemon.cli(["reload", "--db", daemon.databasePath])
        XCTAssertEqual(code, 0, errors)
        XCTAssertEqual(try childProcessID(daemon, "exfil"), first, "an unrelated change keeps the same child")
        let client = try LineClient(daemon.address)
        try client.send(eventLine(id: "r1", account: "r", text: Self.exfiltration) + "\n")
        XCTAssertEqual(((try client.readJSON(1)[0]["signals"] as? [[String: Any]])?.first?["detector"]) as? String, "exfil")

        try writeDetector(root, name: "exfil", version: "1.1.0")
        XCTAssertEqual(try TestDaemon.cli(["reload", "--db", daemon.databasePath]).0, 0)
        let second = try XCTUnwrap(try childProcessID(daemon, "exfil"))
        XCTAssertNotEqual(second, first, "a changed detector file starts a new child")
        XCTAssertTrue(eventually { kill(first, 0) != 0 }, "the replaced child is stopped")

        try FileManager.default.removeItem(at: root.appendingPathComponent("detectors/exfil.yaml"))
        XCTAssertEqual(try TestDaemon.cli(["reload", "--db", daemon.databasePath]).0, 0)
        XCTAssertTrue(try status(daemon, "exfil").isEmpty)
        XCTAssertTrue(eventually { kill(second, 0) != 0 }, "a removed detector's child is stopped")
        XCTAssertEqual(daemon.stop(), 0)
    }

    func test_replay_scoresThroughTheProcessDetectorOffline() throws {
        let root = try makeDirectory()
        try writeDetector(root, name: "exfil", version: "0.3.0")
        let daemon = try TestDaemon(detectors: root.appendingPathComponent("detectors").path)
        let input = root.appendingPathComponent("recorded.ndjson")
        try [eventLine(id: "o1", account: "offline", text: Self.exfiltration, extra: "\"ts\":1700000000"),
             eventLine(id: "o2", account: "offline", text: "good morning", extra: "\"ts\":1700000001")]
            .joined(separator: "\n").write(to: input, atomically: true, encoding: .utf8)
        let (code, output, errors) = try TestDaemon.cli(["replay", input.path, "--config", daemon.configPath])
        XCTAssertEqual(code, 0, errors)
        XCTAssertTrue(output.contains("replayed 2 events"), output)
        let rows = try DatabaseQueue(path: daemon.databasePath).read { db in
            try Row.fetchAll(db, sql: "SELECT event_id, detector_version FROM signals WHERE detector = 'exfil'")
        }
        XCTAssertEqual(rows.map { $0["event_id"] as String }, ["o1"])
        XCTAssertEqual(rows.first?["detector_version"] as String?, "0.3.0")
    }

    func test_reload_withAProgramThatCannotStart_isRejectedAndTheRunningChildStays() throws {
        let root = try makeDirectory()
        try writeDetector(root, name: "exfil")
        let daemon = try TestDaemon(detectors: root.appendingPathComponent("detectors").path)
        try daemon.start()
        let first = try XCTUnwrap(try childProcessID(daemon, "exfil"))
        try """
        name: broken
        version: 1.0.0
        description: A program that does not exist.
        kind: process
        severity: low
        command: [./no-such-program]
        """.write(to: root.appendingPathComponent("detectors/broken.yaml"), atomically: true, encoding: .utf8)
        let (code, _, errors) = try TestDaemon.cli(["reload", "--db", daemon.databasePath])
        XCTAssertEqual(code, 1)
        XCTAssertTrue(errors.contains("broken.yaml") && errors.contains("no-such-program"), errors)
        XCTAssertEqual(try childProcessID(daemon, "exfil"), first)
        XCTAssertEqual(daemon.stop(), 0)
    }
}
