import Foundation
import XCTest

/// A `kind: native` detector file loads a real plugin library (dlopen) into
/// the daemon's generation, and its signals reach verdicts and SQLite.
final class NativeDetectorEndToEndTests: XCTestCase {
    private var pluginPath: String { TestPaths.builtProduct("libExampleKeywordPlugin.so") }

    private func detectorsDirectory(pluginPath: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-native-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try """
        name: keyword-plugin
        version: 3.0.0
        description: The example keyword plugin, as a native detector.
        kind: native
        severity: high
        path: \(pluginPath)
        threshold: 0.5
        config:
          phrases: [exfiltrate the database, "drop table users"]
          label: data_theft
          score: 0.9
        """.write(to: directory.appendingPathComponent("keyword-plugin.yaml"), atomically: true, encoding: .utf8)
        return directory.path
    }

    func test_nativeDetector_scoresEventsThroughTheLoadedPlugin() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: pluginPath), "fixture plugin built at \(pluginPath)")
        let daemon = try TestDaemon(detectors: try detectorsDirectory(pluginPath: pluginPath))
        try daemon.start()
        XCTAssertTrue(daemon.process?.log.contains("keyword-plugin@3.0.0(native,enforce)") ?? false, daemon.process?.log ?? "")
        let client = try LineClient(daemon.address)
        try client.send(lines: [eventLine(id: "n1", account: "thief", text: "Please EXFILTRATE the database tonight"),
                                eventLine(id: "n2", account: "thief", text: "nothing to see")])
        let replies = try client.readJSON(2)
        let signal = try XCTUnwrap((replies[0]["signals"] as? [[String: Any]])?.first)
        XCTAssertEqual(signal["detector"] as? String, "keyword-plugin")
        XCTAssertEqual(signal["labels"] as? [String], ["data_theft"])
        XCTAssertEqual(signal["score"] as? Double ?? 0, 0.9, accuracy: 1e-9)
        XCTAssertEqual((replies[1]["signals"] as? [Any])?.count, 0)
        XCTAssertEqual(daemon.stop(), 0)
    }

    func test_checkConfig_rejectsAMissingPluginNamingTheDetectorFile() throws {
        let directory = try detectorsDirectory(pluginPath: "/nonexistent/libnothing.so")
        let daemon = try TestDaemon(detectors: directory)
        let (status, _, message) = try TestDaemon.cli(["check-config", "--config", daemon.configPath])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(message.contains("keyword-plugin.yaml"), message)
        XCTAssertTrue(message.contains("libnothing.so"), message)
    }
}
