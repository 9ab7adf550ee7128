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
        appendRaw(#"{"ok":true,"type":"pong"}"#.utf8)
        bytes.append(0x0A)
    }

    /// `{"ok":false,"id":"…","error":{"code":"…","message":"…"}}`; `id` is left out when empty.
    public mutating func appendError(_ code: ErrorCode, message: String, id: Bytes) {
        appendRaw(#"{"ok":false,"#.utf8)
        if id.count > 0 {
            appendRaw(#""id":"#.utf8)
            appendString(id)
            bytes.append(UInt8(ascii: ","))
        }
        appendRaw(#""error":{"code":""#.utf8)
        appendRaw(code.rawValue.utf8)
        appendRaw(#"","message":"#.utf8)
        appendString(message)
        appendRaw("}}\n".utf8)
    }

    /// `{"id":"…","ok":true,"score":0.83,"flagged":false,"risk":1.25,"signals":[…]}`
    ///
    /// - Parameter signal: returns the `index`-th of `signalCount` signals.
    public mutating func appendVerdict(
        id: Bytes, score: Double, flagged: Bool, risk: Double,
        signalCount: Int, signal: (_ index: Int) -> SignalFragment
    ) {
        appendRaw(#"{"id":"#.utf8)
        appendString(id)
        appendRaw(#","ok":true,"score":"#.utf8)
        appendNumber(score)
        appendRaw(flagged ? #","flagged":true,"risk":"#.utf8 : #","flagged":false,"risk":"#.utf8)
        appendNumber(risk)
        appendRaw(#","signals":["#.utf8)
        for index in 0..<signalCount {
            let fragment = signal(index)
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendRaw(#"{"detector":"#.utf8)
            appendRaw(fragment.nameJSON)
            appendRaw(#","score":"#.utf8)
            appendNumber(fragment.score)
            appendRaw(#","labels":"#.utf8)
            appendRaw(fragment.labelsJSON)
            bytes.append(UInt8(ascii: "}"))
        }
        appendRaw("]}\n".utf8)
    }

    /// Appends bytes as they are: pre-encoded JSON fragments.
    public mutating func appendRaw<Fragment: Sequence<UInt8>>(_ fragment: Fragment) {
        bytes.append(contentsOf: fragment)
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
