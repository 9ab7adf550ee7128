import Foundation
import GRDB
import XCTest

/// The daemon persists its per-detector statistics (`detector_stats`), and
/// `shadow-report` turns them into each shadow detector's calls and cost.
final class ShadowLatencyEndToEndTests: XCTestCase {
    private var pluginPath: String { TestPaths.builtProduct("libExampleKeywordPlugin.so") }

    /// The fixture rules detectors (one of them shadow), plus the keyword plugin in shadow mode.
    private func detectorsDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-latency-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["test-rules.yaml", "test-shadow.yaml", "test-critical.yaml"] {
            try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("detectors/\(name)"),
                                             to: directory.appendingPathComponent(name))
        }
        try """
        name: shadow-plugin
        version: 0.2.0
        description: The example keyword plugin, in shadow mode.
        kind: native
        mode: shadow
        severity: high
        path: \(pluginPath)
        threshold: 0.5
        config:
          phrases: [exfiltrate the database]
          label: data_theft
          score: 0.9
        """.write(to: directory.appendingPathComponent("shadow-plugin.yaml"), atomically: true, encoding: .utf8)
        return directory.path
    }

    func test_shadowReport_showsCallsAndLatencyOfShadowDetectorsAfterARealRun() throws {
        let daemon = try TestDaemon(detectors: try detectorsDirectory())
        try daemon.start()
        let client = try LineClient(daemon.address)
        // Workers time every 16th event: 64 events give each detector four timed calls.
        let lines = (0..<64).map { index in
            eventLine(id: "e\(index)", account: "acct-\(index % 4)", text: index == 5 ? "exfiltrate the database, shadow-phrase" : "hello there")
        }
        try client.send(lines: lines)
        _ = try client.readLines(lines.count)
        XCTAssertEqual(daemon.stop(), 0)

        let queue = try DatabaseQueue(path: daemon.databasePath)
        let persisted = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT detector, mode, kind, SUM(calls) AS calls FROM detector_stats GROUP BY detector ORDER BY detector")
        }
        try queue.close()
        XCTAssertEqual(persisted.map { $0["detector"] as String }, ["shadow-plugin", "test-critical", "test-high", "test-shadow"])
        XCTAssertEqual(persisted.map { $0["calls"] as Int }, [64, 64, 64, 64], "every event scored by every detector, written once")

        let (status, json, errors) = try TestDaemon.cli(["shadow-report", "--db", daemon.databasePath, "--format", "json", "--since", "1h"])
        XCTAssertEqual(status, 0, errors)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["detector"] as? String }, ["shadow-plugin", "test-shadow"])
        let plugin = rows[0], rules = rows[1]
        XCTAssertEqual(plugin["calls"] as? Int, 64)
        XCTAssertEqual(plugin["latency_timed_calls"] as? Int, 4)
        XCTAssertGreaterThan(plugin["latency_mean_us"] as? Double ?? 0, 0)
        XCTAssertGreaterThanOrEqual(plugin["latency_max_us"] as? Double ?? 0, plugin["latency_mean_us"] as? Double ?? .infinity)
        XCTAssertEqual(plugin["added_us"] as? Double, plugin["latency_mean_us"] as? Double)
        XCTAssertGreaterThan(plugin["enforcing_us"] as? Double ?? 0, 0, "the enforcing rules scan was timed")
        XCTAssertEqual(plugin["events"] as? Int, 1)
        XCTAssertEqual(rules["calls"] as? Int, 64)
        XCTAssertGreaterThan(rules["latency_mean_us"] as? Double ?? 0, 0)
        XCTAssertEqual(rules["latency_shared_rule_scan"] as? Bool, true)
        XCTAssertTrue(rules["added_us"] is NSNull)

        let (_, table, _) = try TestDaemon.cli(["shadow-report", "--db", daemon.databasePath])
        XCTAssertTrue(table.contains("us/event") && table.contains("in shared scan") && table.contains("enforcing detectors:"), table)
    }
}
