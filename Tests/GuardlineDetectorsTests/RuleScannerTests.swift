import CJSONShim
import XCTest
import GuardlineDetectors
import GuardlineProtocol

final class RuleScannerTests: XCTestCase {
    private func scanner(_ yamls: String...) throws -> (RuleEngine, RuleScanner) {
        let definitions = try yamls.enumerated().map { index, yaml in
            try DetectorCatalog.parse(yaml: yaml, path: "test-\(index).yaml")
        }
        let engine = try RuleEngine(definitions: definitions)
        return (engine, try RuleScanner(engine: engine))
    }

    private let twoWeakPatterns = """
          - id: alpha
            literal: alpha
            weight: 0.3
          - id: beta
            literal: beta
            weight: 0.4
        """

    func test_noisyOr_combinesWeightsAsOneMinusProduct() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(method: "noisy_or", threshold: 0.5, patterns: twoWeakPatterns))
        XCTAssertTrue(ScanSupport.scan(scanner, text: "alpha only").isEmpty)  // 0.3 < 0.5
        XCTAssertTrue(ScanSupport.scan(scanner, text: "beta only").isEmpty)  // 0.4 < 0.5
        let hits = ScanSupport.scan(scanner, text: "alpha and beta")
        XCTAssertEqual(hits.count, 1)
        XCTAssertEqual(hits[0].score, 1 - 0.7 * 0.6, accuracy: 1e-12)  // 0.58
    }

    func test_max_takesLargestWeight() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(method: "max", threshold: 0.35, patterns: twoWeakPatterns))
        XCTAssertTrue(ScanSupport.scan(scanner, text: "alpha").isEmpty)  // 0.3 < 0.35
        XCTAssertEqual(ScanSupport.scan(scanner, text: "beta").first?.score, 0.4)
        XCTAssertEqual(ScanSupport.scan(scanner, text: "alpha beta").first?.score, 0.4)
    }

    func test_sum_addsWeightsCappedAtOne() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(method: "sum", threshold: 0.6, patterns: twoWeakPatterns + """

              - id: gamma
                literal: gamma
                weight: 0.9
            """))
        XCTAssertTrue(ScanSupport.scan(scanner, text: "beta").isEmpty)
        XCTAssertEqual(try XCTUnwrap(ScanSupport.scan(scanner, text: "alpha beta").first?.score), 0.7, accuracy: 1e-12)
        XCTAssertEqual(ScanSupport.scan(scanner, text: "alpha beta gamma").first?.score, 1.0)
    }

    func test_threshold_scoreEqualToThresholdFires() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(method: "max", threshold: 0.4, patterns: twoWeakPatterns))
        XCTAssertEqual(ScanSupport.scan(scanner, text: "beta").count, 1)
        XCTAssertEqual(ScanSupport.scan(scanner, text: "alpha").count, 0)
    }

    func test_scoringMethod_scoreMatchesHandComputation() {
        XCTAssertEqual(ScoringMethod.max.score([0.2, 0.9, 0.5]), 0.9)
        XCTAssertEqual(ScoringMethod.sum.score([0.2, 0.3]), 0.5, accuracy: 1e-12)
        XCTAssertEqual(ScoringMethod.sum.score([0.6, 0.7]), 1.0)
        XCTAssertEqual(ScoringMethod.noisyOr.score([0.5, 0.5]), 0.75, accuracy: 1e-12)
        XCTAssertEqual(ScoringMethod.noisyOr.score([]), 0)
    }

    func test_caseInsensitiveByDefault_caseSensitiveWhenAsked() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(threshold: 0.5, patterns: """
              - regex: 'hello\\s+world'
              - literal: SECRET
                case_sensitive: true
            """))
        XCTAssertEqual(ScanSupport.scan(scanner, text: "HeLLo   WORLD").count, 1)
        XCTAssertEqual(ScanSupport.scan(scanner, text: "a SECRET").count, 1)
        XCTAssertEqual(ScanSupport.scan(scanner, text: "a secret").count, 0)
    }

    func test_literal_matchesMetacharactersAsIs() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(patterns: "  - literal: 'a.b*(c)'"))
        XCTAssertEqual(ScanSupport.scan(scanner, text: "x a.b*(c) y").count, 1)
        XCTAssertEqual(ScanSupport.scan(scanner, text: "x axbbbc y").count, 0)
    }

    func test_roleFilter_skipsEventsOfOtherRoles() throws {
        let (engine, scanner) = try scanner(
            ScanSupport.rulesYAML(name: "tool-only", extra: "roles: [tool]", patterns: "  - literal: payload"),
            ScanSupport.rulesYAML(name: "every-role", patterns: "  - literal: payload"))
        XCTAssertEqual(ScanSupport.names(ScanSupport.scan(scanner, text: "payload", role: .user), engine), ["every-role"])
        XCTAssertEqual(ScanSupport.names(ScanSupport.scan(scanner, text: "payload", role: .tool), engine), ["tool-only", "every-role"])
    }

    func test_toolCallFields_scanOnlyTheFieldsAsked() throws {
        let (engine, scanner) = try scanner(
            ScanSupport.rulesYAML(name: "arguments", extra: "fields: [tool_calls.arguments]", patterns: "  - literal: rm -rf"),
            ScanSupport.rulesYAML(name: "names", extra: "fields: [tool_calls.name]", patterns: "  - literal: delete_all"),
            ScanSupport.rulesYAML(name: "text", patterns: """
                  - literal: rm -rf
                  - literal: delete_all
                    fields: [tool_calls.arguments]
                """))
        XCTAssertEqual(ScanSupport.names(ScanSupport.scan(scanner, text: "what does rm -rf do?"), engine), ["text"])
        let hits = ScanSupport.scan(scanner, text: "ok", role: .assistant,
                                    toolCalls: [("ls", "{}"), ("bash", "{\"command\": \"rm -rf /\"}"), ("delete_all", "{}")])
        XCTAssertEqual(ScanSupport.names(hits, engine), ["arguments", "names"])
        let override = ScanSupport.scan(scanner, text: "delete_all", role: .assistant, toolCalls: [("x", "delete_all please")])
        XCTAssertEqual(ScanSupport.names(override, engine), ["text"])
        XCTAssertEqual(override.first?.evidence, "delete_all please")
    }

    func test_labels_unionInPatternOrderWithoutDuplicates() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(method: "max", patterns: """
              - literal: first
                labels: [b, a]
              - literal: second
                labels: [a, c]
              - literal: third
                labels: [d]
            """))
        // "second" matches before "first" in the text; labels still follow pattern order.
        let hits = ScanSupport.scan(scanner, text: "second then first")
        XCTAssertEqual(hits.first?.labels, ["b", "a", "c"])
    }

    func test_evidence_isAtMost160BytesAroundFirstMatchWithoutNewlines() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(patterns: "  - literal: NEEDLE"))
        let text = String(repeating: "line of filler text\n", count: 30) + "NEEDLE" + String(repeating: " tail", count: 60)
        let evidence = try XCTUnwrap(ScanSupport.scan(scanner, text: text).first?.evidence)
        XCTAssertLessThanOrEqual(evidence.utf8.count, RuleScanner.evidenceLength)
        XCTAssertGreaterThan(evidence.utf8.count, 100)
        XCTAssertTrue(evidence.contains("NEEDLE"))
        XCTAssertFalse(evidence.contains("\n"))
        XCTAssertEqual(ScanSupport.scan(scanner, text: "a NEEDLE\tb").first?.evidence, "a NEEDLE b")
    }

    func test_evidence_cutsOnUTF8Boundaries() {
        let text = Array(String(repeating: "é€😀", count: 100).utf8)
        text.withUnsafeBufferPointer { bytes in
            for end in [0, 1, 2, 3, 150, 151, 152, 153, 700, bytes.count] {
                let snippet = RuleScanner.evidence(in: bytes, aroundEnd: end)
                XCTAssertFalse(snippet.contains("\u{FFFD}"), "cut inside a character for end \(end)")
                XCTAssertLessThanOrEqual(snippet.utf8.count, RuleScanner.evidenceLength)
                // At most three bytes are dropped at each end to stay on character boundaries.
                XCTAssertGreaterThanOrEqual(snippet.utf8.count, RuleScanner.evidenceLength - 6)
            }
        }
    }

    func test_scanner_forgetsMatchesBetweenEvents() throws {
        let (_, scanner) = try scanner(ScanSupport.rulesYAML(patterns: twoWeakPatterns))
        XCTAssertTrue(ScanSupport.scan(scanner, text: "alpha").isEmpty)
        XCTAssertTrue(ScanSupport.scan(scanner, text: "beta").isEmpty)  // alpha must not linger
        XCTAssertEqual(ScanSupport.scan(scanner, text: "beta alpha").count, 1)
        XCTAssertTrue(ScanSupport.scan(scanner, text: "").isEmpty)
    }

    func test_twoScanners_shareOneEngine() throws {
        let (engine, first) = try scanner(ScanSupport.rulesYAML(patterns: "  - literal: shared"))
        let second = try RuleScanner(engine: engine)
        XCTAssertEqual(ScanSupport.scan(first, text: "shared").count, 1)
        XCTAssertEqual(ScanSupport.scan(second, text: "shared").count, 1)
    }

    func test_scanEventView_forwardsTextRoleAndToolCalls() throws {
        let (engine, scanner) = try scanner(
            ScanSupport.rulesYAML(name: "in-text", extra: "roles: [tool]", patterns: "  - literal: marker"),
            ScanSupport.rulesYAML(name: "in-arguments", extra: "fields: [tool_calls.arguments]", patterns: "  - literal: /etc/shadow"))
        let text = Array("tool output with marker".utf8)
        let name = Array("bash".utf8)
        let arguments = Array("cat /etc/shadow".utf8)
        var hits: [RuleHit] = []
        text.withUnsafeBufferPointer { textBytes in
            name.withUnsafeBufferPointer { nameBytes in
                arguments.withUnsafeBufferPointer { argumentBytes in
                    func view(_ bytes: UnsafeBufferPointer<UInt8>) -> gl_str {
                        gl_str(ptr: UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self), len: bytes.count)
                    }
                    var call = gl_tool_call(name: view(nameBytes), arguments: view(argumentBytes))
                    withUnsafePointer(to: &call) { callPointer in
                        var raw = gl_event()
                        raw.type = GL_TYPE_EVENT
                        raw.role = GL_ROLE_TOOL
                        raw.text = view(textBytes)
                        raw.tool_calls = callPointer
                        raw.tool_call_count = 1
                        scanner.scan(EventView(raw: raw), into: &hits)
                    }
                }
            }
        }
        XCTAssertEqual(ScanSupport.names(hits, engine), ["in-text", "in-arguments"])
        XCTAssertEqual(hits.last?.evidence, "cat /etc/shadow")
    }

    func test_engineWithoutRulesDetectors_scansNothing() throws {
        let velocity = try DetectorCatalog.parse(yaml: """
            name: v
            version: 1.0.0
            description: d
            kind: velocity
            severity: low
            metric: events
            count: 5
            window: 30s
            score: 0.5
            """, path: "v.yaml")
        let engine = try RuleEngine(definitions: [velocity])
        XCTAssertTrue(engine.rules.isEmpty)
        XCTAssertTrue(ScanSupport.scan(try RuleScanner(engine: engine), text: "anything").isEmpty)
    }
}
