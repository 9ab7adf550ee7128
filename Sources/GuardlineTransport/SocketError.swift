#if canImport(Glibc)
import Glibc
#endif

/// A failed socket call, with the errno captured where it happened.
public enum SocketError: Error, Equatable, CustomStringConvertible {
    case failed(call: String, errno: Int32)
    case invalidAddress(String)

    public var description: String {
        switch self {
        case let .failed(call, code):
            return "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        case let .invalidAddress(text):
            return "invalid address '\(text)': expected HOST:PORT, e.g. 127.0.0.1:7878 or [::1]:7878"
        }
    }
}
