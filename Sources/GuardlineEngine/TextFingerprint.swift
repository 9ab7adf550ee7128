/// Fast, allocation-free hashing of byte views.
public enum TextFingerprint {
    /// FNV-1a, 64-bit.
    @inlinable public static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x100_0000_01b3
        }
        return h
    }

    /// Hash of the text after normalisation: ASCII letters lower-cased, every
    /// run of whitespace, punctuation or digits folded to one separator. Two
    /// messages that differ only in spacing, case, numbering or punctuation
    /// (the usual way a script varies a spray) get the same fingerprint.
    /// Returns the hash and the count of letters seen (a cheap length guard).
    ///
    /// Runs on every event with an org, so it avoids a multiply per byte:
    /// normalised bytes are packed eight to a word and mixed once per word.
    public static func normalised(_ bytes: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, letters: Int) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var word: UInt64 = 0
        var packed: UInt64 = 0
        var letters = 0
        var separator = false
        // Long texts: the first 2 KiB decide; a script spraying one message
        // rarely varies only its tail.
        let count = min(bytes.count, 2048)
        guard let base = bytes.baseAddress else { return (h, 0) }
        foldTable.withUnsafeBufferPointer { table in
            let fold = table.baseAddress!
            var i = 0
            while i < count {
                let c = fold[Int(base[i])]
                i += 1
                if c == 0 {
                    separator = letters > 0
                    continue
                }
                if separator {
                    separator = false
                    word = word << 8 | 0x20
                    packed += 1
                    if packed == 8 {
                        h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
                        h ^= h >> 29
                        word = 0
                        packed = 0
                    }
                }
                word = word << 8 | UInt64(c)
                packed += 1
                letters += 1
                if packed == 8 {
                    h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
                    h ^= h >> 29
                    word = 0
                    packed = 0
                }
            }
        }
        h = (h ^ word ^ packed << 56) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 31
        return (h, letters)
    }

    /// Byte → normalised byte: 0 for separators (ASCII non-letters), ASCII
    /// letters lower-cased, bytes of multi-byte UTF-8 sequences kept.
    static let foldTable: [UInt8] = (0..<256).map { value in
        let b = UInt8(value)
        switch b {
        case 0x41...0x5A: return b | 0x20
        case 0x61...0x7A, 0x80...0xFF: return b
        default: return 0
        }
    }
}
