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
    public static func normalised(_ bytes: UnsafeBufferPointer<UInt8>) -> (hash: UInt64, letters: Int) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var letters = 0
        var pendingSeparator = false
        for var b in bytes {
            let isUpper = b >= 0x41 && b <= 0x5A
            let isLower = b >= 0x61 && b <= 0x7A
            if isUpper { b |= 0x20 }
            if isUpper || isLower || b >= 0x80 {
                if pendingSeparator && letters > 0 {
                    h ^= 0x20
                    h &*= 0x100_0000_01b3
                }
                pendingSeparator = false
                h ^= UInt64(b)
                h &*= 0x100_0000_01b3
                letters += 1
            } else {
                pendingSeparator = true
            }
        }
        return (h, letters)
    }
}
