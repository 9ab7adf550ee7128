import GuardlineProtocol

extension RuleScanner {
    /// Longest evidence snippet, in bytes.
    public static let evidenceLength = 160
    /// How much of the snippet comes before the match end: most attacks are
    /// recognisable from the words leading up to where the pattern completed.
    static let evidenceLead = 120

    /// A snippet of `field` of at most `evidenceLength` bytes around
    /// `aroundEnd` (a match end offset), cut on UTF-8 character boundaries,
    /// with newlines and tabs turned into spaces so it fits one log line.
    public static func evidence(in field: Bytes, aroundEnd end: Int) -> String {
        let count = field.count
        guard count > 0 else { return "" }
        let matchEnd = min(max(end, 0), count)
        var start = max(0, matchEnd - evidenceLead)
        var stop = min(count, start + evidenceLength)
        start = max(0, stop - evidenceLength)
        // A continuation byte (10xxxxxx) is never the first byte of a character.
        while start < stop, field[start] & 0xC0 == 0x80 { start += 1 }
        while stop > start, stop < count, field[stop] & 0xC0 == 0x80 { stop -= 1 }
        var snippet = [UInt8]()
        snippet.reserveCapacity(stop - start)
        for byte in field[start..<stop] {
            snippet.append(byte == 0x0A || byte == 0x0D || byte == 0x09 ? 0x20 : byte)
        }
        return String(decoding: snippet, as: UTF8.self)
    }
}
