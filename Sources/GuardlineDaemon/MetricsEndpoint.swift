import Dispatch
import GuardlineTransport
import Synchronization

/// A deliberately tiny HTTP/1.1 endpoint: `GET /metrics` returns the
/// Prometheus text exposition, anything else 404; one request per
/// connection. Scrapes are rare, so this runs on its own queue, far from
/// the event path.
final class MetricsEndpoint: Sendable {
    let address: SocketAddress
    private let listener: Listener
    private let queue = DispatchQueue(label: "guardline.metrics")
    private let connections = SideConnections()

    init(address: SocketAddress, metrics: DaemonMetrics) throws(SocketError) {
        let queue = self.queue
        let connections = self.connections
        listener = try Listener(address: address, queue: queue) { fd in
            connections.adopt(fd, queue: queue) { onClose in MetricsRequest(metrics: metrics, onClose: onClose) }
        }
        self.address = listener.address
        listener.start()
    }

    func close() { listener.close() }
}

/// One scrape: reads the request head, answers, closes.
final class MetricsRequest: ConnectionDelegate, @unchecked Sendable {
    private let metrics: DaemonMetrics
    private var head: [UInt8] = []
    private var answered = false
    private let onClose: @Sendable () -> Void

    init(metrics: DaemonMetrics, onClose: @escaping @Sendable () -> Void) {
        self.metrics = metrics
        self.onClose = onClose
    }

    func connectionReadable(_ connection: Connection) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = chunk.withUnsafeMutableBytes { connection.read(into: $0) }
        guard n > 0, !answered else { return }
        head.append(contentsOf: chunk[0..<n])
        guard head.count > 8192 || containsHeadEnd() else { return }
        answered = true
        let requestLine = String(decoding: head.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let parts = requestLine.split(separator: " ")
        let response: [UInt8]
        if parts.count >= 2, parts[0] == "GET", parts[1] == "/metrics" || parts[1].hasPrefix("/metrics?") {
            let body = metrics.render()
            response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
        } else {
            let body = Array("not found: try GET /metrics\n".utf8)
            response = Array("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
        }
        response.withUnsafeBytes { connection.send($0) }
        connection.closeAfterFlush()
    }

    private func containsHeadEnd() -> Bool {
        guard head.count >= 4 else { return false }
        for i in 0...(head.count - 4) where head[i] == 0x0D && head[i + 1] == 0x0A && head[i + 2] == 0x0D && head[i + 3] == 0x0A {
            return true
        }
        return false
    }

    func connectionReachedEndOfInput(_ connection: Connection) {}
    func connectionClosed(_ connection: Connection) { onClose() }
}
