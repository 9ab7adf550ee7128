import GuardlineProtocol
import GuardlineTransport

/// The protocol state of one connection: its framer and response mode. Runs
/// on its worker's queue: one Dispatch hop per read, however many events the
/// read holds; replies for the whole read go out in one `send`.
final class Session: ConnectionDelegate {
    let connection: Connection
    let worker: Worker
    private var framer: LineFramer
    private var mode: ResponseMode
    private let readSize: Int
    private let onClose: (Session) -> Void

    init(connection: Connection, worker: Worker, mode: ResponseMode, maxLineBytes: Int,
         readSize: Int = 256 << 10, onClose: @escaping (Session) -> Void) {
        self.connection = connection
        self.worker = worker
        self.mode = mode
        self.readSize = readSize
        self.onClose = onClose
        framer = LineFramer(maxLineLength: maxLineBytes)
    }

    func connectionReadable(_ connection: Connection) {
        let count = framer.read(minimumSpace: readSize) { connection.read(into: $0) }
        guard count > 0 else { return }
        processLines()
    }

    func connectionReachedEndOfInput(_ connection: Connection) {
        // A last line without a newline still counts as a line.
        worker.beginChunk()
        framer.finish { item in dispatch(item) }
        flushChunk()
    }

    func connectionClosed(_ connection: Connection) {
        onClose(self)
    }

    /// Reads whatever the socket already holds (at shutdown: everything a
    /// client sent before the signal gets its verdict).
    func drainReadable() {
        while true {
            let count = framer.read(minimumSpace: readSize) { connection.read(into: $0) }
            guard count > 0 else { return }
            processLines()
        }
    }

    private func processLines() {
        worker.beginChunk()
        framer.forEachLine { item in dispatch(item) }
        flushChunk()
    }

    private func dispatch(_ item: FramedLine) {
        switch item {
        case let .line(bytes, readable):
            worker.handle(line: bytes, readable: readable, mode: &mode)
        case .tooLong:
            worker.handleTooLong(mode: mode)
        }
    }

    private func flushChunk() {
        worker.endChunk()
        worker.encoder.withBytes { bytes in
            if bytes.count > 0 { connection.send(bytes) }
        }
    }
}
