import GuardlineProtocol

/// The framed items of one read chunk, copied out of the framer, so the
/// chunk can be walked twice: once to build the requests for the process
/// detectors (asked once per chunk), once to score and answer each line with
/// their results. An `EventView` does not outlive the next parse, so the
/// second walk parses every line again from this copy.
///
/// One per worker, reused: after the first chunks it allocates nothing.
struct ChunkLines {
    /// Line bytes back to back, then `padding` bytes once sealed.
    var storage: [UInt8] = []
    /// In arrival order: where each line starts and how long it is; a count
    /// of -1 marks a line that was too long (answered with an error, no bytes).
    var items: [(start: Int, count: Int)] = []

    /// Readable bytes the JSON parser needs after a line (`GL_PADDING`).
    static let padding = 64

    var isEmpty: Bool { items.isEmpty }

    mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        items.removeAll(keepingCapacity: true)
    }

    /// Ends appending: adds the padding after the last line.
    mutating func seal() {
        storage.append(contentsOf: repeatElement(0, count: Self.padding))
    }
}
