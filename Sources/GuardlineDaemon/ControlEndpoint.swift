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
    private final class OpenRequests: Sendable {
        let table = Mutex<[UInt64: ControlRequest]>([:])
    }
    private let open = OpenRequests()

    init(path: String, handle: @escaping @Sendable ([String: Any]) -> [String: Any]) throws(SocketError) {
        self.path = path
        let queue = self.queue
        let open = self.open
        let counter = Atomic<UInt64>(0)
        listener = try Listener(unixPath: path, queue: queue) { fd in
            let id = counter.add(1, ordering: .relaxed).newValue
            let connection = Connection(fd: fd, id: id, queue: queue)
            let request = ControlRequest(handle: handle) { _ in open.table.withLock { _ = $0.removeValue(forKey: id) } }
            connection.delegate = request
            open.table.withLock { $0[id] = request }
            connection.start()
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
    private let onClose: (ControlRequest) -> Void

    init(handle: @escaping @Sendable ([String: Any]) -> [String: Any], onClose: @escaping (ControlRequest) -> Void) {
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
    func connectionClosed(_ connection: Connection) { onClose(self) }
}
