import Foundation
import GuardlineTransport

/// `guardline send`: streams NDJSON files to a daemon over one or more
/// connections, reads every verdict, and summarises. Lines are spread over
/// connections by account, so each account's events stay in order.
public struct SendRunner {
    public struct Summary: Sendable {
        public var sent = 0
        public var verdicts = 0
        public var errorsByCode: [String: Int] = [:]
        public var flaggedAccounts: Set<String> = []
        public var seconds = 0.0
    }

    public var address: SocketAddress
    public var connections: Int
    public var progress: (@Sendable (Int, Int) -> Void)?

    /// Shared by the reader and writer threads of every connection.
    private final class Tally: @unchecked Sendable {
        let lock = NSLock()
        var summary = Summary()
        var failure: (any Error)?
    }

    public init(address: SocketAddress, connections: Int, progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.address = address
        self.connections = max(1, connections)
        self.progress = progress
    }

    /// The `account_id` string value of a raw line, found without a full parse.
    static func accountID(of line: Substring) -> Substring? {
        guard let key = line.range(of: "\"account_id\"") else { return nil }
        var rest = line[key.upperBound...].drop { $0 == " " || $0 == ":" }
        guard rest.first == "\"" else { return nil }
        rest = rest.dropFirst()
        return rest.prefix { $0 != "\"" }
    }

    public func run(files: [String]) throws -> Summary {
        var lanes = Array(repeating: [Substring](), count: connections)
        var total = 0
        var texts: [String] = []
        for file in files {
            let text = file == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                                   : try String(contentsOfFile: file, encoding: .utf8)
            texts.append(text)
        }
        for text in texts {
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                let account = Self.accountID(of: line) ?? line
                var hasher = Hasher()
                hasher.combine(account)
                lanes[abs(hasher.finalize() % connections)].append(line)
                total += 1
            }
        }
        let started = Date()
        let lineCount = total
        let tally = Tally()
        tally.summary.sent = total
        let group = DispatchGroup()
        let progress = self.progress
        for lane in lanes where !lane.isEmpty {
            let socket = try ClientSocket(connectingTo: address)
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    var payload = [UInt8]()
                    for line in lane { payload.append(contentsOf: line.utf8); payload.append(0x0A) }
                    try socket.writeAll(payload)
                    socket.shutdownWrite()
                } catch {
                    tally.lock.lock(); tally.failure = error; tally.lock.unlock()
                }
            }
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                var partial: [UInt8] = []
                var index = 0
                while true {
                    let n = (try? buffer.withUnsafeMutableBytes { try socket.read(into: $0) }) ?? 0
                    if n == 0 { break }
                    partial.append(contentsOf: buffer[0..<n])
                    while let newline = partial.firstIndex(of: 0x0A) {
                        let reply = partial[..<newline]
                        let request = index < lane.count ? lane[index] : ""
                        tally.lock.lock()
                        Self.record(reply: Array(reply), request: request, into: &tally.summary)
                        let done = tally.summary.verdicts
                        tally.lock.unlock()
                        partial.removeSubrange(...newline)
                        index += 1
                        if done % 10_000 == 0 { progress?(done, lineCount) }
                    }
                }
            }
        }
        group.wait()
        if let failure = tally.failure { throw failure }
        tally.summary.seconds = Date().timeIntervalSince(started)
        progress?(tally.summary.verdicts, total)
        return tally.summary
    }

    private static func record(reply: [UInt8], request: Substring, into summary: inout Summary) {
        summary.verdicts += 1
        guard let object = try? JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any] else {
            summary.errorsByCode["unreadable_reply", default: 0] += 1
            return
        }
        if object["ok"] as? Bool == false {
            let code = (object["error"] as? [String: Any])?["code"] as? String ?? "unknown"
            summary.errorsByCode[code, default: 0] += 1
        } else if object["flagged"] as? Bool == true, let account = Self.accountID(of: request) {
            summary.flaggedAccounts.insert(String(account))
        }
    }
}
