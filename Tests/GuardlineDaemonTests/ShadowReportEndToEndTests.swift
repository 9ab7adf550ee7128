import Foundation
import XCTest

final class ShadowReportEndToEndTests: XCTestCase {
    func test_shadowReport_comparesWouldBeFlagsWithRealOnes() throws {
        let daemon = try TestDaemon()
        try daemon.start()
        let client = try LineClient(daemon.address)
        try client.send(lines: [
            eventLine(id: "s1", account: "only-shadow", text: "shadow-phrase"),   // test-shadow is critical: would flag
            eventLine(id: "s2", account: "both", text: "shadow-phrase BOOM-CRITICAL"),
            eventLine(id: "s3", account: "only-real", text: "BOOM-CRITICAL"),
        ])
        _ = try client.readLines(3)
        XCTAssertEqual(daemon.stop(), 0)

        let (status, json, errors) = try TestDaemon.cli(["shadow-report", "--db", daemon.databasePath, "--format", "json", "--since", "1h"])
        XCTAssertEqual(status, 0, errors)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let shadow = try XCTUnwrap(rows.first)
        XCTAssertEqual(shadow["detector"] as? String, "test-shadow")
        XCTAssertEqual(shadow["versions"] as? [String], ["0.1.0"])
        XCTAssertEqual(shadow["events"] as? Int, 2)
        XCTAssertEqual(shadow["accounts"] as? Int, 2)
        XCTAssertEqual(shadow["would_flag"] as? [String], ["both", "only-shadow"])
        XCTAssertEqual(shadow["overlap"] as? [String], ["both"])
        XCTAssertEqual(shadow["would_add"] as? [String], ["only-shadow"])
        XCTAssertEqual(shadow["would_miss"] as? [String], ["only-real"])
        XCTAssertEqual((shadow["hourly"] as? [[String: Any]])?.first?["events"] as? Int, 2)

        let (_, table, _) = try TestDaemon.cli(["shadow-report", "--db", daemon.databasePath])
        XCTAssertTrue(table.contains("test-shadow") && table.contains("only-shadow"), table)
    }
}
