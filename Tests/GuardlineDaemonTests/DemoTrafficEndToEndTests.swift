import Foundation
import XCTest

/// The README's walk-through: the shipped detectors on the shipped demo
/// traffic flag exactly the attacking account, acct-666, and none of the 40
/// ordinary ones. Guards the starter set against changes that over-flag.
final class DemoTrafficEndToEndTests: XCTestCase {
    func test_shippedDetectors_onDemoTraffic_flagOnlyTheAttacker() throws {
        let detectors = TestPaths.packageRoot.appendingPathComponent("config/detectors").path
        let daemon = try TestDaemon(detectors: detectors)
        try daemon.start()
        let lines = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("config/samples/demo-events.ndjson"),
                               encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(lines.count, 300)
        let client = try LineClient(daemon.address)
        try client.send(lines: lines)
        let replies = try client.readJSON(lines.count)
        XCTAssertTrue(replies.allSatisfy { $0["ok"] as? Bool == true }, "every demo event is valid")
        XCTAssertEqual(daemon.stop(), 0)

        let (status, json, errors) = try TestDaemon.cli(["flagged", "--db", daemon.databasePath, "--since", "100000d", "--format", "json"])
        XCTAssertEqual(status, 0, errors)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]], json)
        XCTAssertEqual(rows.map { $0["account_id"] as? String }, ["acct-666"], json)
    }
}
