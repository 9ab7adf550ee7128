import Foundation
import XCTest
import GuardlineDetectors
import GuardlineProtocol

final class DetectorCatalogTests: XCTestCase {
    /// Parses `yaml` expecting failure; returns the diagnostics.
    private func diagnostics(_ yaml: String, path: String = "x.yaml") -> [Diagnostic] {
        do {
            _ = try DetectorCatalog.parse(yaml: yaml, path: path)
            XCTFail("expected the file to be rejected")
            return []
        } catch {
            guard case .invalid(let diagnostics) = error else {
                XCTFail("unexpected error \(error)")
                return []
            }
            return diagnostics
        }
    }

    private func assertDiagnostic(
        _ found: [Diagnostic], line: Int, column: Int, contains text: String, file: StaticString = #filePath, lineNumber: UInt = #line
    ) {
        let match = found.first { $0.line == line && $0.column == column && $0.message.contains(text) }
        XCTAssertNotNil(match, "no diagnostic at \(line):\(column) containing '\(text)'; got:\n\(found.map(\.description).joined(separator: "\n"))",
                        file: file, line: lineNumber)
    }

    func test_parse_validRulesFile_readsEverySetting() throws {
        let yaml = """
        name: demo.rules_1
        version: 2.0.1
        description: Demo detector.
        mode: shadow
        severity: critical
        fields: [text, tool_calls.arguments]
        roles: [user, tool]
        scoring:
          method: sum
          threshold: 0.7
        patterns:
          - id: first
            regex: 'ab+c'
            weight: 0.4
            labels: [one, two, one]
            case_sensitive: true
            fields: [tool_calls.name]
          - literal: "a.b*(c)"
          - regex: 'caf\\xC3\\xA9'
            utf8: true
        """
        let definition = try DetectorCatalog.parse(yaml: yaml, path: "demo.yaml")
        XCTAssertEqual(definition.name, "demo.rules_1")
        XCTAssertEqual(definition.version, "2.0.1")
        XCTAssertEqual(definition.description, "Demo detector.")
        XCTAssertEqual(definition.mode, .shadow)
        XCTAssertEqual(definition.severity, .critical)
        XCTAssertEqual(definition.sourcePath, "demo.yaml")
        XCTAssertEqual(definition.fileHash, DetectorDefinition.fileHash(of: yaml.utf8))
        XCTAssertEqual(definition.fileHash.count, 16)
        guard case .rules(let spec) = definition.kind else { return XCTFail("expected rules") }
        XCTAssertEqual(spec.fields, [.text, .toolCallArguments])
        XCTAssertEqual(spec.roles, [.user, .tool])
        XCTAssertEqual(spec.scoring, .sum)
        XCTAssertEqual(spec.threshold, 0.7)
        XCTAssertEqual(spec.patterns.map(\.id), ["first", "demo.rules_1#1", "demo.rules_1#2"])
        XCTAssertEqual(spec.patterns[0].weight, 0.4)
        XCTAssertEqual(spec.patterns[0].labels, ["one", "two"])
        XCTAssertTrue(spec.patterns[0].caseSensitive)
        XCTAssertEqual(spec.patterns[0].fields, [.toolCallName])
        XCTAssertEqual(spec.patterns[0].line, 13)
        XCTAssertEqual(spec.patterns[0].column, 12)
        XCTAssertEqual(spec.patterns[1].weight, 1)
        XCTAssertTrue(spec.patterns[1].isLiteral)
        XCTAssertEqual(spec.patterns[1].expression, "a\\x2Eb\\x2A\\x28c\\x29")
        XCTAssertFalse(spec.patterns[1].caseSensitive)
        XCTAssertEqual(spec.patterns[1].fields, [.text, .toolCallArguments])
        XCTAssertTrue(spec.patterns[2].utf8)
    }

    func test_parse_defaults_noisyOrHalfThresholdEnforceTextAllRoles() throws {
        let definition = try DetectorCatalog.parse(yaml: """
            name: minimal
            version: "1"
            description: d
            severity: low
            patterns:
              - regex: 'x'
            """, path: "m.yaml")
        XCTAssertEqual(definition.mode, .enforce)
        guard case .rules(let spec) = definition.kind else { return XCTFail("expected rules") }
        XCTAssertEqual(spec.scoring, .noisyOr)
        XCTAssertEqual(spec.threshold, 0.5)
        XCTAssertEqual(spec.fields, [.text])
        XCTAssertNil(spec.roles)
        XCTAssertTrue(Role.allCases.allSatisfy(spec.accepts))
    }

