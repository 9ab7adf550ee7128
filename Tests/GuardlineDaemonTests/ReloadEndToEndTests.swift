import Foundation
import XCTest

/// SIGHUP rebuilds the generation from the files on disk; a broken file keeps
/// the running generation; traffic streams on throughout.
final class ReloadEndToEndTests: XCTestCase {
    private func writeDetector(_ directory: URL, literal: String, version: String) throws {
        try """
        name: reloadable
        version: \(version)
        description: A detector whose phrase changes between reloads.
        severity: high
        scoring:
          method: max
        patterns:
          - literal: \(literal)
            weight: 0.9
            labels: [reloaded]
        """.write(to: directory.appendingPathComponent("reloadable.yaml"), atomically: true, encoding: .utf8)
    }

    func test_sighup_swapsDetectors_andABrokenFileKeepsTheRunningGeneration() throws {
        let detectors = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: detectors, withIntermediateDirectories: true)
        try writeDetector(detectors, literal: "first-phrase", version: "1.0.0")
        let daemon = try TestDaemon(detectors: detectors.path)
        try daemon.start()
        let client = try LineClient(daemon.address)
        var sequence = 0
        func verdict(_ text: String) throws -> [String: Any] {
            sequence += 1
            try client.send(eventLine(id: "r\(sequence)", account: "reload-\(sequence)", text: text) + "\n")
            return try client.readJSON(1)[0]
        }
        func fired(_ reply: [String: Any]) -> [String] {
            (reply["signals"] as? [[String: Any]] ?? []).compactMap { $0["detector"] as? String }
        }
        func waitFor(_ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if try condition() { return true }
                usleep(50_000)
            }
            return false
        }
        XCTAssertEqual(fired(try verdict("say first-phrase")), ["reloadable"])

        try writeDetector(detectors, literal: "second-phrase", version: "2.0.0")
        daemon.process?.signal(SIGHUP)
        XCTAssertTrue(try waitFor { fired(try verdict("say second-phrase")) == ["reloadable"] },
                      "the new generation is used within seconds")
        XCTAssertEqual(fired(try verdict("say first-phrase")), [], "the old pattern is gone")

        try "name: reloadable\nversion: 3\ndescription: broken\nseverity: high\npatterns:\n  - regex: '(unclosed'\n"
            .write(to: detectors.appendingPathComponent("reloadable.yaml"), atomically: true, encoding: .utf8)
        daemon.process?.signal(SIGHUP)
        XCTAssertTrue(waitFor { daemon.process?.log.contains("reload.rejected") ?? false }, daemon.process?.log ?? "")
        XCTAssertTrue(daemon.process?.log.contains("reloadable.yaml:6") ?? false, "the log names file and line")
        XCTAssertEqual(fired(try verdict("say second-phrase")), ["reloadable"], "the running generation stays")
        XCTAssertEqual(daemon.stop(), 0)
        let rows = try TestDaemon.cli(["account", "reload-1", "--db", daemon.databasePath, "--format", "json"]).1
        XCTAssertTrue(rows.contains("\"detector_version\": \"1.0.0\""), rows)
    }

    func test_controlSocket_reloadAndStatus_ownerOnly() throws {
        let detectors = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-control-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: detectors, withIntermediateDirectories: true)
        try writeDetector(detectors, literal: "first-phrase", version: "1.0.0")
        let daemon = try TestDaemon(detectors: detectors.path)
        try daemon.start()
        let socketPath = daemon.directory.appendingPathComponent("guardline.sock").path
        let attributes = try FileManager.default.attributesOfItem(atPath: socketPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "owner-only control socket")

        let (statusCode, statusJSON, _) = try TestDaemon.cli(["status", "--db", daemon.databasePath, "--json"])
        XCTAssertEqual(statusCode, 0)
        let status = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(statusJSON.utf8)) as? [String: Any])
        XCTAssertEqual(status["generation"] as? Int, 1)
        let names = (status["detectors"] as? [[String: Any]] ?? []).map { "\($0["name"] ?? "")@\($0["version"] ?? "")" }
        XCTAssertEqual(names, ["reloadable@1.0.0"])

        try writeDetector(detectors, literal: "second-phrase", version: "2.0.0")
        let (reloadCode, reloadOut, reloadErr) = try TestDaemon.cli(["reload", "--db", daemon.databasePath])
        XCTAssertEqual(reloadCode, 0, reloadErr)
        XCTAssertTrue(reloadOut.contains("generation 2"), reloadOut)
        let client = try LineClient(daemon.address)
        try client.send(eventLine(id: "c1", account: "c", text: "second-phrase") + "\n")
        XCTAssertEqual(((try client.readJSON(1)[0]["signals"] as? [[String: Any]])?.first?["detector"]) as? String, "reloadable")

        try "name: reloadable\nversion: 3\ndescription: broken\nseverity: high\npatterns:\n  - regex: '(unclosed'\n"
            .write(to: detectors.appendingPathComponent("reloadable.yaml"), atomically: true, encoding: .utf8)
        let (failedCode, _, failedErr) = try TestDaemon.cli(["reload", "--db", daemon.databasePath])
        XCTAssertEqual(failedCode, 1)
        XCTAssertTrue(failedErr.contains("reloadable.yaml:6"), failedErr)
        XCTAssertTrue(failedErr.contains("generation 2 keeps running"), failedErr)
        XCTAssertEqual(daemon.stop(), 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: socketPath), "the socket file is removed at stop")
    }
}
