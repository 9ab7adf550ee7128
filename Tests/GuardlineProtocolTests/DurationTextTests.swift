import XCTest
import GuardlineProtocol

final class DurationTextTests: XCTestCase {
    func test_parseDuration_acceptsEachUnit() throws {
        XCTAssertEqual(try DurationText.seconds("90s"), 90)
        XCTAssertEqual(try DurationText.seconds("15m"), 900)
        XCTAssertEqual(try DurationText.seconds("2h"), 7200)
        XCTAssertEqual(try DurationText.seconds("1d"), 86_400)
        XCTAssertEqual(try DurationText.seconds("2w"), 1_209_600)
    }

    func test_parseDuration_acceptsCombinationsAndDecimals() throws {
        XCTAssertEqual(try DurationText.seconds("1h30m"), 5400)
        XCTAssertEqual(try DurationText.seconds("1d2h3m4s"), 93_784)
        XCTAssertEqual(try DurationText.seconds("1.5h"), 5400)
        XCTAssertEqual(try DurationText.seconds(" 2h "), 7200)
        XCTAssertEqual(try DurationText.seconds("250ms"), 0.25, accuracy: 1e-12)
        XCTAssertEqual(try DurationText.seconds("1m30s"), 90)
    }

    func test_parseDuration_rejectsMalformedInputWithReasons() {
        let cases: [(String, String)] = [
            ("", "empty; use a number and a unit, e.g. 2h or 1h30m"),
            ("15", "missing unit after 15 (use s, m, h, d or w)"),
            ("1ms2ms", "unit 'ms' appears twice"),
            ("2x", "unknown unit 'x' (use s, m, h, d or w)"),
            ("-2h", "unknown unit '-' (use s, m, h, d or w)"),
            ("h", "expected a number before 'h'"),
            ("1h1h", "unit 'h' appears twice"),
            ("1.2.3h", "'1.2.3' is not a number"),
        ]
        for (text, reason) in cases {
            XCTAssertThrowsError(try DurationText.seconds(text)) { error in
                XCTAssertEqual(error as? DurationText.InvalidDuration, DurationText.InvalidDuration(text: text, reason: reason), text)
            }
        }
    }
}