    func test_parse_velocityAndCrossAccount_readDurations() throws {
        let velocity = try DetectorCatalog.parse(yaml: """
            name: v
            version: 1.0.0
            description: d
            kind: velocity
            severity: medium
            metric: refusals
            count: 4
            window: 10m
            score: 0.7
            labels: [refusal_probing]
            """, path: "v.yaml")
        guard case .velocity(let spec) = velocity.kind else { return XCTFail("expected velocity") }
        XCTAssertEqual(spec.metric, .refusals)
        XCTAssertEqual(spec.count, 4)
        XCTAssertEqual(spec.windowSeconds, 600)
        XCTAssertEqual(spec.score, 0.7)
        XCTAssertEqual(spec.labels, ["refusal_probing"])

        let cross = try DetectorCatalog.parse(yaml: """
            name: c
            version: 1.0.0
            description: d
            kind: cross_account
            severity: high
            accounts: 5
            window: 1.5h
            min_text_length: 40
            score: 0.8
            """, path: "c.yaml")
        guard case .crossAccount(let crossSpec) = cross.kind else { return XCTFail("expected cross_account") }
        XCTAssertEqual(crossSpec.accounts, 5)
        XCTAssertEqual(crossSpec.windowSeconds, 5400)
        XCTAssertEqual(crossSpec.minTextLength, 40)
        XCTAssertEqual(crossSpec.labels, [])
    }

    func test_parse_unknownKey_reportsKeyPosition() {
        let found = diagnostics("""
            name: x
            version: 1.0.0
            description: d
            severity: high
            sevirity: low
            patterns:
              - regex: 'a'
                wieght: 0.5
            """)
        assertDiagnostic(found, line: 5, column: 1, contains: "unknown key 'sevirity'")
        assertDiagnostic(found, line: 8, column: 5, contains: "unknown key 'wieght'")
        XCTAssertTrue(found.allSatisfy { $0.path == "x.yaml" })
    }

    func test_parse_velocityWithRuleKey_isUnknownKey() {
        let found = diagnostics("""
            name: v
            version: 1.0.0
            description: d
            kind: velocity
            severity: low
            metric: events
            count: 10
            window: 1m
            score: 0.5
            patterns: []
            """)
        assertDiagnostic(found, line: 10, column: 1, contains: "unknown key 'patterns'")
    }

    func test_parse_badSeverity_reportsValuePosition() {
        let found = diagnostics("""
            name: x
            version: 1.0.0
            description: d
            severity: hgh
            patterns:
              - regex: 'a'
            """)
        assertDiagnostic(found, line: 4, column: 11, contains: "severity must be one of low, medium, high, critical (got 'hgh')")
        XCTAssertEqual(found.first?.description, "x.yaml:4:11: severity must be one of low, medium, high, critical (got 'hgh')")
    }

    func test_parse_missingName_reportsAtDocumentStart() {
        let found = diagnostics("""
            version: 1.0.0
            description: d
            severity: high
            patterns:
              - regex: 'a'
            """)
        assertDiagnostic(found, line: 1, column: 1, contains: "missing required key 'name'")
    }

    func test_parse_badWeight_reportsWeightPosition() {
        let found = diagnostics("""
            name: x
            version: 1.0.0
            description: d
            severity: high
            patterns:
              - id: heavy
                regex: 'a'
                weight: 1.5
              - regex: 'b'
                weight: 0
            """)
        assertDiagnostic(found, line: 8, column: 13, contains: "pattern 'heavy': weight must be in (0.0, 1.0] (got 1.5)")
        assertDiagnostic(found, line: 10, column: 13, contains: "pattern 'x#1': weight must be in (0.0, 1.0]")
    }

    func test_parse_regexThatDoesNotCompile_reportsVectorscanMessageAtRegex() {
        let found = diagnostics("""
            name: x
            version: 1.0.0
            description: d
            severity: high
            patterns:
              - id: ok
                regex: 'fine'
              - id: broken
                regex: '(unclosed'
              - id: empty
                regex: 'a*'
            """)
        assertDiagnostic(found, line: 9, column: 12, contains: "pattern 'broken': regex does not compile: ")
        assertDiagnostic(found, line: 11, column: 12, contains: "pattern 'empty': regex does not compile: pattern can match the empty string")
        XCTAssertEqual(found.count, 2)
    }

