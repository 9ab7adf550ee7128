import GuardlineProtocol
import GuardlineTransport

/// The protocol state of one connection: its response mode and the bytes of
/// an incomplete line. Everything else (framer, parser, scanner, reply
/// buffer) belongs to the worker, so an idle connection costs a few hundred
/// bytes beyond its socket. Every call runs on the worker's queue (hence @unchecked Sendable).
final class Session: ConnectionDelegate, @unchecked Sendable {
    let connection: Connection
    let worker: Worker
    private var pending = PendingInput()
    private var mode: ResponseMode
    private let onClose: (Session) -> Void

    init(connection: Connection, worker: Worker, mode: ResponseMode, onClose: @escaping (Session) -> Void) {
        self.connection = connection
        self.worker = worker
        self.mode = mode
        self.onClose = onClose
    }

    func connectionReadable(_ connection: Connection) {
        worker.serve(connection, pending: &pending, mode: &mode)
    }

    func connectionReachedEndOfInput(_ connection: Connection) {
        worker.finish(connection, pending: &pending, mode: &mode)
    }

    func connectionClosed(_ connection: Connection) {
        onClose(self)
    }

    /// Reads whatever the socket already holds (at shutdown: everything a
    /// client sent before the signal gets its verdict). Bounded to 64 reads
    /// (16 MiB), so a client that keeps streaming cannot hold shutdown open.
    func drainReadable() {
        var reads = 0
        while reads < 64, worker.serve(connection, pending: &pending, mode: &mode) > 0 { reads += 1 }
    }
}
