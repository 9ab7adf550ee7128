/// The one error type of GuardlineDetectors.
public enum DetectorError: Error, CustomStringConvertible, Sendable {
    /// Detector files that do not parse, validate or compile: every problem
    /// found, not just the first, so one reload attempt shows them all.
    case invalid([Diagnostic])
    /// The detector directory could not be listed or a file could not be read.
    case unreadable(path: String, reason: String)
    /// Vectorscan failed for a reason that is not a pattern's fault
    /// (allocation, unsupported CPU). `code` is the `hs_error_t`.
    case vectorscan(operation: String, code: Int32)
    /// Vectorscan rejected the pattern set as a whole without blaming one
    /// pattern (for example, the database grew too large).
    case compile(message: String)
    /// A learned detector's model file is missing, unreadable or not a valid
    /// model (wrong magic or version, truncated, corrupt): `reason` says which.
    case model(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .vectorscan(let operation, let code):
            return "vectorscan \(operation) failed with hs_error_t \(code)"
        case .compile(let message):
            return "rule patterns do not compile together: \(message)"
        case .model(let path, let reason):
            return "\(path): not a usable model file: \(reason)"
        }
    }
}

/// One problem in a detector file, at the node that caused it.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    /// 1-based, as editors count.
    public let line: Int
    public let column: Int
    public let message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `path:line:column: message`, the shape compilers use, so editors and
    /// terminals can jump to it.
    public var description: String { "\(path):\(line):\(column): \(message)" }
}
