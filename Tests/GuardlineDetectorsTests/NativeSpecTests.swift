import XCTest
@testable import GuardlineDetectors

final class NativeSpecTests: XCTestCase {
    func test_parse_nativeDetector_resolvesPathNextToTheFile_andTurnsConfigIntoJSON() throws {
        let definition = try DetectorCatalog.parse(yaml: """
            name: kw
            version: 1.0.0
            description: keyword plugin
            kind: native
            severity: medium
            mode: shadow
            path: plugins/libkw.so
            threshold: 0.7
            config:
              phrases: [a, "b \\"c\\""]
              score: 0.9
              enabled: true
              note: null
              limit: 3
            """, path: "/etc/guardline/detectors/kw.yaml")
        guard case .native(let spec) = definition.kind else { return XCTFail("kind \(definition.kind.name)") }
        XCTAssertEqual(spec.path, "/etc/guardline/detectors/plugins/libkw.so")
        XCTAssertEqual(spec.threshold, 0.7)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(spec.configJSON.utf8)) as? [String: Any])
        XCTAssertEqual(object["phrases"] as? [String], ["a", "b \"c\""])
        XCTAssertEqual(object["score"] as? Double, 0.9)
        XCTAssertEqual(object["enabled"] as? Bool, true)
        XCTAssertEqual(object["limit"] as? Int, 3)
        XCTAssertTrue(object["note"] is NSNull)
        XCTAssertEqual(definition.mode, .shadow)
    }

    func test_parse_nativeDetectorWithoutPath_isReportedAtTheFile() {
        XCTAssertThrowsError(try DetectorCatalog.parse(yaml: """
            name: kw
            version: 1.0.0
            description: keyword plugin
            kind: native
            severity: medium
            patterns: []
            """, path: "kw.yaml")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("kw.yaml:"), text)
            XCTAssertTrue(text.contains("path") || text.contains("patterns"), text)
        }
    }
}
