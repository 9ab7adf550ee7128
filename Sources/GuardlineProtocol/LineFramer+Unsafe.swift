#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pointer work of `LineFramer`: searching for newlines with `memchr`,
/// handing out views of the buffer, and moving the partial line to the front.
extension LineFramer {
    /// Hands every complete line received so far to `body`, in order.
    ///
    /// The views given to `body` are valid only during the call. `body` must not
    /// touch the framer (Swift's exclusivity rules enforce that).
    public mutating func forEachLine(_ body: (Item) -> Void) {
        var lineStart = dataStart
        let end = dataEnd
        var discarding = self.discarding
        let maximum = maximumLineLength
        let searchFrom = max(scanFrom, dataStart)
        storage.withUnsafeBytes { raw in
            let base = raw.baseAddress!
            var position = searchFrom
            while position < end, let found = memchr(base + position, 0x0A, end - position) {
                let newline = UnsafeRawPointer(found) - base
                position = newline + 1
                if discarding {
                    discarding = false
                    lineStart = position
                    continue
                }
                emit(raw, from: lineStart, to: newline, maximum: maximum, body)
                lineStart = position
            }
            if discarding {
                lineStart = end
            } else {
                let pending = end - lineStart
                // Maximum + 1 may still be a maximum-length line followed by the '\r' of "\r\n".
                if pending > maximum + 1 || (pending == maximum + 1 && raw[end - 1] != 0x0D) {
                    body(.tooLong)
                    discarding = true
                    lineStart = end
                }
            }
        }
        self.discarding = discarding
        if lineStart == end {
            // Nothing pending: start over at the front, no bytes to move.
            dataStart = 0
            dataEnd = 0
            scanFrom = 0
        } else {
            dataStart = lineStart
            scanFrom = end
        }
    }

    /// At end of input: hands out a last line that had no `\n` (or reports it too long),
    /// then empties the framer.
    public mutating func finish(_ body: (Item) -> Void) {
        forEachLine(body)
        if !discarding && dataEnd > dataStart {
            let start = dataStart, end = dataEnd, maximum = maximumLineLength
            storage.withUnsafeBytes { raw in
                emit(raw, from: start, to: end, maximum: maximum, body)
            }
        }
        dataStart = 0
        dataEnd = 0
        scanFrom = 0
        discarding = false
    }

    /// Emits `raw[start..<terminator]` minus one trailing `\r`, unless blank.
    private func emit(
        _ raw: UnsafeRawBufferPointer, from start: Int, to terminator: Int, maximum: Int, _ body: (Item) -> Void
    ) {
        var end = terminator
        if end > start && raw[end - 1] == 0x0D { end -= 1 }
        if end - start > maximum {
            body(.tooLong)
            return
        }
        var index = start
        // Blank check: for a JSON line the first byte is '{', so this stops at once.
        while index < end, raw[index] == 0x20 || raw[index] == 0x09 || raw[index] == 0x0D { index += 1 }
        if index == end { return }
        body(.line(UnsafeRawBufferPointer(rebasing: raw[start..<end]), readable: raw.count - start))
    }

    /// Moves the partial line to the front of the buffer so the free tail is as large as possible.
    mutating func compact() {
        guard dataStart > 0 else { return }
        let count = dataEnd - dataStart
        let start = dataStart
        storage.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            memmove(base, base + start, count)
        }
        scanFrom -= start
        dataStart = 0
        dataEnd = count
    }

    /// Runs `body` over the free space after the data.
    mutating func writeTail(_ body: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> Int {
        let start = dataEnd, end = dataCapacity
        return try storage.withUnsafeMutableBytes { raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[start..<end]))
        }
    }
}
