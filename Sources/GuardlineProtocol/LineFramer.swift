import CJSONShim

/// Splits a byte stream into lines, with a hard maximum line length.
///
/// A value type with no I/O: the daemon reads straight into the framer's own
/// buffer (`withWritableTail`), then takes every complete line out with
/// `forEachLine`. Lines are handed out as views into that buffer, with at
/// least `GL_PADDING` (64) readable bytes after each one, so the JSON parser
/// never copies them. Nothing is allocated per line or per read once the
/// buffer has its size.
///
/// Rules:
/// - A line ends at `\n`; one `\r` before it is dropped (`\r\n` is accepted).
/// - Lines that are empty or hold only spaces, tabs and `\r` are skipped.
/// - A line longer than `maximumLineLength` (not counting the terminator) is
///   reported once as `.tooLong` (as soon as it is known to be too long), its
///   bytes are dropped up to and including the next `\n`, and framing carries on.
/// - At end of input, `finish` hands out a last line that had no `\n`.
public struct LineFramer {
    /// One framing result. The `.line` view is valid only inside the callback.
    public enum Item {
        /// A complete line without its terminator; `readable` bytes from its start may be read.
        case line(UnsafeRawBufferPointer, readable: Int)
        /// A line exceeded the maximum length (reported once per such line).
        case tooLong
    }

    /// The longest line accepted, in bytes, without the terminator.
    public let maximumLineLength: Int
    /// Buffer bytes; the last `GL_PADDING` are never filled with data.
    var storage: [UInt8]
    /// First byte not yet handed out (start of the partial line).
    var dataStart = 0
    /// One past the last byte received.
    var dataEnd = 0
    /// Bytes in `dataStart..<scanFrom` are known to contain no `\n`: not searched again.
    var scanFrom = 0
    /// Inside a line already reported as too long: drop bytes up to the next `\n`.
    var discarding = false

    static var padding: Int { Int(GL_PADDING) }

    /// - Parameters:
    ///   - maximumLineLength: the longest line accepted.
    ///   - readCapacity: room for one read on top of a partial line of the maximum length.
    public init(maximumLineLength: Int, readCapacity: Int = 64 * 1024) {
        precondition(maximumLineLength > 0 && readCapacity > 0)
        self.maximumLineLength = maximumLineLength
        // A partial line may hold the maximum plus a '\r' before we know it is too long.
        storage = [UInt8](repeating: 0, count: maximumLineLength + 1 + readCapacity + Self.padding)
    }

    /// Bytes received but not yet handed out (a partial line).
    public var bufferedByteCount: Int { dataEnd - dataStart }

    /// Usable data capacity of the buffer (without the padding).
    var dataCapacity: Int { storage.count - Self.padding }

    /// Lets `body` write into the free space after the buffered bytes, e.g. with `read(2)`.
    ///
    /// The buffered partial line is first moved to the front (the only time bytes are moved),
    /// and the buffer grows if fewer than `minimum` bytes are free. `body` returns how many
    /// bytes it wrote; zero or a negative value (EOF, `EAGAIN`, an error) adds nothing and is
    /// passed through as the result.
    public mutating func withWritableTail(
        minimum: Int = 1,
        _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows -> Int {
        compact()
        reserveFreeSpace(minimum)
        let written = try writeTail(body)
        if written > 0 {
            precondition(written <= dataCapacity - dataEnd, "wrote past the free space")
            dataEnd += written
        }
        return written
    }

    /// Copies `bytes` into the buffer (for callers that already hold the data, such as tests
    /// or a TLS layer). Call `forEachLine` after each append.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        _ = withWritableTail(minimum: bytes.count) { tail in
            tail.copyMemory(from: bytes)
            return bytes.count
        }
    }

    /// Copies `bytes` into the buffer; see `append(_:)`.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    private mutating func reserveFreeSpace(_ minimum: Int) {
        let free = dataCapacity - dataEnd
        if free < minimum {
            // Rare: only when a caller asks for more than one read's worth at once.
            storage.append(contentsOf: repeatElement(0, count: minimum - free))
        }
    }
}
