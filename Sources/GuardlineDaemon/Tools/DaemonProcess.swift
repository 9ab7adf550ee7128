import Foundation
import GuardlineTransport

/// A `guardline serve` child process: used by `guardline bench` when no
/// daemon is named, and by the end-to-end tests. Real process, real signals.
public final class DaemonProcess: @unchecked Sendable {
    public let process = Process()
    public private(set) var address: SocketAddress?
    public private(set) var metricsAddress: String?
    private let stderrPipe = Pipe()
    private let lock = NSLock()
    private var logLines: [String] = []
    private var started = DispatchSemaphore(value: 0)
    private var partial = Data()

    /// - Parameters:
    ///   - executable: path of the `guardline` binary.
    ///   - arguments: arguments after `serve`.
    public init(executable: String, arguments: [String], environment: [String: String]? = nil) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve"] + arguments
        if let environment { process.environment = environment }
        process.standardError = stderrPipe
        process.standardOutput = FileHandle.nullDevice
    }

    /// Starts the process and waits for its start line; throws with its log if it fails.
    public func start(timeout: Double = 30) throws {
        stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock()
            self.partial.append(data)
            while let newline = self.partial.firstIndex(of: 0x0A) {
                let line = String(decoding: self.partial[self.partial.startIndex..<newline], as: UTF8.self)
                self.partial.removeSubrange(self.partial.startIndex...newline)
                self.logLines.append(line)
                if line.contains("guardline.started") {
                    if let value = Self.field("listen", in: line) { self.address = try? SocketAddress(parsing: value) }
                    self.metricsAddress = Self.field("metrics", in: line)
                    self.started.signal()
                }
            }
            self.lock.unlock()
        }
        process.terminationHandler = { [weak self] _ in self?.started.signal() }
        try process.run()
        _ = started.wait(timeout: .now() + timeout)
        guard address != nil, process.isRunning else {
            throw DaemonProcessError.failedToStart(log: log)
        }
    }

    /// Everything the daemon logged so far.
    public var log: String {
        lock.lock()
        defer { lock.unlock() }
        return logLines.joined(separator: "\n")
    }

    /// Sends a signal (SIGTERM for a graceful stop, SIGHUP to reload).
    public func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// Waits for exit and returns the exit status.
    @discardableResult
    public func waitForExit(timeout: Double = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { return nil }
        usleep(50_000)  // let the stderr handler drain the last lines
        return process.terminationStatus
    }

    /// SIGTERM and wait; SIGKILL if it does not go.
    public func stop() {
        guard process.isRunning else { return }
        signal(SIGTERM)
        if waitForExit(timeout: 20) == nil {
            signal(SIGKILL)
            _ = waitForExit(timeout: 5)
        }
    }

    /// Extracts `key=value` from a swift-log line (values may be quoted-free up to the next space).
    static func field(_ key: String, in line: String) -> String? {
        guard let range = line.range(of: " \(key)=") else { return nil }
        let rest = line[range.upperBound...]
        let value = rest.prefix { $0 != " " }
        return value.isEmpty ? nil : String(value)
    }

    public enum DaemonProcessError: Error, CustomStringConvertible {
        case failedToStart(log: String)
        public var description: String {
            switch self {
            case .failedToStart(let log): "guardline serve did not start:\n\(log)"
            }
        }
    }
}
