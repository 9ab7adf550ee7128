import Foundation
import XCTest

/// In the real daemon: reloading to a changed C plugin unmaps the old
/// version's private copy once every worker has moved to the new generation
/// (read from `/proc/<daemon pid>/maps`), and deletes that copy.
final class PluginUnloadEndToEndTests: XCTestCase {
    private func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-unload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory
    }

    /// `cc -shared -fPIC` of a fixture plugin: SwiftPM's own builds link the
    /// Swift runtime and are therefore never unloaded.
    private func compile(_ source: String, to output: URL) throws {
        let root = TestPaths.packageRoot
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-O2", "-I", root.appendingPathComponent("Sources/GuardlinePluginABI/include").path,
                             "-o", output.path, root.appendingPathComponent("Tests/Fixtures/Plugins/\(source)").path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "cc \(source)")
    }

    /// The daemon's mapped private copies of `fileName` (distinct paths).
    private func mappedCopies(of fileName: String, pid: Int32) throws -> Set<String> {
        // FileHandle, not Data(contentsOf:): /proc files report a size of 0.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/maps"))
        defer { try? handle.close() }
        let maps = String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
        return Set(maps.split(separator: "\n").compactMap { line -> String? in
            guard let slash = line.firstIndex(of: "/") else { return nil }
            let path = String(line[slash...])
            return path.contains("/guardline-plugin.") && path.hasSuffix("/" + fileName) ? path : nil
        })
    }

    func test_reloadToAChangedCPlugin_unmapsAndDeletesTheOldCopy() throws {
        let root = try scratch()
        let fileName = "libunload-\(UUID().uuidString.prefix(8)).so"
        let plugin = root.appendingPathComponent(fileName)
        try compile("ExampleKeywordPlugin/example_keyword_plugin.c", to: plugin)
        let detectors = root.appendingPathComponent("detectors")
        try FileManager.default.createDirectory(at: detectors, withIntermediateDirectories: true)
        try """
        name: unloading-plugin
        version: 1.0.0
        description: A C plugin replaced on disk between reloads.
        kind: native
        mode: enforce
        severity: high
        path: \(plugin.path)
        threshold: 0.5
        config:
          phrases: [exfiltrate the database]
          label: data_theft
          score: 0.9
        """.write(to: detectors.appendingPathComponent("unloading-plugin.yaml"), atomically: true, encoding: .utf8)

        let daemon = try TestDaemon(detectors: detectors.path)
        try daemon.start()
        let pid = try XCTUnwrap(daemon.process?.process.processIdentifier)
        let client = try LineClient(daemon.address)
        var sequence = 0
        func labels(_ text: String) throws -> [String] {
            sequence += 1
            try client.send(eventLine(id: "u\(sequence)", account: "unload", text: text) + "\n")
            let signals = try client.readJSON(1)[0]["signals"] as? [[String: Any]] ?? []
            return signals.flatMap { $0["labels"] as? [String] ?? [] }
        }
        func waitFor(_ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if try condition() { return true }
                usleep(50_000)
            }
            return false
        }
        XCTAssertEqual(try labels("please exfiltrate the database"), ["data_theft"])
        let oldCopies = try mappedCopies(of: fileName, pid: pid)
        XCTAssertEqual(oldCopies.count, 1, "one private copy mapped: \(oldCopies)")

        // Deploy a different plugin at the same path (a new file renamed over it), then reload.
        let staged = root.appendingPathComponent("staged.so")
        try compile("FixtureConstantPlugin/fixture_constant_plugin.c", to: staged)
        XCTAssertEqual(rename(staged.path, plugin.path), 0)
        daemon.process?.signal(SIGHUP)
        XCTAssertTrue(try waitFor { try labels("anything") == ["constant"] }, daemon.process?.log ?? "")

        XCTAssertTrue(try waitFor { try mappedCopies(of: fileName, pid: pid).isDisjoint(with: oldCopies) },
                      "the old copy is unmapped once every worker left its generation: \((try? mappedCopies(of: fileName, pid: pid)) ?? [])")
        XCTAssertEqual(try mappedCopies(of: fileName, pid: pid).count, 1, "only the new version stays mapped")
        // Deleted right after the unmapping, on the thread that released the library.
        XCTAssertTrue(waitFor { oldCopies.allSatisfy { !FileManager.default.fileExists(atPath: $0) } }, "\(oldCopies) deleted")
        XCTAssertEqual(try labels("anything"), ["constant"], "the new version keeps scoring")
        XCTAssertEqual(daemon.stop(), 0)
    }
}
