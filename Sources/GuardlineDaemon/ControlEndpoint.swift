import Dispatch
import Foundation
import GuardlineTransport
import Synchronization

/// The control socket: a Unix domain socket (mode 0600) that takes one JSON
/// command line per connection and answers one JSON line:
/// `{"command":"reload"}` and `{"command":"status"}`. Used by
/// `guardline reload` and `guardline status`.
final class ControlEndpoint: Sendable {
    let path: String
    private let listener: Listener
    private let queue = DispatchQueue(label: "guardline.control-socket")
    private let connections = SideConnections()

    init(path: String, handle: @escaping @Sendable ([String: Any]) -> [String: Any]) throws(SocketError) {
        self.path = path
        let queue = self.queue
        let connections = self.connections
        listener = try Listener(unixPath: path, queue: queue) { fd in
            connections.adopt(fd, queue: queue) { onClose in ControlRequest(handle: handle, onClose: onClose) }
        }
        listener.start()
    }

    func close() { listener.close() }
}

/// One control command: reads a line, runs it, answers, closes.
final class ControlRequest: ConnectionDelegate, @unchecked Sendable {
    private var line: [UInt8] = []
    private var answered = false
    private let handle: @Sendable ([String: Any]) -> [String: Any]
    private let onClose: @Sendable () -> Void

    init(handle: @escaping @Sendable ([String: Any]) -> [String: Any], onClose: @escaping @Sendable () -> Void) {
        self.handle = handle
        self.onClose = onClose
    }

    func connectionReadable(_ connection: Connection) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { connection.read(into: $0) }
        guard n > 0, !answered else { return }
        line.append(contentsOf: chunk[0..<n])
        if line.count > 65536 {
            answer(["ok": false, "error": "command line too long"], on: connection)
        } else if let newline = line.firstIndex(of: 0x0A) {
            let request = (try? JSONSerialization.jsonObject(with: Data(line[..<newline]))) as? [String: Any]
            answer(request.map(handle) ?? ["ok": false, "error": "expected one JSON object, e.g. {\"command\":\"status\"}"], on: connection)
        }
    }

    private func answer(_ reply: [String: Any], on connection: Connection) {
        answered = true
        var data = (try? JSONSerialization.data(withJSONObject: reply, options: [.sortedKeys])) ?? Data("{\"ok\":false}".utf8)
        data.append(0x0A)
        data.withUnsafeBytes { connection.send($0) }
        connection.closeAfterFlush()
    }

    func connectionReachedEndOfInput(_ connection: Connection) {}
    func connectionClosed(_ connection: Connection) { onClose() }
}
