#if canImport(Glibc)
import Glibc
#endif

/// A numeric IPv4 or IPv6 socket address (`127.0.0.1:7878`, `[::1]:0`).
///
/// Only numeric hosts (and `localhost`) are accepted: a daemon in a real-time
/// path must not block on DNS at start or reload.
public struct SocketAddress: Sendable, Equatable, CustomStringConvertible {
    public enum Family: Sendable, Equatable { case ipv4, ipv6 }

    public let host: String
    public let port: UInt16
    public let family: Family

    public init(host: String, port: UInt16) throws(SocketError) {
        let normalised = host == "localhost" ? "127.0.0.1" : host
        if normalised.contains(":") {
            var probe = in6_addr()
            guard inet_pton(AF_INET6, normalised, &probe) == 1 else { throw .invalidAddress("\(host):\(port)") }
            family = .ipv6
        } else {
            var probe = in_addr()
            guard inet_pton(AF_INET, normalised, &probe) == 1 else { throw .invalidAddress("\(host):\(port)") }
            family = .ipv4
        }
        self.host = normalised
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPv6]:PORT`.
    public init(parsing text: String) throws(SocketError) {
        var hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .invalidAddress(text)
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidAddress(text) }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
        }
        if hostPart.isEmpty { hostPart = "127.0.0.1" }
        guard let port = UInt16(portPart) else { throw .invalidAddress(text) }
        try self.init(host: String(hostPart), port: port)
    }

    init(storage: sockaddr_storage) {
        var storage = storage
        if Int32(storage.ss_family) == AF_INET6 {
            let (host, port) = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin6 -> (String, UInt16) in
                    var addr = sin6.pointee.sin6_addr
                    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                    inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
                    return (String(cString: buffer), UInt16(bigEndian: sin6.pointee.sin6_port))
                }
            }
            self.host = host
            self.port = port
            self.family = .ipv6
        } else {
            let (host, port) = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin -> (String, UInt16) in
                    var addr = sin.pointee.sin_addr
                    var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                    inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
                    return (String(cString: buffer), UInt16(bigEndian: sin.pointee.sin_port))
                }
            }
            self.host = host
            self.port = port
            self.family = .ipv4
        }
    }

    public var description: String {
        family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    var posixFamily: Int32 { family == .ipv6 ? AF_INET6 : AF_INET }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch family {
        case .ipv4:
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &sin.sin_addr)
            return withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6:
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &sin6.sin6_addr)
            return withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }
}
