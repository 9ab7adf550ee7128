import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A listening TCP socket that accepts on a Dispatch read source.
///
/// The listener owns its descriptor; accepted descriptors are handed to
/// `onAccept`, which becomes their owner.
public final class Listener: @unchecked Sendable {
    /// The address actually bound (the real port when 0 was asked for).
    /// A Unix socket listener has none; see `unixPath`.
    public var address: SocketAddress { boundAddress! }
    private let boundAddress: SocketAddress?
    /// The socket file of a Unix domain listener.
    public let unixPath: String?
    private let fd: Int32
    private let source: DispatchSourceRead
    private let queue: DispatchQueue

    /// Binds and listens. `SO_REUSEADDR` lets a restarted daemon rebind while old
    /// connections sit in TIME_WAIT.
    public convenience init(address: SocketAddress, backlog: Int32 = 4096, queue: DispatchQueue,
                            onError: @escaping @Sendable (SocketError) -> Void = { _ in },
                            onAccept: @escaping @Sendable (Int32) -> Void) throws(SocketError) {
        let fd = try Syscalls.socket(family: address.posixFamily, type: Int32(SOCK_STREAM.rawValue))
        let bound: SocketAddress
        do throws(SocketError) {
            try Syscalls.setOption(fd, level: SOL_SOCKET, name: SO_REUSEADDR, value: 1)
            if address.family == .ipv6 {
                try Syscalls.setOption(fd, level: Int32(IPPROTO_IPV6), name: IPV6_V6ONLY, value: 1)
            }
            try Syscalls.bind(fd, address)
            try Syscalls.listen(fd, backlog: backlog)
            bound = try Syscalls.localAddress(fd)
        } catch {
            Syscalls.close(fd)
            throw error
        }
        self.init(fd: fd, address: bound, unixPath: nil, queue: queue, onError: onError, onAccept: onAccept)
    }

    /// A Unix domain socket listener at `path`, mode 0600 (see `Syscalls.unixListener`).
    /// The socket file is removed when the listener closes.
    public convenience init(unixPath path: String, queue: DispatchQueue,
                            onError: @escaping @Sendable (SocketError) -> Void = { _ in },
                            onAccept: @escaping @Sendable (Int32) -> Void) throws(SocketError) {
        let fd = try Syscalls.unixListener(path: path, backlog: 64)
        self.init(fd: fd, address: nil, unixPath: path, queue: queue, onError: onError, onAccept: onAccept)
    }

    private init(fd: Int32, address: SocketAddress?, unixPath: String?, queue: DispatchQueue,
                 onError: @escaping @Sendable (SocketError) -> Void, onAccept: @escaping @Sendable (Int32) -> Void) {
        self.fd = fd
        self.boundAddress = address
        self.unixPath = unixPath
        self.queue = queue
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        self.source = source
        source.setEventHandler {
            // Accept everything pending in one go: one hop per burst, not per connection.
            while true {
                do throws(SocketError) {
                    guard let client = try Syscalls.accept(fd) else { return }
                    onAccept(client)
                } catch {
                    // EMFILE/ENFILE and friends: report and wait for the next readiness event
                    // rather than spinning.
                    onError(error)
                    return
                }
            }
        }
        source.setCancelHandler {
            Syscalls.close(fd)
        }
    }

    public func start() { source.activate() }

    /// Stops accepting; the descriptor is closed once the source is cancelled.
    /// A Unix socket's path is removed here, synchronously: the cancel handler
    /// runs later on the queue, and a process that exits right after `close()`
    /// (a stopping daemon) would otherwise leave the socket file behind.
    public func close() {
        if let unixPath { Syscalls.removeSocketFile(unixPath) }
        source.cancel()
    }
}
