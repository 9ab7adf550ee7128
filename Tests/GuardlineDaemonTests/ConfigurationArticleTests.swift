import Foundation
@testable import GuardlineDaemon
import XCTest

/// The Configuration article's key table is generated from `ConfigKeys.all`.
/// After changing a key, regenerate it with
/// `GUARDLINE_WRITE_DOCS=1 swift test --filter ConfigurationArticleTests`.
final class ConfigurationArticleTests: XCTestCase {
    private static let article = TestPaths.packageRoot
        .appendingPathComponent("Sources/GuardlineDaemon/GuardlineDaemon.docc/Configuration.md")

    func test_configurationArticle_holdsTheTableGeneratedFromTheKeyTable() throws {
        let text = try String(contentsOf: Self.article, encoding: .utf8)
        let regenerated = try XCTUnwrap(ConfigKeys.documentationArticle(updating: text),
                                        "Configuration.md lacks the generated-table markers")
        if ProcessInfo.processInfo.environment["GUARDLINE_WRITE_DOCS"] == "1", regenerated != text {
            try regenerated.write(to: Self.article, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertEqual(text, regenerated, """
            Configuration.md does not match ConfigKeys.all; regenerate it with \
            GUARDLINE_WRITE_DOCS=1 swift test --filter ConfigurationArticleTests
            """)
    }

    func test_documentationTable_hasOneRowPerKeyWithItsDefaultAndReloadability() {
        let rows = ConfigKeys.documentationTable().split(separator: "\n").dropFirst(2)
        XCTAssertEqual(rows.count, ConfigKeys.all.count)
        for (row, key) in zip(rows, ConfigKeys.all) {
            let cells = row.split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            XCTAssertEqual(cells[1], "`\(key.name)`")
            XCTAssertEqual(cells[4], key.defaultText.isEmpty ? "`\"\"`" : "`\(key.defaultText)`", key.name)
            XCTAssertEqual(cells[5], key.reloadable ? "yes" : "restart", key.name)
        }
    }

    func test_documentationBounds_areWrittenInTheUnitsTheConfigFileAccepts() {
        XCTAssertEqual(ConfigKey.Kind.duration(0.5...3600).boundsText, "500ms … 1h")
        XCTAssertEqual(ConfigKey.Kind.duration(60...(365 * 86400)).boundsText, "1m … 365d")
        XCTAssertEqual(ConfigKey.Kind.duration(0...86400).boundsText, "0s … 1d")
        XCTAssertEqual(ConfigKey.Kind.number(0.01...1e9).boundsText, "0.01 … 1e9")
        XCTAssertEqual(ConfigKey.Kind.integer(1...64).boundsText, "1 … 64")
        XCTAssertEqual(ConfigKey.Kind.integer(1024...(64 << 20)).boundsText, "1024 … 67,108,864")
        XCTAssertEqual(ConfigKey.Kind.boolean.boundsText, "—")
        XCTAssertEqual(ConfigKey.Kind.choice(["off", "on"]).boundsText, "`off`, `on`")
    }
}
