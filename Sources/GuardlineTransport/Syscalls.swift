#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CEpoll

/// `accept4` is a GNU extension the Glibc module does not export; it is the only
/// way to get a non-blocking, close-on-exec descriptor without a race against fork.
@_silgen_name("accept4")
private func c_accept4(_ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?,
                       _ length: UnsafeMutablePointer<socklen_t>?, _ flags: Int32) -> Int32

/// Every raw socket call of the package goes through here: `EINTR` is retried,
/// `EAGAIN`/`EWOULDBLOCK` and EOF become ordinary results, and any other errno
/// is turned into a `SocketError` at the call site.
enum Syscalls {
    /// Outcome of a non-blocking read or write that is not a failure.
    enum IOResult: Equatable {
        case bytes(Int)
        case wouldBlock
        case endOfFile
    }

    static func socket(family: Int32, type: Int32) throws(SocketError) -> Int32 {
        #if canImport(Glibc)
        let fd = Glibc.socket(family, type | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        #else
        let fd = Darwin.socket(family, type, 0)
        #endif
        guard fd >= 0 else { throw .failed(call: "socket", errno: errno) }
        return fd
    }

    static func setOption(_ fd: Int32, level: Int32, name: Int32, value: Int32) throws(SocketError) {
        var v = value
        guard setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw .failed(call: "setsockopt", errno: errno)
        }
    }

    static func bind(_ fd: Int32, _ address: SocketAddress) throws(SocketError) {
        let rc = address.withSockAddr { Glibc.bind(fd, $0, $1) }
        guard rc == 0 else { throw .failed(call: "bind(\(address))", errno: errno) }
    }

    static func listen(_ fd: Int32, backlog: Int32) throws(SocketError) {
        guard Glibc.listen(fd, backlog) == 0 else { throw .failed(call: "listen", errno: errno) }
    }

    /// Connects a blocking or non-blocking socket; `EINPROGRESS` is returned as `false`.
    static func connect(_ fd: Int32, _ address: SocketAddress) throws(SocketError) -> Bool {
        while true {
            let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return true }
            switch errno {
            case EINTR: continue
            case EINPROGRESS: return false
            default: throw .failed(call: "connect(\(address))", errno: errno)
            }
        }
    }

    /// Accepts one connection as a non-blocking, close-on-exec descriptor; nil when none is pending.
    static func accept(_ fd: Int32) throws(SocketError) -> Int32? {
        while true {
            let client = c_accept4(fd, nil, nil, Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue))
            if client >= 0 { return client }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            // The peer gave up before we accepted: not our failure, try the next one.
            case ECONNABORTED, EPROTO: continue
            default: throw .failed(call: "accept4", errno: errno)
            }
        }
    }

    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfFile }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case ECONNRESET: return .endOfFile
            default: throw .failed(call: "read", errno: errno)
            }
        }
    }

    static func write(_ fd: Int32, from buffer: UnsafeRawBufferPointer) throws(SocketError) -> IOResult {
        while true {
            // MSG_NOSIGNAL: a peer that went away must give EPIPE, not kill the daemon with SIGPIPE.
            let n = send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .bytes(n) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EPIPE, ECONNRESET: return .endOfFile
            default: throw .failed(call: "send", errno: errno)
            }
        }
    }

    static func shutdownWrite(_ fd: Int32) {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    static func close(_ fd: Int32) {
        // Never retry close on EINTR on Linux: the descriptor is already released.
        _ = Glibc.close(fd)
    }

    static func localAddress(_ fd: Int32) throws(SocketError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw .failed(call: "getsockname", errno: errno) }
        return SocketAddress(storage: storage)
    }

    static func setBlocking(_ fd: Int32, _ blocking: Bool) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK)
    }
}

extension Syscalls {
    /// poll(2) with EINTR retried; returns the number of ready descriptors.
    static func poll(_ fds: inout [pollfd], timeoutMilliseconds: Int32) throws(SocketError) -> Int {
        while true {
            let rc = fds.withUnsafeMutableBufferPointer { Glibc.poll($0.baseAddress, nfds_t($0.count), timeoutMilliseconds) }
            if rc >= 0 { return Int(rc) }
            if errno == EINTR { continue }
            throw .failed(call: "poll", errno: errno)
        }
    }
}