    func test_parse_invalidYAML_reportsSyntaxPosition() {
        let found = diagnostics("name: x\nversion: [1.0\ndescription: d\n")
        XCTAssertEqual(found.count, 1)
        XCTAssertTrue(found[0].message.hasPrefix("not valid YAML"), found[0].message)
        XCTAssertGreaterThan(found[0].line, 1)
    }

    func test_parse_badNameAndRoleAndField_reportEach() {
        let found = diagnostics("""
            name: Bad Name
            version: 1.0.0
            description: d
            severity: high
            roles: [user, robot]
            fields: [text, body]
            patterns:
              - regex: 'a'
            """)
        assertDiagnostic(found, line: 1, column: 7, contains: "may only contain")
        assertDiagnostic(found, line: 5, column: 15, contains: "unknown role 'robot'")
        assertDiagnostic(found, line: 6, column: 16, contains: "unknown field 'body'")
    }

    func test_load_duplicateNamesAcrossFiles_namesBothFiles() throws {
        let directory = try makeDirectory([
            "a.yaml": "name: same\nversion: 1.0.0\ndescription: d\nseverity: low\npatterns:\n  - regex: 'a'\n",
            "b.yml": "# comment\nname: same\nversion: 1.0.0\ndescription: d\nseverity: low\npatterns:\n  - regex: 'b'\n",
            "notes.txt": "not a detector",
        ])
        do {
            _ = try DetectorCatalog.load(directory: directory)
            XCTFail("expected duplicate names to be rejected")
        } catch {
            guard case .invalid(let found) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(found.map(\.description), ["\(directory)/b.yml:2:7: detector name 'same' is already defined in \(directory)/a.yaml:1:7"])
        }
    }

    func test_load_collectsErrorsFromAllFiles_andSortsByName() throws {
        let directory = try makeDirectory([
            "b.yaml": "name: b\nversion: 1.0.0\ndescription: d\nseverity: huge\npatterns:\n  - regex: 'a'\n",
            "a.yaml": "name: a\nversion: 1.0.0\ndescription: d\nseverity: low\npatterns:\n  - regex: '('\n",
            "c.yaml": "name: c\nversion: 1.0.0\ndescription: d\nseverity: low\npatterns:\n  - regex: 'ok'\n",
        ])
        do {
            _ = try DetectorCatalog.load(directory: directory)
            XCTFail("expected errors")
        } catch {
            guard case .invalid(let found) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(found.map(\.path), ["\(directory)/a.yaml", "\(directory)/b.yaml"])
        }
        try FileManager.default.removeItem(atPath: directory + "/a.yaml")
        try FileManager.default.removeItem(atPath: directory + "/b.yaml")
        try "name: a\nversion: 1.0.0\ndescription: d\nseverity: low\npatterns:\n  - regex: 'x'\n"
            .write(toFile: directory + "/a.yaml", atomically: true, encoding: .utf8)
        let catalog = try DetectorCatalog.load(directory: directory)
        XCTAssertEqual(catalog.definitions.map(\.name), ["a", "c"])
    }

    func test_ruleEngine_compileErrorAttributedToPatternFileAndLine() {
        let broken = RulePattern(id: "bad", expression: "(unclosed", isLiteral: false, weight: 1, labels: [],
                                 caseSensitive: false, utf8: false, fields: [.text], line: 14, column: 12)
        let fine = RulePattern(id: "good", expression: "fine", isLiteral: false, weight: 1, labels: [],
                               caseSensitive: false, utf8: false, fields: [.text], line: 12, column: 12)
        let definition = DetectorDefinition(
            name: "d", version: "1", description: "d",
            kind: .rules(RuleSpec(fields: [.text], roles: nil, scoring: .max, threshold: 0.5, patterns: [fine, broken])),
            mode: .enforce, severity: .low, sourcePath: "config/detectors/x.yaml", fileHash: "0")
        do {
            _ = try RuleEngine(definitions: [definition])
            XCTFail("expected a compile error")
        } catch {
            guard case .invalid(let found) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(found.count, 1)
            XCTAssertTrue(found[0].description.hasPrefix("config/detectors/x.yaml:14:12: pattern 'bad': regex does not compile: "),
                          found[0].description)
        }
    }

    private func makeDirectory(_ files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "guardline-detectors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        for (name, content) in files {
            try content.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }
}
