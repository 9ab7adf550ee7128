import Foundation
import GuardlineDetectors
import XCTest

/// `kind: process` in detector files: settings, defaults, path resolution and
/// positioned errors.
final class ProcessDetectorFileTests: XCTestCase {
    private func parse(_ yaml: String, path: String = "/etc/guardline/detectors/exfil.yaml") throws -> ProcessSpec {
        let definition = try DetectorCatalog.parse(yaml: yaml, path: path)
        XCTAssertEqual(definition.kind.name, "process")
        guard case .process(let spec) = definition.kind else { throw XCTSkip("not a process detector") }
        return spec
    }

    private let header = """
    name: exfil
    version: 1.0.0
    description: Out of process.
    kind: process
    severity: high

    """

    func test_parse_readsEverySetting() throws {
        let spec = try parse(header + """
        command: [python3, ../plugins/example_classifier.py, --fast]
        deadline: 80ms
        threshold: 0.7
        max_in_flight: 64
        restart_backoff: 250ms
        breaker: {failures: 5, window: 30s, open_for: 1m}
        labels: [data-exfiltration]
        """)
        XCTAssertEqual(spec.command, ["python3", "../plugins/example_classifier.py", "--fast"])
        XCTAssertEqual(spec.workingDirectory, "/etc/guardline/detectors")
        XCTAssertEqual(spec.deadline, 0.08, accuracy: 1e-9)
        XCTAssertEqual(spec.threshold, 0.7)
        XCTAssertEqual(spec.maxInFlight, 64)
        XCTAssertEqual(spec.restartBackoff, 0.25, accuracy: 1e-9)
        XCTAssertEqual(spec.breakerFailures, 5)
        XCTAssertEqual(spec.breakerWindow, 30)
        XCTAssertEqual(spec.breakerOpenDuration, 60)
        XCTAssertEqual(spec.labels, ["data-exfiltration"])
        let configuration = spec.configuration(name: "exfil")
        XCTAssertEqual(configuration.workingDirectory, "/etc/guardline/detectors")
        XCTAssertEqual(configuration.deadline, 0.08, accuracy: 1e-9)
        XCTAssertEqual(configuration.breakerFailures, 5)
    }

    func test_parse_defaults_andAProgramPathRelativeToTheFile() throws {
        let spec = try parse(header + "command: [bin/classifier, --model, m.bin]\n")
        XCTAssertEqual(spec.command, ["/etc/guardline/detectors/bin/classifier", "--model", "m.bin"])
        XCTAssertEqual(spec.deadline, 0.05, accuracy: 1e-9)
        XCTAssertEqual(spec.threshold, 0.5)
        XCTAssertEqual(spec.maxInFlight, 1024)
        XCTAssertEqual(spec.breakerFailures, 20)
        XCTAssertEqual(spec.labels, [])
        XCTAssertEqual(try parse(header + "command: [python3]\n").command, ["python3"], "a bare program is searched in PATH")
    }

    func test_parse_rejectsBadSettingsAtTheirPosition() {
        let yaml = header + """
        command: []
        deadline: soon
        threshold: 2
        breaker: {failures: 0, wndow: 1s}
        patterns: []
        """
        do {
            _ = try DetectorCatalog.parse(yaml: yaml, path: "exfil.yaml")
            XCTFail("expected the file to be rejected")
        } catch {
            let text = error.description
            for expected in ["exfil.yaml:6:10: command must name a program", "exfil.yaml:7:11: deadline:",
                             "exfil.yaml:8:12: threshold must be in", "exfil.yaml:9:21: breaker.failures must be at least 1",
                             "exfil.yaml:9:24: breaker: unknown key 'wndow'", "exfil.yaml:10:1: detector (kind process): unknown key 'patterns'"] {
                XCTAssertTrue(text.contains(expected), "missing '\(expected)' in:\n\(text)")
            }
        }
        XCTAssertThrowsError(try DetectorCatalog.parse(yaml: header, path: "exfil.yaml")) { error in
            XCTAssertTrue("\(error)".contains("missing required key 'command'"), "\(error)")
        }
    }
}
