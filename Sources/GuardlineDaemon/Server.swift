import Dispatch
import Foundation
import GuardlineProtocol
import GuardlineTransport
import Synchronization

/// Accepts NDJSON connections and spreads them over the workers. Owns the
/// listeners and the table of open sessions (for a graceful shutdown).
final class Server: Sendable {
    private let services: DaemonServices
    private let workers: [Worker]
    /// One per worker when `read_loop` is on: the thread that waits for that
    /// worker's sockets to be readable (see `ReadLoop` for why not Dispatch
    /// sources). Nil when it is off or the loop could not be created; that
    /// worker's sockets then use Dispatch sources.
    private let readLoops: [ReadLoop?]
    private let acceptQueue = DispatchQueue(label: "guardline.accept")
    private let listeners = Mutex<[Listener]>([])
    private let sessions = Mutex<[UInt64: Session]>([:])
    private let nextID = Atomic<UInt64>(1)
    private let maxPendingReplyBytes: Int

    init(services: DaemonServices, workerCount: Int, maxPendingReplyBytes: Int, readLoops useReadLoops: Bool) {
        self.services = services
        self.maxPendingReplyBytes = maxPendingReplyBytes
        workers = (0..<max(1, workerCount)).map { Worker(index: $0, services: services) }
        readLoops = workers.map { worker in
            guard useReadLoops else { return nil }
            do {
                return try ReadLoop(label: "guardline.read.\(worker.index)", queue: worker.queue)
            } catch {
                services.logger.warning("server.read_loop_unavailable",
                                        metadata: ["worker": "\(worker.index)", "error": "\(error)"])
                return nil
            }
        }
    }

    deinit {
        for loop in readLoops { loop?.stop() }
    }

    /// Binds a listener; returns the bound address (the real port when 0 was asked).
    func listen(on address: SocketAddress, responses: ResponseMode) throws(SocketError) -> SocketAddress {
        let listener = try Listener(address: address, queue: acceptQueue, onError: { [services] error in
            services.logger.error("listener.accept_failed", metadata: ["error": "\(error)"])
        }, onAccept: { [weak self] fd in
            self?.adopt(fd: fd, responses: responses)
        })
        listeners.withLock { $0.append(listener) }
        listener.start()
        return listener.address
    }

    private func adopt(fd: Int32, responses: ResponseMode) {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let index = Int(id % UInt64(workers.count))
        let worker = workers[index]
        let connection = Connection(fd: fd, id: id, queue: worker.queue, readLoop: readLoops[index],
                                    highWatermark: maxPendingReplyBytes, lowWatermark: maxPendingReplyBytes / 4)
        let session = Session(connection: connection, worker: worker, mode: responses) { [weak self] session in
            self?.sessions.withLock { _ = $0.removeValue(forKey: session.connection.id) }
            self?.services.metrics.connectionsOpen.decrement()
        }
        connection.delegate = session
        sessions.withLock { $0[id] = session }
        services.metrics.connectionsAccepted.increment()
        services.metrics.connectionsOpen.increment()
        connection.start()
    }

    /// After a swap: every worker moves to the new generation now, not at its
    /// next read, so an idle worker does not keep the old one (and the
    /// children of its removed process detectors) alive. Queued behind any
    /// chunk in flight, so those finish on the generation they started on.
    func adoptCurrentGeneration() {
        for worker in workers {
            worker.queue.async { worker.adoptCurrentGeneration() }
        }
    }

    var openConnections: Int { sessions.withLock { $0.count } }

    /// Graceful stop: no new connections; every byte already sent to us is
    /// read and answered; replies are flushed; then connections close.
    /// Returns when all are closed or `timeout` seconds have passed.
    func shutdown(timeout: Double) {
        listeners.withLock { all in
            for listener in all { listener.close() }
            all.removeAll()
        }
        let open = sessions.withLock { Array($0.values) }
        for session in open {
            session.worker.queue.async {
                session.drainReadable()
                session.connection.closeAfterFlush()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while openConnections > 0 && Date() < deadline {
            usleep(5_000)
        }
        // Everything answered so far was handled on the workers; wait for any chunk still running.
        for worker in workers { worker.queue.sync {} }
        if openConnections == 0 {
            for loop in readLoops { loop?.stop() }
        }
    }
}
