import Foundation
import XCTest

/// `guardline eval --report` rendered by a real browser: the page must load
/// offline, lay out its SVG charts, and paint a full, non-blank screenshot.
final class EvalReportChromiumTests: XCTestCase {
    private static let devEvents = TestPaths.packageRoot.appendingPathComponent("Tests/GuardlineDetectorsTests/Fixtures/dev-events.ndjson")

    func test_evalReport_rendersChartsInHeadlessChromium() throws {
        let chromium = try HeadlessChromium.locate()
        defer { chromium.removeProfile() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        // Ground truth for the account section: an account is malicious when any of its events is an attack.
        var malicious: [String: Bool] = [:]
        for line in try String(contentsOf: Self.devEvents, encoding: .utf8).split(separator: "\n") {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let account = try XCTUnwrap(object["account_id"] as? String)
            malicious[account] = (malicious[account] ?? false) || object["label"] as? String == "attack"
        }
        let truth = directory.appendingPathComponent("accounts.csv")
        try ("account_id,malicious\n" + malicious.map { "\($0.key),\($0.value)" }.joined(separator: "\n"))
            .write(to: truth, atomically: true, encoding: .utf8)

        let report = directory.appendingPathComponent("report.html")
        let (status, _, errors) = try TestDaemon.cli(["eval", Self.devEvents.path, "--config", TestPaths.shippedConfig,
                                                      "--accounts", truth.path, "--report", report.path])
        XCTAssertEqual(status, 0, errors)
        let html = try String(contentsOf: report, encoding: .utf8)
        XCTAssertFalse(html.contains("<script") || html.contains("<link") || html.contains("src="), "the page must be self-contained")

        // The laid-out DOM: 3 overall charts (PR, ROC, category recall) and 3 per detector (scores, PR, ROC).
        let dom = try chromium.dumpDOM(of: report)
        let detectorSections = dom.components(separatedBy: "<section class=\"detector\"").count - 1
        XCTAssertEqual(detectorSections, 10, "the shipped set has 10 content detectors: 9 rules and the learned one")
        XCTAssertEqual(dom.components(separatedBy: "<svg").count - 1, 3 + 3 * detectorSections)
        XCTAssertEqual(dom.components(separatedBy: "<path class=\"curve\"").count - 1, 2 + 4 * detectorSections,
                       "overall PR and ROC, then each detector's and overall's on both of its charts")
        XCTAssertEqual(dom.components(separatedBy: "<rect class=\"bar\"").count - 1, 6 + 20 * detectorSections,
                       "six attack categories, and ten attack and ten benign bins per histogram")
        for title in ["PR curve — overall", "ROC curve — overall", "Recall per category", "PR curve — prompt-injection",
                      "Scores of secrets: attack and benign events", "Accounts (whole pipeline replayed, policy applied)",
                      "FPR ≤ 1 % at threshold"] {
            XCTAssertTrue(dom.contains(title), "missing \(title)")
        }

        let screenshot = directory.appendingPathComponent("report.png")
        try chromium.screenshot(of: report, to: screenshot, width: 1200, height: 2000)
        let png = try Data(contentsOf: screenshot)
        let header = try XCTUnwrap(PNGHeader(png), "not a PNG")
        XCTAssertEqual([header.width, header.height], [1200, 2000])

        // A page with nothing on it, shot the same way: the report must carry far more picture than that.
        let blank = directory.appendingPathComponent("blank.html")
        try "<!DOCTYPE html><html><head><title>blank</title></head><body></body></html>".write(to: blank, atomically: true, encoding: .utf8)
        let blankShot = directory.appendingPathComponent("blank.png")
        try chromium.screenshot(of: blank, to: blankShot, width: 1200, height: 2000)
        let blankSize = try Data(contentsOf: blankShot).count
        XCTAssertGreaterThan(png.count, 50_000)
        XCTAssertGreaterThan(png.count, 5 * blankSize, "report screenshot \(png.count) bytes, blank page \(blankSize) bytes")
    }
}
