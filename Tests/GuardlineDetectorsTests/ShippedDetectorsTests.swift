import XCTest
import GuardlineDetectors
import GuardlineProtocol

/// The detector set shipped in config/detectors/: it must load and compile.
final class ShippedDetectorsTests: XCTestCase {
    func test_shippedDirectory_loadsAndCompiles() throws {
        let catalog: DetectorCatalog
        do {
            catalog = try DetectorCatalog.load(directory: ScanSupport.shippedDetectorsDirectory)
        } catch {
            return XCTFail("shipped detectors do not load:\n\(error)")
        }
        let names = catalog.definitions.map(\.name)
        for expected in ["jailbreak", "prompt-injection", "system-prompt-extraction", "secrets", "private-key",
                         "agent-tool-abuse", "reverse-shell", "hidden-text", "refusal-probing", "flagged-burst",
                         "event-rate", "org-spray", "harmful-request", "learned-attack"] {
            XCTAssertTrue(names.contains(expected), "missing \(expected)")
        }
        let engine = try RuleEngine(definitions: catalog.definitions)
        XCTAssertEqual(engine.rules.count, 9)
        XCTAssertGreaterThanOrEqual(engine.patternCount, 100)
        print("shipped detectors: \(catalog.definitions.count) files, \(engine.rules.count) rules detectors, \(engine.patternCount) patterns")
        _ = try RuleScanner(engine: engine)
    }
}
