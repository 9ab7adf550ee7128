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

        let probe = try LineClient(daemon.address)
        try probe.send(lines: [eventLine(id: "p1", account: "p", text: "first-phrase"), eventLine(id: "p2", account: "p")])
        _ = try probe.readLines(2)
        let (_, countsJSON, _) = try TestDaemon.cli(["status", "--db", daemon.databasePath, "--json"])
        let counts = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(countsJSON.utf8)) as? [String: Any])
        let reloadable = try XCTUnwrap((counts["detectors"] as? [[String: Any]])?.first)
        XCTAssertEqual(reloadable["calls"] as? Int, 2)
        XCTAssertEqual(reloadable["fires"] as? Int, 1)
        XCTAssertEqual(reloadable["errors"] as? Int, 0)
        let (tableCode, table, _) = try TestDaemon.cli(["status", "--db", daemon.databasePath])
        XCTAssertEqual(tableCode, 0)
        XCTAssertTrue(table.contains("reloadable") && table.contains("fires"), table)

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

    func test_fileChanges_arePickedUpWithoutASignal_includingAConfigMapSymlinkSwap() throws {
        let fm = FileManager.default
        let detectors = fm.temporaryDirectory.appendingPathComponent("guardline-watch-\(UUID().uuidString)")
        // The layout Kubernetes gives a mounted ConfigMap: files are symlinks through `..data`.
        let v1 = detectors.appendingPathComponent("..v1")
        try fm.createDirectory(at: v1, withIntermediateDirectories: true)
        try writeDetector(v1, literal: "alpha-phrase", version: "1.0.0")
        try fm.createSymbolicLink(atPath: detectors.appendingPathComponent("..data").path, withDestinationPath: "..v1")
        try fm.createSymbolicLink(atPath: detectors.appendingPathComponent("reloadable.yaml").path,
                                  withDestinationPath: "..data/reloadable.yaml")
        let daemon = try TestDaemon(detectors: detectors.path)
        try daemon.start()
        let client = try LineClient(daemon.address)
        var sequence = 0
        func fires(_ text: String) throws -> Bool {
            sequence += 1
            try client.send(eventLine(id: "w\(sequence)", account: "w", text: text) + "\n")
            return !((try client.readJSON(1)[0]["signals"] as? [Any]) ?? []).isEmpty
        }
        func eventually(_ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if try condition() { return true }
                usleep(50_000)
            }
            return false
        }
        XCTAssertTrue(try fires("alpha-phrase"))

        // A ConfigMap update: new version directory, then an atomic rename of the `..data` link.
        let v2 = detectors.appendingPathComponent("..v2")
        try fm.createDirectory(at: v2, withIntermediateDirectories: true)
        try writeDetector(v2, literal: "beta-phrase", version: "2.0.0")
        try fm.createSymbolicLink(atPath: detectors.appendingPathComponent("..data_tmp").path, withDestinationPath: "..v2")
        XCTAssertEqual(rename(detectors.appendingPathComponent("..data_tmp").path, detectors.appendingPathComponent("..data").path), 0)
        XCTAssertTrue(try eventually { try fires("beta-phrase") }, "the symlink swap is picked up; log:\n\(daemon.process?.log ?? "")")

        // An editor's save: write a new file and rename it over the old one.
        try fm.removeItem(at: detectors.appendingPathComponent("reloadable.yaml"))
        try writeDetector(detectors, literal: "gamma-phrase", version: "3.0.0")
        XCTAssertTrue(try eventually { try fires("gamma-phrase") }, "the write-and-rename is picked up")
        XCTAssertFalse(try fires("beta-phrase"))
        XCTAssertTrue(daemon.process?.log.contains("trigger=file change") ?? false)
        XCTAssertEqual(daemon.stop(), 0)
    }
}
