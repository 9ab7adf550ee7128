import Foundation
import GuardlineDaemon
import GuardlineTransport
import XCTest

/// Paths of the package under test.
enum TestPaths {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/GuardlineDaemonTests/Fixtures")
    static let shippedConfig = packageRoot.appendingPathComponent("config/guardline.yaml").path

    /// A product SwiftPM built next to the test bundle: the `guardline`
    /// binary, or a fixture plugin library such as `libExampleKeywordPlugin.so`.
    static func builtProduct(_ name: String) -> String {
        for directory in [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()] {
            let path = directory.appendingPathComponent(name).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        return Bundle.main.bundleURL.appendingPathComponent(name).path
    }

    /// The `guardline` binary built next to the test bundle.
    static var executable: String { builtProduct("guardline") }
}

/// A real `guardline serve` process in a scratch directory with the test
/// detectors, on an ephemeral loopback port.
final class TestDaemon {
    let directory: URL
    let configPath: String
    let databasePath: String
    private(set) var process: DaemonProcess?

    init(detectors: String? = nil, extraConfig: String = "") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("guardline-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        databasePath = directory.appendingPathComponent("guardline.db").path
        configPath = directory.appendingPathComponent("guardline.yaml").path
        let detectorsDirectory = detectors ?? TestPaths.fixtures.appendingPathComponent("detectors").path
        let yaml = """
        listen: 127.0.0.1:0
        database: \(databasePath)
        detectors: \(detectorsDirectory)
        metrics_listen: ""
        accounts:
          checkpoint_interval: 1s
        policy:
          half_life: 1h
          flag_threshold: 2.5
        org_policy:
          flagged_accounts: 2
        \(extraConfig)
        """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    @discardableResult
    func start(arguments: [String] = []) throws -> SocketAddress {
        let process = DaemonProcess(executable: TestPaths.executable, arguments: ["--config", configPath] + arguments)
        try process.start()
        self.process = process
        return process.address!
    }

    /// The bound address; a closed port when the daemon failed to start, so tests fail instead of crashing.
    var address: SocketAddress {
        process?.address ?? (try? SocketAddress(host: "127.0.0.1", port: 1))!
    }

    func stop() -> Int32? {
        guard let process else { return nil }
        process.signal(SIGTERM)
        return process.waitForExit(timeout: 30)
    }

    deinit {
        process?.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs the `guardline` CLI and returns (exit status, stdout, stderr).
    static func cli(_ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}

/// A blocking line client over a real loopback socket.
final class LineClient {
    let socket: ClientSocket
    private var buffer: [UInt8] = []

    init(_ address: SocketAddress) throws {
        socket = try ClientSocket(connectingTo: address)
        socket.setReceiveTimeout(seconds: 15)
    }

    func send(_ text: String) throws { try socket.writeAll(text) }

    func send(lines: [String]) throws { try socket.writeAll(lines.map { $0 + "\n" }.joined()) }

    /// Reads exactly `count` reply lines (fails the test on timeout or EOF).
    func readLines(_ count: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        var lines: [String] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while lines.count < count {
            if let newline = buffer.firstIndex(of: 0x0A) {
                lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
                buffer.removeSubrange(...newline)
                continue
            }
            let n = try chunk.withUnsafeMutableBytes { try socket.read(into: $0) }
            if n <= 0 {
                XCTFail("connection ended after \(lines.count) of \(count) replies", file: file, line: line)
                return lines
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
        return lines
    }

    func readJSON(_ count: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try readLines(count, file: file, line: line).map { text in
            guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                XCTFail("reply is not a JSON object: \(text)", file: file, line: line)
                return [:]
            }
            return object
        }
    }
}

/// Builds one event line.
func eventLine(id: String, account: String, org: String? = nil, text: String = "hello", role: String = "user",
               refusal: Bool = false, extra: String = "") -> String {
    var fields = ["\"id\":\"\(id)\"", "\"account_id\":\"\(account)\"", "\"role\":\"\(role)\"", "\"text\":\"\(text)\""]
    if let org { fields.append("\"org_id\":\"\(org)\"") }
    if refusal { fields.append("\"meta\":{\"refusal\":true}") }
    if !extra.isEmpty { fields.append(extra) }
    return "{" + fields.joined(separator: ",") + "}"
}
