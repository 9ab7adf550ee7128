import GuardlineDetectors
import GuardlineProtocol

/// Test helpers that turn Swift strings into the byte views the scanner reads,
/// as the parser would hand them over (the JSON parser is not available to
/// these tests).
enum ScanSupport {
    /// The package root, found from this file's path.
    static func packageRoot(filePath: String = #filePath) -> String {
        var components = filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)  // Tests/GuardlineDetectorsTests/ScanSupport.swift
        return components.joined(separator: "/")
    }

    static var shippedDetectorsDirectory: String { packageRoot() + "/config/detectors" }

    /// The shipped rules, compiled once per test process: in a debug build
    /// the set takes seconds to compile. Tests only read it.
    nonisolated(unsafe) private static var shippedCache: (engine: RuleEngine, scanner: RuleScanner)?

    static func shippedRules() throws -> (engine: RuleEngine, scanner: RuleScanner) {
        if let shippedCache { return shippedCache }
        let catalog = try DetectorCatalog.load(directory: shippedDetectorsDirectory)
        let engine = try RuleEngine(definitions: catalog.ruleDefinitions)
        let compiled = (engine, try RuleScanner(engine: engine))
        shippedCache = compiled
        return compiled
    }

    /// Scans one event given as strings; returns the hits.
    static func scan(
        _ scanner: RuleScanner, text: String, role: Role = .user, toolCalls: [(name: String, arguments: String)] = []
    ) -> [RuleHit] {
        let strings = [text] + toolCalls.flatMap { [$0.name, $0.arguments] }
        let buffers = strings.map { string -> UnsafeMutableBufferPointer<UInt8> in
            let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(string.utf8.count, 1))
            _ = buffer.initialize(from: string.utf8)
            return buffer
        }
        defer { buffers.forEach { $0.deallocate() } }
        let views = zip(buffers, strings).map { Bytes(start: $0.0.baseAddress, count: $0.1.utf8.count) }
        let calls = stride(from: 1, to: views.count, by: 2).map { ToolCallView(name: views[$0], arguments: views[$0 + 1]) }
        var hits: [RuleHit] = []
        scanner.scan(text: views[0], role: role, toolCalls: calls, into: &hits)
        return hits
    }

    /// Names of the detectors that fired.
    static func names(_ hits: [RuleHit], _ engine: RuleEngine) -> [String] {
        hits.map { engine.rules[$0.detectorIndex].name }
    }

    /// A rules detector file with the given patterns block and settings.
    static func rulesYAML(
        name: String = "test-detector", method: String = "noisy_or", threshold: Double = 0.5,
        extra: String = "", patterns: String
    ) -> String {
        """
        name: \(name)
        version: 1.0.0
        description: A detector for tests.
        severity: high
        scoring:
          method: \(method)
          threshold: \(threshold)
        \(extra)
        patterns:
        \(patterns)
        """
    }
}
