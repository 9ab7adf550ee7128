#if canImport(Glibc)
import Glibc
#endif

/// Waits for readiness on a few client sockets at once (the benchmark drives
/// all its connections from one thread, leaving the other core to the daemon).
public struct PollSet {
    public struct Readiness: Equatable {
        public var readable: Bool
        public var writable: Bool
        public var hangup: Bool
    }

    private var fds: [pollfd]

    public init(sockets: [ClientSocket]) {
        fds = sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
    }

    /// Whether to wait for writability of socket `index` as well as readability.
    public mutating func wantWrite(_ index: Int, _ on: Bool) {
        fds[index].events = Int16(POLLIN) | (on ? Int16(POLLOUT) : 0)
    }

    /// Waits up to `timeoutMilliseconds`; returns readiness per socket.
    public mutating func wait(timeoutMilliseconds: Int32) throws(SocketError) -> [Readiness] {
        _ = try Syscalls.poll(&fds, timeoutMilliseconds: timeoutMilliseconds)
        return fds.map {
            Readiness(readable: $0.revents & Int16(POLLIN) != 0, writable: $0.revents & Int16(POLLOUT) != 0,
                      hangup: $0.revents & (Int16(POLLHUP) | Int16(POLLERR)) != 0)
        }
    }
}

extension ClientSocket {
    /// Non-blocking write: bytes written, 0 when the socket is full. Throws when the peer is gone.
    public func writeSome(_ bytes: UnsafeRawBufferPointer) throws(SocketError) -> Int {
        switch try Syscalls.write(fd, from: bytes) {
        case .bytes(let n): return n
        case .wouldBlock: return 0
        case .endOfFile: throw .failed(call: "send", errno: EPIPE)
        }
    }

    /// Non-blocking read: bytes read, 0 when nothing is ready, nil at end of input.
    public func readSome(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int? {
        switch try Syscalls.read(fd, into: buffer) {
        case .bytes(let n): return n
        case .wouldBlock: return 0
        case .endOfFile: return nil
        }
    }
}
