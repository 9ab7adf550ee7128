import Foundation
import GuardlineDetectors
import GuardlineProtocol
import XCTest

/// Finds the plugin libraries SwiftPM built for this package and hands out
/// private scratch directories and parsed events for the native plugin tests.
enum NativePluginTestSupport {
    /// Failures of the support code itself: they fail the test, never skip it.
    enum SupportError: Error {
        case notFound(String)
        case unparsable(String)
    }

    /// The built `lib<product>.so`: next to the test bundle first, then in the
    /// package's build directories.
    static func library(_ product: String) throws -> String {
        let fileName = "lib\(product).so"
        var directories = [Bundle.main.bundleURL.path, Bundle.main.bundleURL.deletingLastPathComponent().path]
        directories.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path)
        let root = ScanSupport.packageRoot()
        let builds = (try? FileManager.default.contentsOfDirectory(atPath: root))?.filter { $0.hasPrefix(".build") } ?? []
        directories += builds.sorted().map { "\(root)/\($0)/debug" }
        for directory in directories where FileManager.default.fileExists(atPath: "\(directory)/\(fileName)") {
            return "\(directory)/\(fileName)"
        }
        throw SupportError.notFound("\(fileName) not built; looked in \(directories)")
    }

    /// A fresh 0700 directory under the temporary directory.
    static func privateDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "guardline-plugin-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return path
    }

    /// Copies a built plugin into `directory` under `name`, with `mode`.
    static func copy(_ product: String, to directory: String, as name: String = "plugin.so", mode: Int = 0o755) throws -> String {
        let destination = "\(directory)/\(name)"
        if FileManager.default.fileExists(atPath: destination) { try FileManager.default.removeItem(atPath: destination) }
        try FileManager.default.copyItem(atPath: try library(product), toPath: destination)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: destination)
        return destination
    }

    /// Parses one NDJSON event line with the real parser and passes its view to `body`.
    static func withEvent<Result>(_ line: String, _ body: (EventView) throws -> Result) throws -> Result {
        let parser = EventParser(maxLineLength: 1 << 16)
        var bytes = Array(line.utf8)
        let length = bytes.count
        bytes += [UInt8](repeating: 0, count: 64)
        return try bytes.withUnsafeBytes { raw in
            guard case .event(let view) = parser.parse(UnsafeRawBufferPointer(rebasing: raw[0..<length]), readable: raw.count) else {
                throw SupportError.unparsable(line)
            }
            return try body(view)
        }
    }

    /// An event line with the given text and tool-call arguments.
    static func eventLine(text: String, toolArguments: [String] = []) -> String {
        let calls = toolArguments.map { #"{"name":"shell","arguments":"\#($0)"}"# }.joined(separator: ",")
        return #"{"type":"event","id":"e1","account_id":"acct-1","role":"user","text":"\#(text)","tool_calls":[\#(calls)]}"#
    }

    static let keywordConfig = #"{"phrases": ["ignore previous instructions", "RM -RF /"], "label": "prompt-injection", "score": 0.8}"#
}