extension Syscalls {
    /// `sockaddr_un` for `path`; too long a path (over ~107 bytes) is an invalid address.
    static func unixAddress(_ path: String) throws(SocketError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw .invalidAddress(path) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        return address
    }

    /// Removes a Unix socket's file (a missing file is fine: nothing to remove).
    static func removeSocketFile(_ path: String) {
        unlink(path)
    }

    /// A listening Unix domain stream socket at `path`, mode 0600 (owner only):
    /// the control socket must not let other local users reload the daemon.
    /// A stale socket file from an earlier run is replaced.
    static func unixListener(path: String, backlog: Int32) throws(SocketError) -> Int32 {
        var address = try unixAddress(path)
        let fd = try socket(family: AF_UNIX, type: Int32(SOCK_STREAM.rawValue))
        removeSocketFile(path)
        // Create the socket file with no permissions for anyone else from the start.
        let previous = umask(0o177)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previous)
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw .failed(call: "bind(\(path))", errno: code)
        }
        guard Glibc.listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw .failed(call: "listen(\(path))", errno: code)
        }
        return fd
    }

    /// Connects a blocking Unix domain stream socket.
    static func unixConnect(path: String) throws(SocketError) -> Int32 {
        var address = try unixAddress(path)
        let fd = try socket(family: AF_UNIX, type: Int32(SOCK_STREAM.rawValue))
        setBlocking(fd, true)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw .failed(call: "connect(\(path))", errno: code)
        }
        return fd
    }
}

extension Syscalls {
    /// A close-on-exec epoll set.
    static func epollCreate() throws(SocketError) -> Int32 {
        let fd = gl_epoll_create()
        guard fd >= 0 else { throw .failed(call: "epoll_create1", errno: errno) }
        return fd
    }

    /// Watches `fd` for input; `token` comes back from `epollWait`.
    static func epollAdd(_ epfd: Int32, _ fd: Int32, token: UInt64) throws(SocketError) {
        guard gl_epoll_add(epfd, fd, token) == 0 else { throw .failed(call: "epoll_ctl(ADD)", errno: errno) }
    }

    /// Stops watching `fd`. Errors are ignored: the descriptor may already be gone.
    static func epollRemove(_ epfd: Int32, _ fd: Int32) {
        _ = gl_epoll_remove(epfd, fd)
    }

    /// Blocks until descriptors are ready (EINTR retried); fills `tokens` and returns how many.
    static func epollWait(_ epfd: Int32, into tokens: UnsafeMutableBufferPointer<UInt64>) throws(SocketError) -> Int {
        let n = gl_epoll_wait(epfd, tokens.baseAddress, Int32(tokens.count), -1)
        guard n >= 0 else { throw .failed(call: "epoll_wait", errno: errno) }
        return Int(n)
    }

    /// A close-on-exec, non-blocking eventfd (used to wake an epoll wait).
    static func eventFD() throws(SocketError) -> Int32 {
        let fd = gl_eventfd_create()
        guard fd >= 0 else { throw .failed(call: "eventfd", errno: errno) }
        return fd
    }

    /// Adds one to an eventfd's counter, waking whoever polls it.
    static func signal(eventFD fd: Int32) {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { Glibc.write(fd, $0.baseAddress, 8) }
    }
}

extension Syscalls {
    /// getrlimit(RLIMIT_NOFILE): (soft, hard), or nil when it cannot be read.
    static func descriptorLimit() -> (soft: rlim_t, hard: rlim_t)? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return (limit.rlim_cur, limit.rlim_max)
    }

    /// setrlimit(RLIMIT_NOFILE) with the soft limit changed; the errno on failure.
    static func setDescriptorSoftLimit(_ soft: rlim_t, hard: rlim_t) -> Int32? {
        var limit = rlimit(rlim_cur: soft, rlim_max: hard)
        return setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 ? nil : errno
    }
}
