import GuardlineProtocol

/// The byte views of `ChunkLines`: copying framer views in, handing views
/// of the copy out. Views are valid only inside the callback.
extension ChunkLines {
    /// Remembers one framed item (the line's bytes are copied).
    mutating func append(_ item: LineFramer.Item) {
        switch item {
        case let .line(bytes, _):
            items.append((storage.count, bytes.count))
            storage.append(contentsOf: bytes)
        case .tooLong:
            items.append((storage.count, -1))
        }
    }

    /// Hands every item back, in order, as the framer did; call after `seal()`.
    func forEach(_ body: (LineFramer.Item) -> Void) {
        storage.withUnsafeBytes { raw in
            for item in items {
                if item.count < 0 {
                    body(.tooLong)
                } else {
                    // Everything after the line is readable: the next lines, then the padding.
                    body(.line(UnsafeRawBufferPointer(rebasing: raw[item.start..<(item.start + item.count)]),
                               readable: raw.count - item.start))
                }
            }
        }
    }
}
