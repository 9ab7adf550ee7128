import GuardlineDetectors
import XCTest

/// The Swift example plugin (`@_cdecl` registration), loaded through real dlopen.
final class SwiftPluginTests: XCTestCase {
    typealias Support = NativePluginTestSupport

    private func context(_ config: String = "{}") throws -> NativePluginContext {
        try NativePlugin.load(path: try Support.library("ExampleEntropyPlugin"), config: config).makeContext()
    }

    func test_swiftPlugin_registersWithItsNameVersionAndABI() throws {
        let plugin = try NativePlugin.load(path: try Support.library("ExampleEntropyPlugin"), config: "{}")
        XCTAssertEqual(plugin.name, "entropy-secrets")
        XCTAssertEqual(plugin.version, "1.0.0")
        XCTAssertEqual("\(plugin.abiMajor).\(plugin.abiMinor)", NativePlugin.daemonABI)
    }

    func test_swiftPlugin_flagsARandomLookingTokenWithoutRepeatingIt() throws {
        let token = "q8Zr4Lk2Vw9Xp7Tn3Bs6Md1Hf5Jc0Ye"
        let result = try Support.withEvent(Support.eventLine(text: "here is the key \(token) thanks")) {
            try context().score(event: $0)
        }
        XCTAssertEqual(result.score, 0.7)
        XCTAssertEqual(result.labels, ["high_entropy_secret"])
        XCTAssertTrue(result.evidence.hasPrefix("q8Zr…"), result.evidence)
        XCTAssertFalse(result.evidence.contains(token), "evidence never repeats the secret")
    }

    func test_swiftPlugin_looksInToolArguments_andHonoursItsConfig() throws {
        let token = "Zx81Qw73Er65Ty49Ui27Op05As93Df"
        let line = Support.eventLine(text: "deploying", toolArguments: ["--token=\(token)"])
        let result = try Support.withEvent(line) {
            try context(#"{"score": 0.9, "label": "leaked_token"}"#).score(event: $0)
        }
        XCTAssertEqual(result.score, 0.9)
        XCTAssertEqual(result.labels, ["leaked_token"])
        XCTAssertTrue(result.evidence.contains("tool_calls[0].arguments"), result.evidence)
    }

    func test_swiftPlugin_ignoresOrdinaryTextAndLowEntropyIdentifiers() throws {
        for text in ["The quick brown fox jumps over the lazy dog, twice.",
                     "see internationalization_and_localization_guidelines_2024",
                     "build id 00000000000000000000000000000001"] {
            let result = try Support.withEvent(Support.eventLine(text: text)) { try context().score(event: $0) }
            XCTAssertEqual(result, .nothing, text)
        }
    }

    func test_swiftPlugin_rejectsABadConfigWithItsOwnMessage() throws {
        XCTAssertThrowsError(try NativePlugin.load(path: try Support.library("ExampleEntropyPlugin"), config: #"{"min_length": 2}"#)) {
            XCTAssertTrue("\($0)".contains("min_length must be an integer >= 8"), "\($0)")
        }
    }
}
