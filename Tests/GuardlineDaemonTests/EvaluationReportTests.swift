import Foundation
@testable import GuardlineDaemon
import XCTest

/// The HTML report without a browser: well-formed markup, escaped user text, exact chart counts.
final class EvaluationReportTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-report-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Labelled events for the test detectors, with a hostile category and file name.
    private func evaluate(category: String, fileName: String) throws -> (EvaluationReport, String) {
        let daemon = try TestDaemon()
        let categoryJSON = String(decoding: try JSONSerialization.data(withJSONObject: [category], options: [.fragmentsAllowed]), as: UTF8.self)
            .dropFirst().dropLast()
        let lines = [
            "{\"id\":\"1\",\"account_id\":\"a\",\"text\":\"attack-phrase\",\"label\":\"attack\",\"category\":\(categoryJSON)}",
            "{\"id\":\"2\",\"account_id\":\"a\",\"text\":\"BOOM-CRITICAL\",\"label\":\"attack\",\"category\":\"other\"}",
            "{\"id\":\"3\",\"account_id\":\"b\",\"text\":\"hello\",\"label\":\"benign\"}",
            "{\"id\":\"4\",\"account_id\":\"b\",\"text\":\"shadow-phrase\",\"label\":\"benign\"}",
        ]
        let file = directory.appendingPathComponent(fileName)
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let evaluation = try Evaluation.run(files: [file.path], configPath: daemon.configPath)
        let report = EvaluationReport(evaluation: evaluation, accounts: nil,
                                      inputs: .init(files: [file.path], configPath: daemon.configPath, accountsPath: nil))
        return (report, report.html())
    }

    func test_report_isWellFormedMarkupWithOneChartSetPerDetector() throws {
        let (report, html) = try evaluate(category: "plain", fileName: "events.ndjson")
        let document = try XMLDocumentSummary(parsing: html)
        XCTAssertEqual(document.rootElement, "html")
        let detectors = report.evaluation.detectors.count
        XCTAssertEqual(detectors, 3, "test-critical, test-high, test-shadow")
        XCTAssertEqual(document.elementCounts["svg"], 3 + 3 * detectors)
        XCTAssertEqual(document.elementCounts["table"], 5 + detectors,
                       "metrics, overall confusion, categories, recall at 0.1 % and at 1 % FPR, one confusion per detector")
        XCTAssertTrue(html.contains("Recall at 1 % benign FPR (0 of 2 benign events may fire)"), "no source, channel or family: no breakdown tables")
        XCTAssertEqual(document.elementCounts["script"], nil)
    }

    func test_report_escapesCategoriesAndFileNames() throws {
        let hostile = "<script>alert(\"x\")</script> & 'co'"
        let (_, html) = try evaluate(category: hostile, fileName: "ev<b>&ents.ndjson")
        XCTAssertFalse(html.contains("<script>"), "user text must never become markup")
        XCTAssertFalse(html.contains("<b>"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"))
        let document = try XMLDocumentSummary(parsing: html)
        XCTAssertTrue(document.text.contains(hostile), "the category reads back as the text it was")
        XCTAssertTrue(document.text.contains("ev<b>&ents.ndjson"))
    }

    func test_wellFormednessCheck_rejectsUnbalancedTagsAndBareAmpersands() {
        XCTAssertThrowsError(try XMLDocumentSummary(parsing: "<html><body><p>text</body></html>"))
        XCTAssertThrowsError(try XMLDocumentSummary(parsing: "<html><body>a & b</body></html>"))
        XCTAssertThrowsError(try XMLDocumentSummary(parsing: "<html><body><p title=\"x>y</p></body></html>"))
        XCTAssertThrowsError(try XMLDocumentSummary(parsing: "<html></html><html></html>"))
        XCTAssertNoThrow(try XMLDocumentSummary(parsing: "<!DOCTYPE html>\n<html><body title=\"a &amp; b\"><br />x &lt; y</body></html>"))
    }

    func test_escape_replacesMarkupAndControlCharacters() {
        XCTAssertEqual(HTMLWriter.escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
        XCTAssertEqual(HTMLWriter.escape("x\u{1}y\tz\n"), "x\u{FFFD}y\tz\n")
        XCTAssertEqual(HTMLWriter.escape("héllo — 日本"), "héllo — 日本")
    }

    func test_histogram_putsScoresInTheBinStartingAtTheirTenth() {
        XCTAssertEqual(ScoreHistogram.bin(of: 0.05), 0)
        XCTAssertEqual(ScoreHistogram.bin(of: 0.3), 3, "0.3 is 0.2999… in binary")
        XCTAssertEqual(ScoreHistogram.bin(of: 0.9), 9)
        XCTAssertEqual(ScoreHistogram.bin(of: 1.0), 9, "the last bin includes 1")
        var histogram = ScoreHistogram()
        histogram.add(attack: true, score: 0.95)
        histogram.add(attack: false, score: 0)
        histogram.add(attack: false, score: 0.5)
        XCTAssertEqual(histogram.attackBins[9], 1)
        XCTAssertEqual(histogram.benignBins[5], 1)
        XCTAssertEqual(histogram.benignNotFired, 1)
        XCTAssertEqual(histogram.attackNotFired, 0)
    }

    func test_rocChart_zoomsToTheLargestMeasuredFalsePositiveRate() {
        let report = EvaluationReport(evaluation: Evaluation(), accounts: nil, inputs: .init(files: [], configPath: nil, accountsPath: nil))
        let sweep = [Evaluation.SweepPoint(threshold: 0.5, truePositiveRate: 0.8, falsePositiveRate: 0.03, precision: 0.9)]
        let chart = report.rocChart(id: "t", title: "t", series: [.init(name: "d", style: .primary, sweep: sweep)])
        XCTAssertEqual(chart.xUpperBound, 0.05)
        let points = chart.series[0].points
        XCTAssertEqual(points.first?.x, 0)
        XCTAssertEqual(points.last?.x, 0.05)
        // On the straight line from (0.03, 0.8) to (1, 1).
        XCTAssertEqual(points.last?.y ?? 0, 0.8 + 0.2 * 0.02 / 0.97, accuracy: 1e-12)
    }

    func test_report_tablesRecallPerSourceChannelAndFamily_withTheirIntervals() throws {
        let daemon = try TestDaemon()
        let lines = [
            "{\"id\":\"1\",\"account_id\":\"a\",\"text\":\"attack-phrase\",\"label\":\"attack\",\"source\":\"alpha\",\"channel\":\"user\",\"family\":\"injection\"}",
            "{\"id\":\"2\",\"account_id\":\"a\",\"text\":\"quiet\",\"label\":\"attack\",\"source\":\"beta\",\"channel\":\"user\",\"family\":\"harmful\"}",
            "{\"id\":\"3\",\"account_id\":\"b\",\"text\":\"hello\",\"label\":\"benign\",\"source\":\"pool\",\"channel\":\"user\",\"family\":\"benign\"}",
        ]
        let file = directory.appendingPathComponent("sources.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        var options = Evaluation.Options()
        options.bootstrapReplicates = 50
        let evaluation = try Evaluation.run(files: [file.path], configPath: daemon.configPath, options: options)
        let html = EvaluationReport(evaluation: evaluation, accounts: nil,
                                    inputs: .init(files: [file.path], configPath: daemon.configPath, accountsPath: nil)).html()
        let document = try XMLDocumentSummary(parsing: html)
        XCTAssertEqual(document.elementCounts["table"], 5 + 3 + 3, "three breakdowns (source, channel, family) after the five summary tables")
        XCTAssertTrue(document.text.contains("Overall result per event source"))
        XCTAssertTrue(document.text.contains("Overall result per event family"))
        // alpha's attack fires (0.9) above the benign event's 0, beta's does not fire at all: recall 1 and 0, pooled 0.5.
        XCTAssertTrue(document.text.contains("alpha111.0001.000 – 1.000"), document.text)
        XCTAssertTrue(document.text.contains("beta100.0000.000 – 0.000"), document.text)
    }
}

/// Reads markup the way the report promises it is written: every tag closed
/// in order (or self-closed), attribute values double-quoted, no `<` outside a
/// tag, and `&` only as one of the five entities the writer produces. Throws,
/// naming the offset, on the first violation. (Foundation's XMLParser on Linux
/// accepts mismatched end tags, so it cannot be the judge.)
private struct XMLDocumentSummary {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var rootElement: String?
    private(set) var elementCounts: [String: Int] = [:]
    /// All text outside tags, entities decoded.
    private(set) var text = ""

    private static let entities = ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'"]

    init(parsing markup: String) throws {
        let characters = Array(markup.unicodeScalars)
        var open: [String] = []
        var index = 0
        func fail(_ reason: String) -> Malformed { Malformed(description: "\(reason) at offset \(index)") }
        while index < characters.count {
            let character = characters[index]
            if character == "&" {
                let rest = String(String.UnicodeScalarView(characters[index..<min(characters.count, index + 6)]))
                guard let (entity, value) = Self.entities.first(where: { rest.hasPrefix($0.key) }) else { throw fail("bare &") }
                text += value
                index += entity.unicodeScalars.count
                continue
            }
            if character == ">" { throw fail("> outside a tag") }
            if character != "<" {
                text.unicodeScalars.append(character)
                index += 1
                continue
            }
            guard let end = characters[index...].firstIndex(of: ">") else { throw fail("unterminated tag") }
            let tag = String(String.UnicodeScalarView(characters[(index + 1)..<end]))
            if tag.hasPrefix("!DOCTYPE") {
                guard rootElement == nil else { throw fail("doctype after the root") }
            } else if tag.hasPrefix("/") {
                guard open.popLast() == String(tag.dropFirst()) else { throw fail("</\(tag.dropFirst())> does not close the open element") }
            } else {
                let name = String(tag.prefix { $0 != " " && $0 != "/" })
                guard !name.isEmpty, !tag.contains("<") else { throw fail("malformed tag <\(tag)>") }
                // Outside quoted values, only names, '=' and spaces: every value is quoted, no quote is left open.
                guard tag.filter({ $0 == "\"" }).count % 2 == 0 else { throw fail("unbalanced quotes in <\(name)>") }
                if rootElement == nil { rootElement = name } else if open.isEmpty { throw fail("second root <\(name)>") }
                elementCounts[name, default: 0] += 1
                if !tag.hasSuffix("/") { open.append(name) }
            }
            index = end + 1
        }
        guard open.isEmpty else { throw Malformed(description: "unclosed elements at the end: \(open)") }
    }
}
