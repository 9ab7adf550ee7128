/// One detector's part of a verdict, with its name and labels already encoded as
/// JSON (`"prompt-injection"`, `["instruction_override"]`): callers cache these
/// per detector with `ReplyEncoder.quoted` and `ReplyEncoder.quotedArray`, so a
/// verdict costs no escaping and no allocation.
public struct SignalFragment {
    public var nameJSON: [UInt8]
    public var score: Double
    public var labelsJSON: [UInt8]

    public init(nameJSON: [UInt8], score: Double, labelsJSON: [UInt8]) {
        self.nameJSON = nameJSON
        self.score = score
        self.labelsJSON = labelsJSON
    }
}

/// Builds reply lines by hand into one reusable byte buffer.
///
/// Why by hand: `JSONEncoder` costs more than parsing and scanning an event
/// together (shared/PERFORMANCE.md). The daemon appends every reply of a read
/// here, writes `bytes` with one `write(2)`, then calls `removeAll()`, which
/// keeps the capacity. Every reply is one line ending in `\n`.
public struct ReplyEncoder {
    /// The encoded replies so far.
    public internal(set) var bytes: [UInt8]

    public init(capacity: Int = 64 * 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Forgets the encoded replies, keeping the buffer's capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// `{"ok":true,"type":"pong"}`
    public mutating func appendPong() {
        appendLiteral(#"{"ok":true,"type":"pong"}"#)
        bytes.append(0x0A)
    }

    /// `{"ok":false,"id":"…","error":{"code":"…","message":"…"}}`; `id` is left out when empty.
    public mutating func appendError(_ code: ErrorCode, message: String, id: Bytes) {
        appendLiteral(#"{"ok":false,"#)
        if id.count > 0 {
            appendLiteral(#""id":"#)
            appendString(id)
            bytes.append(UInt8(ascii: ","))
        }
        appendLiteral(#""error":{"code":""#)
        var code = code.rawValue
        code.withUTF8 { bytes.append(contentsOf: $0) }
        appendLiteral(#"","message":"#)
        appendString(message)
        appendLiteral("}}\n")
    }

    /// `{"id":"…","ok":true,"score":0.83,"flagged":false,"risk":1.25,"signals":[…]}`
    ///
    /// - Parameter signal: returns the `index`-th of `signalCount` signals.
    public mutating func appendVerdict(
        id: Bytes, score: Double, flagged: Bool, risk: Double,
        signalCount: Int, signal: (_ index: Int) -> SignalFragment
    ) {
        appendLiteral(#"{"id":"#)
        appendString(id)
        appendLiteral(#","ok":true,"score":"#)
        appendNumber(score)
        appendLiteral(flagged ? #","flagged":true,"risk":"# : #","flagged":false,"risk":"#)
        appendNumber(risk)
        appendLiteral(#","signals":["#)
        for index in 0..<signalCount {
            let fragment = signal(index)
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendLiteral(#"{"detector":"#)
            appendRaw(fragment.nameJSON)
            appendLiteral(#","score":"#)
            appendNumber(fragment.score)
            appendLiteral(#","labels":"#)
            appendRaw(fragment.labelsJSON)
            bytes.append(UInt8(ascii: "}"))
        }
        appendLiteral("]}\n")
    }

    /// Appends bytes as they are: pre-encoded JSON fragments (concrete overloads, so a call
    /// from another module is not an unspecialised generic).
    public mutating func appendRaw(_ fragment: [UInt8]) {
        bytes.append(contentsOf: fragment)
    }

    /// Appends bytes as they are; see `appendRaw(_: [UInt8])`.
    public mutating func appendRaw(_ fragment: Bytes) {
        bytes.append(contentsOf: fragment)
    }

    /// Appends a fixed fragment; a `StaticString` is copied as one block, unlike a `String.UTF8View`.
    mutating func appendLiteral(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// A JSON string literal (with quotes) for `text`, to cache and pass to `appendRaw`.
    public static func quoted(_ text: String) -> [UInt8] {
        var encoder = ReplyEncoder(capacity: text.utf8.count + 2)
        encoder.appendString(text)
        return encoder.bytes
    }

    /// A JSON array of string literals, e.g. `["a","b"]`, to cache and pass to `appendRaw`.
    public static func quotedArray(_ texts: [String]) -> [UInt8] {
        var encoder = ReplyEncoder(capacity: 64)
        encoder.bytes.append(UInt8(ascii: "["))
        for (index, text) in texts.enumerated() {
            if index > 0 { encoder.bytes.append(UInt8(ascii: ",")) }
            encoder.appendString(text)
        }
        encoder.bytes.append(UInt8(ascii: "]"))
        return encoder.bytes
    }
}
