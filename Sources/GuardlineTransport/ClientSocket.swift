#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client socket for the CLI (`send`, `bench`) and tests.
/// Owns its descriptor and closes it on `close()` or deinit. One thread may
/// write while another reads (the kernel allows it); `close()` only once both are done.
public final class ClientSocket: @unchecked Sendable {
    public let fd: Int32
    private var open = true

    /// Connects (blocking) to `address`.
    public init(connectingTo address: SocketAddress) throws(SocketError) {
        let fd = try Syscalls.socket(family: address.posixFamily, type: Int32(SOCK_STREAM.rawValue))
        Syscalls.setBlocking(fd, true)
        do throws(SocketError) {
            _ = try Syscalls.connect(fd, address)
            try Syscalls.setOption(fd, level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
        } catch {
            Syscalls.close(fd)
            throw error
        }
        self.fd = fd
    }

    init(adopting fd: Int32) {
        self.fd = fd
    }

    deinit { close() }

    public func close() {
        guard open else { return }
        open = false
        Syscalls.close(fd)
    }

    /// Writes every byte (blocking). Throws when the peer has gone.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            switch try Syscalls.write(fd, from: UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .bytes(let n): offset += n
            case .wouldBlock: continue
            case .endOfFile: throw .failed(call: "send", errno: EPIPE)
            }
        }
    }

    public func writeAll(_ bytes: [UInt8]) throws(SocketError) {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(SocketError) in try writeAll(raw) } }
        try result.get()
    }

    public func writeAll(_ text: String) throws(SocketError) {
        try writeAll(Array(text.utf8))
    }

    /// Reads once (blocking); returns 0 at end of input. Throws `EAGAIN` when
    /// a receive timeout (`setReceiveTimeout`) expires with nothing to read.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int {
        switch try Syscalls.read(fd, into: buffer) {
        case .bytes(let n): return n
        case .endOfFile: return 0
        case .wouldBlock: throw .failed(call: "read (timed out)", errno: EAGAIN)
        }
    }

    /// Closes the sending side so the server sees end of input but can still answer.
    public func shutdownWrite() { Syscalls.shutdownWrite(fd) }

    /// Sets a receive timeout so a test cannot hang forever on a missing reply.
    public func setReceiveTimeout(seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Switches between blocking and non-blocking mode (the benchmark polls).
    public func setNonBlocking(_ on: Bool) { Syscalls.setBlocking(fd, !on) }
}

extension ClientSocket {
    /// Connects (blocking) to a Unix domain stream socket, e.g. the daemon's control socket.
    public convenience init(unixPath path: String) throws(SocketError) {
        self.init(adopting: try Syscalls.unixConnect(path: path))
    }
}
