import Foundation
import XCTest

/// `guardline plugin new`: the C skeleton compiles with `cc` and loads as a
/// native detector, the Python skeleton runs as a process detector, both in
/// the real daemon; the copied ABI header is the real one.
final class PluginScaffoldTests: XCTestCase {
    private func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-scaffold-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    private func run(_ executable: String, _ arguments: [String], in directory: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func test_cAndPythonSkeletons_buildLoadAndFireInTheDaemon() throws {
        let root = try scratch()
        for language in ["c", "python"] {
            let (code, output, errors) = try TestDaemon.cli(["plugin", "new", "words-\(language)", "--lang", language, "--dir", root.path])
            XCTAssertEqual(code, 0, errors)
            XCTAssertTrue(output.contains("words-\(language).yaml"), output)
        }
        let cDirectory = root.appendingPathComponent("words-c")
        let (ccStatus, ccOutput) = try run("/usr/bin/env", ["cc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror",
                                                            "-o", "libwords-c.so", "words-c.c"], in: cDirectory)
        XCTAssertEqual(ccStatus, 0, "the C skeleton compiles without warnings:\n\(ccOutput)")
        XCTAssertEqual(try String(contentsOf: cDirectory.appendingPathComponent("guardline_plugin.h"), encoding: .utf8),
                       try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Sources/GuardlinePluginABI/include/guardline_plugin.h"),
                                  encoding: .utf8),
                       "the skeleton carries the daemon's own ABI header")

        // Promote both to enforce so their signals show in verdicts.
        let detectors = root.appendingPathComponent("detectors")
        try FileManager.default.createDirectory(at: detectors, withIntermediateDirectories: true)
        for (name, directory) in [("words-c", cDirectory), ("words-python", root.appendingPathComponent("words-python"))] {
            let yaml = try String(contentsOf: directory.appendingPathComponent("\(name).yaml"), encoding: .utf8)
            try yaml.replacingOccurrences(of: "mode: shadow", with: "mode: enforce")
                .write(to: detectors.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let daemon = try TestDaemon(detectors: detectors.path)
        try daemon.start()
        let client = try LineClient(daemon.address)
        // A just-started python3 may still be importing when the first chunk's 50 ms deadline ends.
        var fired: [String] = []
        let end = Date().addingTimeInterval(5)
        while fired != ["words-c", "words-python"] && Date() < end {
            try client.send(lines: [eventLine(id: "w1", account: "w", text: "Please EXFILTRATE the database now"),
                                    eventLine(id: "w2", account: "w", text: "a quiet afternoon")])
            let replies = try client.readJSON(2)
            fired = (replies[0]["signals"] as? [[String: Any]] ?? []).compactMap { $0["detector"] as? String }.sorted()
            XCTAssertEqual((replies[1]["signals"] as? [Any])?.count, 0)
            if fired != ["words-c", "words-python"] { Thread.sleep(forTimeInterval: 0.05) }
        }
        XCTAssertEqual(fired, ["words-c", "words-python"])
        XCTAssertEqual(daemon.stop(), 0)
    }

    func test_swiftSkeleton_isAPackageWithADynamicLibraryAndTheHeader() throws {
        let root = try scratch()
        let (code, _, errors) = try TestDaemon.cli(["plugin", "new", "entropy-two", "--lang", "swift", "--dir", root.path])
        XCTAssertEqual(code, 0, errors)
        let package = try String(contentsOf: root.appendingPathComponent("entropy-two/Package.swift"), encoding: .utf8)
        XCTAssertTrue(package.contains(#".library(name: "EntropyTwo", type: .dynamic, targets: ["EntropyTwo"])"#), package)
        let source = try String(contentsOf: root.appendingPathComponent("entropy-two/Sources/EntropyTwo/Plugin.swift"), encoding: .utf8)
        XCTAssertTrue(source.contains(#"@_cdecl("guardline_plugin_register")"#))
        let yaml = try String(contentsOf: root.appendingPathComponent("entropy-two/entropy-two.yaml"), encoding: .utf8)
        XCTAssertTrue(yaml.contains("path: \(root.standardizedFileURL.path)/entropy-two/.build/release/libEntropyTwo.so"), yaml)
        XCTAssertTrue(FileManager.default.fileExists(
            atPath: root.appendingPathComponent("entropy-two/Sources/GuardlinePluginABI/include/guardline_plugin.h").path))
    }

    func test_pluginNew_refusesAnExistingDirectoryAndAnInvalidName() throws {
        let root = try scratch()
        XCTAssertEqual(try TestDaemon.cli(["plugin", "new", "twice", "--lang", "python", "--dir", root.path]).0, 0)
        let (again, _, againErrors) = try TestDaemon.cli(["plugin", "new", "twice", "--lang", "c", "--dir", root.path])
        XCTAssertNotEqual(again, 0)
        XCTAssertTrue(againErrors.contains("already exists"), againErrors)
        let (invalid, _, invalidErrors) = try TestDaemon.cli(["plugin", "new", "9lives", "--lang", "c", "--dir", root.path])
        XCTAssertNotEqual(invalid, 0)
        XCTAssertTrue(invalidErrors.contains("must start with a letter"), invalidErrors)
    }
}
