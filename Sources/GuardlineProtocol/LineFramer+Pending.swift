/// What one connection leaves in a framer between two reads: the bytes of
/// an incomplete line, and whether it is skipping the rest of an oversize line.
///
/// Why this exists: a framer's buffer holds a maximum-length line plus a read
/// (over 1 MiB by default). Giving every connection its own would make ten
/// thousand idle connections cost gigabytes. Instead each worker owns one
/// framer, and a connection keeps only this: empty for an idle connection
/// that ended on a line boundary, which is almost always.
public struct PendingInput: Sendable {
    var bytes: [UInt8] = []
    /// Bytes at the front of `bytes` already searched for a newline.
    var scanned = 0
    var discarding = false

    public init() {}

    /// Bytes of an incomplete line held for the next read.
    public var count: Int { bytes.count }
}

extension LineFramer {
    /// Loads a connection's pending input in front of the next read. The
    /// framer must be empty (every previous connection suspended).
    public mutating func resume(_ pending: inout PendingInput) {
        precondition(dataStart == dataEnd, "resume on a framer that still holds another connection's bytes")
        dataStart = 0
        dataEnd = 0
        scanFrom = 0
        discarding = pending.discarding
        if !pending.bytes.isEmpty {
            append(pending.bytes)
            scanFrom = pending.scanned
            pending.bytes.removeAll(keepingCapacity: false)
        }
        pending.scanned = 0
        pending.discarding = false
    }

    /// Moves what is left after `forEachLine` (an incomplete line) out into
    /// the connection's `pending`, leaving the framer empty for the next one.
    public mutating func suspend(into pending: inout PendingInput) {
        pending.discarding = discarding
        if dataEnd > dataStart {
            pending.bytes = Array(storage[dataStart..<dataEnd])
            pending.scanned = max(0, scanFrom - dataStart)
        } else {
            pending.bytes = []
            pending.scanned = 0
        }
        dataStart = 0
        dataEnd = 0
        scanFrom = 0
        discarding = false
    }
}
