import ArgumentParser
import Foundation
import GuardlineTransport

/// `bench --idle-connections N`: what connections that stay open and silent
/// cost the daemon. Production pipelines and log shippers hold many of them;
/// each should cost a little memory and nothing else.
extension Bench {
    /// Opens `count` connections to `address`, checks each is served (one
    /// `ping`, one `pong`), then leaves them silent. The caller keeps them open
    /// through the measured runs and closes them at the end.
    static func openIdleConnections(_ count: Int, to address: SocketAddress, daemonPID: Int32?) throws -> [ClientSocket] {
        try raiseOwnDescriptorLimit(needed: count + 64)
        let rssBefore = daemonPID.flatMap { residentKilobytes(pid: $0) }
        let start = Date()
        var sockets: [ClientSocket] = []
        sockets.reserveCapacity(count)
        let ping = Array(#"{"type":"ping"}"#.utf8) + [0x0A]
        var reply = [UInt8](repeating: 0, count: 256)
        for _ in 0..<count {
            let socket = try ClientSocket(connectingTo: address)
            socket.setReceiveTimeout(seconds: 10)
            try socket.writeAll(ping)
            sockets.append(socket)
        }
        for socket in sockets {
            let n = try reply.withUnsafeMutableBytes { try socket.read(into: $0) }
            guard n > 0, String(decoding: reply[0..<n], as: UTF8.self).contains("pong") else {
                throw ValidationError("an idle connection got no pong from the daemon")
            }
        }
        var line = String(format: "idle connections: %d open, each answered a ping (%.1f s)", count, Date().timeIntervalSince(start))
        if let daemonPID, let rssBefore, let rssAfter = residentKilobytes(pid: daemonPID) {
            line += String(format: "; daemon RSS %.1f → %.1f MB (%.2f KB per connection), %d threads",
                           Double(rssBefore) / 1024, Double(rssAfter) / 1024,
                           Double(rssAfter - rssBefore) / Double(max(1, count)), threadCount(pid: daemonPID) ?? -1)
        }
        print(line)
        return sockets
    }

    /// Lifts this process's descriptor soft limit when the idle connections
    /// need it; refuses clearly when even the hard limit is too low.
    private static func raiseOwnDescriptorLimit(needed: Int) throws {
        let soft = DescriptorLimit.raise(to: needed).soft
        if soft < needed {
            throw ValidationError("--idle-connections needs \(needed) descriptors; this process may open \(soft) (raise `ulimit -n`)")
        }
    }

    /// A field of `/proc/PID/status` such as `VmRSS:\t 57480 kB`, as its first number.
    private static func statusField(_ name: String, pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return Int(line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
        }
        return nil
    }

    static func residentKilobytes(pid: Int32) -> Int? { statusField("VmRSS", pid: pid) }
    static func threadCount(pid: Int32) -> Int? { statusField("Threads", pid: pid) }
}
