import XCTest
@testable import GuardlineDetectors
import GuardlineProtocol

/// `[class]{N,}` patterns leave Vectorscan for `ByteRunPattern`: they must
/// match exactly where Vectorscan would.
final class ByteRunPatternTests: XCTestCase {
    func test_recognise_acceptsPlainClassRepeatsOnly() {
        let accepted = ["[A-Za-z0-9+/]{200,}", "[0-9a-f]{32}", "[\\d]{8,12}", "[\\w\\-]{20,}", "[-a-z]{9,}", "[\\x21-\\x7E]{40,}"]
        for expression in accepted {
            XCTAssertNotNil(ByteRunPattern.recognise(expression, caseSensitive: true, utf8: false), expression)
        }
        let rejected = [
            "[A-Z]{7,}",  // too short to be worth it
            "[^a-z]{20,}",  // negated
            "[\\s]{20,}",  // \s differs between engines
            "(?:[a-z]){20,}",  // not the bare shape
            "[a-z]{20,}x",  // something after
            "[a-z]+",  // no bound
            "[z-a]{20,}",  // empty range
            "[a-z]{30,20}",  // maximum below minimum
            "[[:alpha:]]{20,}",  // POSIX class
            "[é]{20,}",  // non-ASCII
        ]
        for expression in rejected {
            XCTAssertNil(ByteRunPattern.recognise(expression, caseSensitive: true, utf8: false), expression)
        }
        XCTAssertNil(ByteRunPattern.recognise("[\\w]{20,}", caseSensitive: true, utf8: true), "\\w is Unicode-aware in UTF-8 mode")
        XCTAssertNil(ByteRunPattern.recognise("[\\d]{20,}", caseSensitive: true, utf8: true), "\\d is Unicode-aware in UTF-8 mode")
        XCTAssertNil(ByteRunPattern.recognise("[a-z]{20,}", caseSensitive: false, utf8: true), "caseless UCP letters reach beyond ASCII")
        XCTAssertNotNil(ByteRunPattern.recognise("[a-z0-9]{20,}", caseSensitive: true, utf8: true))
        XCTAssertNil(ByteRunPattern.recognise("[\\xC3]{20,}", caseSensitive: true, utf8: true))
    }

    func test_recognise_classMembersIncludingEscapesRangesAndCase() throws {
        let pattern = try XCTUnwrap(ByteRunPattern.recognise("[a-c\\-+\\x7E]{8,}", caseSensitive: false, utf8: false))
        for byte in Array("abcABC-+~".utf8) { XCTAssertTrue(pattern.contains(byte), String(UnicodeScalar(byte))) }
        for byte in Array("dD/ \\x".utf8) { XCTAssertFalse(pattern.contains(byte), String(UnicodeScalar(byte))) }
        let sensitive = try XCTUnwrap(ByteRunPattern.recognise("[a-c]{8,}", caseSensitive: true, utf8: false))
        XCTAssertFalse(sensitive.contains(UInt8(ascii: "A")))
    }

    func test_engine_routesRunPatternsAwayFromVectorscan() throws {
        let definition = try DetectorCatalog.parse(yaml: Self.yaml(name: "blob", regex: "[A-Za-z0-9+/]{200,}"), path: "blob.yaml")
        let engine = try RuleEngine(definitions: [definition])
        XCTAssertEqual(engine.runPatterns[DetectorField.text.index][Int(Role.user.rawValue)].count, 1)
        XCTAssertTrue(engine.distinctDatabases.isEmpty, "the only pattern needs no Vectorscan database")
        let scanner = try RuleScanner(engine: engine)
        XCTAssertEqual(ScanSupport.scan(scanner, text: "blob: " + String(repeating: "QUJD", count: 50) + " end").count, 1)
        XCTAssertEqual(ScanSupport.scan(scanner, text: String(repeating: "QUJD", count: 49) + "QUJ").count, 0)
    }

    /// Random fields of run bytes and separators; each detector pair (one
    /// routed to `ByteRunPattern`, one the same class wrapped in a group so
    /// Vectorscan keeps it) must fire together with the same evidence, which
    /// is cut around the first match's end offset.
    func test_firstMatch_agreesWithVectorscanOnRandomInput() throws {
        let shapes: [(regex: String, caseSensitive: Bool)] = [
            ("[A-Za-z0-9+/]{200,}", true), ("[0-9a-f]{13,}", false), ("[xy]{8}", true), ("[A-Z_]{20,40}", true),
        ]
        var yamls: [String] = []
        for (index, shape) in shapes.enumerated() {
            yamls.append(Self.yaml(name: "run-\(index)", regex: shape.regex, caseSensitive: shape.caseSensitive))
            let grouped = "(?:" + shape.regex.replacingOccurrences(of: "]{", with: "]){")
            yamls.append(Self.yaml(name: "hs-\(index)", regex: grouped, caseSensitive: shape.caseSensitive))
        }
        let definitions = try yamls.enumerated().map { try DetectorCatalog.parse(yaml: $0.element, path: "t\($0.offset).yaml") }
        let engine = try RuleEngine(definitions: definitions)
        XCTAssertEqual(engine.runPatterns[DetectorField.text.index][Int(Role.user.rawValue)].count, shapes.count)
        let scanner = try RuleScanner(engine: engine)

        var random = SplitMix64(seed: 7)
        let alphabets: [[UInt8]] = [Array("ABCDxyz019+/_".utf8), Array("0123456789abcdefABCDEF".utf8), Array("xy".utf8)]
        var fired = 0
        for _ in 0..<3_000 {
            let alphabet = alphabets[Int(random.next() % UInt64(alphabets.count))]
            let separatorOdds = [2, 10, 60, 400][Int(random.next() % 4)]
            let length = Int(random.next() % 700)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                bytes.append(random.next() % UInt64(separatorOdds) == 0
                    ? Array(" .\n-é".utf8)[Int(random.next() % 5)]
                    : alphabet[Int(random.next() % UInt64(alphabet.count))])
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let hits = ScanSupport.scan(scanner, text: text)
            let byName = Dictionary(uniqueKeysWithValues: hits.map { (engine.rules[$0.detectorIndex].name, $0.evidence) })
            for index in shapes.indices {
                XCTAssertEqual(byName["run-\(index)"], byName["hs-\(index)"], "shape \(shapes[index].regex) on \(text)")
                if byName["run-\(index)"] != nil { fired += 1 }
            }
        }
        XCTAssertGreaterThan(fired, 500, "the random input must exercise matches, not only misses")
    }

    private static func yaml(name: String, regex: String, caseSensitive: Bool = true) -> String {
        ScanSupport.rulesYAML(name: name, method: "max", threshold: 0.5, patterns: """
              - id: run
                regex: '\(regex)'
                case_sensitive: \(caseSensitive)
                weight: 0.9
            """)
    }
}
